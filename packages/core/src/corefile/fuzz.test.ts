import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Dispenser } from './dispenser.js';
import { CorefileError } from './errors.js';
import { tokenize } from './lexer.js';
import { parseCorefile, type ParseOptions } from './parser.js';
import * as book from './testdata/book.js';

const ENV = { A: 'a.org', B: 'import', C: '{', D: '', E: 'x y', F: '{$F}' };

/** Corefile fragments that exercise every syntax rule, to build and mutate input from. */
const PIECES = [
  '{',
  '}',
  '{}',
  '"',
  '\\"',
  '\\',
  '#',
  ' ',
  '\t',
  '\n',
  '\r\n',
  ',',
  ':',
  '://',
  '/',
  '.',
  '(',
  ')',
  'import',
  'import s',
  'import f.conf',
  'import *.conf',
  '(s)',
  'log',
  'forward',
  '.',
  'a.org',
  '10.0.0.0/15',
  '2001:db8::/31',
  'tls://',
  '53',
  '{$A}',
  '{$B}',
  '{$C}',
  '{%E%}',
  '{$F}',
  'é',
  '\u2003',
  '\ufeff',
  '\u0000',
];

/** A small import tree with cycles, for fuzzed imports to wander into. */
const FILES: Record<string, string> = {
  '/fz/Corefile': '',
  '/fz/f.conf': 'log\nimport g.conf\n',
  '/fz/g.conf': 'errors\n',
  '/fz/x.conf': 'import y.conf\n',
  '/fz/y.conf': 'import x.conf\n',
  '/fz/blocks.conf': 'b.org {\n  whoami\n}\n(s) {\n  cache\n}\n',
  '/fz/open.conf': 'c.org {\n  log {\n',
};

const opts: ParseOptions = {
  filename: '/fz/Corefile',
  env: ENV,
  onWarning: () => {},
  readFile: (p) => {
    const text = FILES[p];
    if (text === undefined) throw new Error(`ENOENT ${p}`);
    return text;
  },
  glob: (pattern) => {
    const star = pattern.indexOf('*');
    if (star < 0) return pattern in FILES ? [pattern] : [];
    const head = pattern.slice(0, star);
    const tail = pattern.slice(star + 1);
    return Object.keys(FILES)
      .filter((p) => p.startsWith(head) && p.endsWith(tail))
      .sort();
  },
};

/** Parses and fails the property on anything but success or a CorefileError. */
function parsesOrCorefileError(text: string): void {
  try {
    parseCorefile(text, opts);
  } catch (e) {
    if (!(e instanceof CorefileError)) throw e;
    expect(e.message).toMatch(/^.+:\d+ - (Error during parsing|Syntax error): /);
  }
}

const fragmentText = fc.array(fc.constantFrom(...PIECES), { maxLength: 60 }).map((a) => a.join(''));
const seeds = [
  book.example3_15,
  book.example3_39,
  book.example6_11,
  book.example7_1,
  book.example3_3,
  book.example3_8,
];

/** A seed Corefile with random edits: inserts, deletions and replacements of fragments. */
const mutated = fc
  .tuple(
    fc.constantFrom(...seeds),
    fc.array(fc.tuple(fc.nat(), fc.nat({ max: 8 }), fc.constantFrom(...PIECES)), {
      minLength: 1,
      maxLength: 8,
    }),
  )
  .map(([seed, edits]) => {
    let s = seed;
    for (const [at, del, ins] of edits) {
      const i = at % (s.length + 1);
      s = s.slice(0, i) + ins + s.slice(i + del);
    }
    return s;
  });

describe('fuzz: parseCorefile only ever throws CorefileError', () => {
  it('on arbitrary text', () => {
    fc.assert(fc.property(fc.string({ unit: 'binary', maxLength: 300 }), parsesOrCorefileError), {
      numRuns: 1500,
    });
  });

  it('on text built from syntax fragments', () => {
    fc.assert(fc.property(fragmentText, parsesOrCorefileError), { numRuns: 3000 });
  });

  it('on mutated book Corefiles', () => {
    fc.assert(fc.property(mutated, parsesOrCorefileError), { numRuns: 2000 });
  });

  it('on random bytes decoded as the Corefile would be', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) =>
        parsesOrCorefileError(Buffer.from(bytes).toString('utf8')),
      ),
      { numRuns: 1000 },
    );
  });
});

/** A model of a valid Corefile, serialised with random layout, must parse back to itself. */
describe('property: layout does not change meaning', () => {
  const word = fc.stringMatching(/^[a-z0-9._/-]{1,8}$/).filter((w) => w !== 'import' && !w.startsWith('('));
  // Only \" is an escape inside quotes, so a backslash right before a quote or at the
  // end cannot be written at all; every other value can.
  const quotedWord = fc
    .string({ unit: fc.constantFrom('a', ' ', '"', '{', '}', '#', '\\', 'x', '\n'), maxLength: 8 })
    .filter((t) => !/\\("|$)/.test(t));
  const arg = fc.oneof(
    word.map((text) => ({ text, quoted: false })),
    quotedWord.map((text) => ({ text, quoted: true })),
  );
  const line = fc.record({
    name: fc.constantFrom('log', 'errors', 'cache', 'forward', 'hosts'),
    args: fc.array(arg, { maxLength: 3 }),
  });
  const directive = fc.record({
    name: fc.constantFrom('log', 'errors', 'cache', 'forward', 'hosts'),
    args: fc.array(arg, { maxLength: 3 }),
    block: fc.option(fc.array(line, { maxLength: 3 }), { nil: undefined }),
  });
  const zone = fc.constantFrom(
    'example.org',
    'Example.NET',
    '.',
    'a.b.c',
    '10.0.0.0/24',
    'tls://x.org',
    'x.org:1053',
  );
  const blocks = fc.array(
    fc.record({
      keys: fc.array(zone, { minLength: 1, maxLength: 3 }),
      directives: fc.array(directive, { maxLength: 4 }),
    }),
    {
      minLength: 1,
      maxLength: 3,
    },
  );
  const space = fc.constantFrom(' ', '  ', '\t', ' \t ');
  const comment = fc.constantFrom('', '', ' # note', ' #{ "');

  const quote = (text: string) => `"${text.replace(/"/g, '\\"')}"`;

  it('parses what it is given back into the same blocks', () => {
    fc.assert(
      fc.property(blocks, space, comment, fc.boolean(), (model, sp, note, commaKeys) => {
        let text = '';
        for (const b of model) {
          text += b.keys.join(commaKeys ? `,\n${sp}` : sp) + `${sp}{${note}\n`;
          for (const d of b.directives) {
            const args = d.args.map((a) => (a.quoted ? quote(a.text) : a.text));
            text += `${sp}${[d.name, ...args].join(sp)}`;
            if (d.block !== undefined) {
              text += `${sp}{${note}\n`;
              for (const l of d.block)
                text += `${sp}${sp}${[l.name, ...l.args.map((a) => (a.quoted ? quote(a.text) : a.text))].join(sp)}${note}\n`;
              text += `${sp}}`;
            }
            text += `${note}\n`;
          }
          text += `}${note}\n\n`;
        }
        const parsed = parseCorefile(text, { filename: 'Corefile', env: {} });
        expect(parsed.map((b) => b.keys)).toEqual(model.map((b) => b.keys));
        parsed.forEach((b, i) => {
          const expected = new Map<string, string[]>();
          for (const d of model[i].directives) {
            const words = [d.name, ...d.args.map((a) => a.text)];
            if (d.block !== undefined)
              words.push('{', ...d.block.flatMap((l) => [l.name, ...l.args.map((a) => a.text)]), '}');
            expected.set(d.name, [...(expected.get(d.name) ?? []), ...words]);
          }
          expect(new Map([...b.directives].map(([n, d]) => [n, d.tokens.map((t) => t.text)]))).toEqual(
            expected,
          );
        });
      }),
      { numRuns: 500 },
    );
  });
});

describe('fuzz: Dispenser loops always end', () => {
  it('on any tokens and any walk', () => {
    fc.assert(
      fc.property(
        fragmentText,
        fc.array(fc.nat({ max: 6 }), { minLength: 1, maxLength: 200 }),
        (text, walk) => {
          let tokens;
          try {
            tokens = tokenize(text, 'F');
          } catch (e) {
            expect(e).toBeInstanceOf(CorefileError);
            return;
          }
          const c = new Dispenser(tokens);
          // A setup function's shape, steered by the walk: every loop must end within a
          // number of steps bounded by the token count.
          let steps = 0;
          let w = 0;
          const pick = () => walk[w++ % walk.length];
          const budget = 4 * (tokens.length + 2) * (walk.length + 1);
          const inner = (depth: number): void => {
            while (c.nextBlock()) {
              if (++steps > budget) throw new Error('nextBlock loop did not end');
              const p = pick();
              if (p === 0) c.remainingArgs();
              else if (p === 1 && depth < 4) inner(depth + 1);
              else if (p === 2) c.nextArg();
              else if (p === 3) c.argErr();
            }
          };
          while (c.next()) {
            if (++steps > budget) throw new Error('next loop did not end');
            if (pick() % 2 === 0) c.remainingArgs();
            inner(0);
          }
          expect(c.next()).toBe(false);
        },
      ),
      { numRuns: 2000 },
    );
  });
});
