import { describe, expect, it } from 'vitest';
import {
  COMBINED_LOG_FORMAT,
  COMMON_LOG_FORMAT,
  Field,
  PLACEHOLDERS,
  compileFormat,
  expandShorthands,
  type FormatPart,
} from './format.js';

const NAMES = new Map([...PLACEHOLDERS].map(([text, field]) => [field, text]));

/** Writes the parts back as format text: compiling must lose nothing. */
function unparse(parts: readonly FormatPart[]): string {
  return parts
    .map((p) => (p.kind === 'literal' ? p.text : p.kind === 'field' ? NAMES.get(p.field) : `{/${p.key}}`))
    .join('');
}

const lit = (text: string): FormatPart => ({ kind: 'literal', text });
const field = (f: Field): FormatPart => ({ kind: 'field', field: f });
const meta = (key: string): FormatPart => ({ kind: 'metadata', key });

describe('compileFormat', () => {
  it.each<[string, FormatPart[]]>([
    ['', []],
    ['A', [lit('A')]],
    ['A {A}', [lit('A {A}')]],
    ['{{remote}}', [lit('{'), field(Field.Remote), lit('}')]],
    ['{ A {remote} A }', [lit('{ A '), field(Field.Remote), lit(' A }')]],
    ['{remote}}', [field(Field.Remote), lit('}')]],
    ['{{remote}', [lit('{'), field(Field.Remote)]],
    ['Foo } {remote}', [lit('Foo } '), field(Field.Remote)]],
    ['{ Foo', [lit('{ Foo')]],
    ['} Foo', [lit('} Foo')]],
    [
      'A { {remote} {type} {/meta1} } B',
      [lit('A { '), field(Field.Remote), lit(' '), field(Field.Type), lit(' '), meta('meta1'), lit(' } B')],
    ],
    ['{/forward/upstream}', [meta('forward/upstream')]],
    // Placeholders are case-sensitive, as in CoreDNS: these stay text.
    ['{TYPE} {>ID}', [lit('{TYPE} {>ID}')]],
    ['{>rflags}{>opcode}', [field(Field.Rflags), field(Field.Opcode)]],
  ])('%j', (source, parts) => {
    const compiled = compileFormat(source);
    expect(compiled.parts).toEqual(parts);
    expect(compiled.source).toBe(source);
  });

  it('compiles the Common Log Format into its fourteen fields', () => {
    const parts = compileFormat(COMMON_LOG_FORMAT).parts;
    expect(parts.filter((p) => p.kind === 'field')).toHaveLength(14);
    expect(parts[0]).toEqual(field(Field.Remote));
    expect(parts.at(-1)).toEqual(field(Field.Duration));
  });

  it('records whether a format reads metadata', () => {
    expect(compileFormat(COMMON_LOG_FORMAT).usesMetadata).toBe(false);
    expect(compileFormat('{/log/class}').usesMetadata).toBe(true);
  });

  it('loses nothing: any text compiles to parts that spell it again', () => {
    // A seeded generator keeps the run reproducible; the pieces are chosen to collide.
    const pieces = ['{', '}', '/', '>', 'type', 'remote', ' ', '{type}', '{>id}', '{/a/b}', '{x}', 'é', '{>'];
    let seed = 12345;
    const random = (n: number): number => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % n;
    };
    for (let round = 0; round < 2000; round++) {
      let text = '';
      const length = random(12);
      for (let i = 0; i < length; i++) text += pieces[random(pieces.length)];
      const parts = compileFormat(text).parts;
      expect(unparse(parts)).toBe(text);
      // Adjacent literals are merged, and no literal is empty.
      for (let i = 0; i < parts.length; i++) {
        if (parts[i].kind !== 'literal') continue;
        expect((parts[i] as { text: string }).text).not.toBe('');
        expect(parts[i + 1]?.kind).not.toBe('literal');
      }
    }
  });
});

describe('expandShorthands', () => {
  it('expands {common} and {combined} wherever they occur', () => {
    expect(expandShorthands('{common}')).toBe(COMMON_LOG_FORMAT);
    expect(expandShorthands('{combined}')).toBe(COMBINED_LOG_FORMAT);
    expect(expandShorthands('x {common} {/forward/upstream} {common}')).toBe(
      `x ${COMMON_LOG_FORMAT} {/forward/upstream} ${COMMON_LOG_FORMAT}`,
    );
  });

  it('defines the formats CoreDNS prints', () => {
    expect(COMMON_LOG_FORMAT).toBe(
      '{remote}:{port} - {>id} "{type} {class} {name} {proto} {size} {>do} {>bufsize}" {rcode} {>rflags} {rsize} {duration}',
    );
    expect(COMBINED_LOG_FORMAT).toBe(COMMON_LOG_FORMAT + ' "{>opcode}"');
  });
});
