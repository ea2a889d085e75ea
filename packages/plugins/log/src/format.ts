/**
 * Query-log formats: the placeholders CoreDNS's replacer knows, compiled once at setup into
 * a list of parts so that rendering a line is a loop of appends with no parsing.
 */

/** What a `{...}` placeholder stands for. */
export const Field = {
  Type: 0,
  Name: 1,
  Class: 2,
  Proto: 3,
  Size: 4,
  Remote: 5,
  Port: 6,
  Local: 7,
  Id: 8,
  Opcode: 9,
  Do: 10,
  Bufsize: 11,
  Rcode: 12,
  Rsize: 13,
  Duration: 14,
  Rflags: 15,
} as const;
export type Field = (typeof Field)[keyof typeof Field];

/** The placeholders, spelled exactly: CoreDNS matches them case-sensitively. */
export const PLACEHOLDERS: ReadonlyMap<string, Field> = new Map([
  ['{type}', Field.Type],
  ['{name}', Field.Name],
  ['{class}', Field.Class],
  ['{proto}', Field.Proto],
  ['{size}', Field.Size],
  ['{remote}', Field.Remote],
  ['{port}', Field.Port],
  ['{local}', Field.Local],
  ['{>id}', Field.Id],
  ['{>opcode}', Field.Opcode],
  ['{>do}', Field.Do],
  ['{>bufsize}', Field.Bufsize],
  ['{rcode}', Field.Rcode],
  ['{rsize}', Field.Rsize],
  ['{duration}', Field.Duration],
  ['{>rflags}', Field.Rflags],
]);

/** Printed for a value that does not exist (no response recorded, no such metadata). */
export const EMPTY_VALUE = '-';

/** The default: CoreDNS's Common Log Format. */
export const COMMON_LOG_FORMAT =
  '{remote}:{port} - {>id} "{type} {class} {name} {proto} {size} {>do} {>bufsize}" {rcode} {>rflags} {rsize} {duration}';
/** The Common Log Format plus the query's opcode. */
export const COMBINED_LOG_FORMAT = COMMON_LOG_FORMAT + ' "{>opcode}"';

/** One piece of a compiled format. */
export type FormatPart =
  | { readonly kind: 'literal'; readonly text: string }
  | { readonly kind: 'field'; readonly field: Field }
  /** `{/plugin/key}`: a metadata value, `key` without the braces and the leading slash */
  | { readonly kind: 'metadata'; readonly key: string };

export interface CompiledFormat {
  /** The format as configured, after `{common}` and `{combined}` were expanded. */
  readonly source: string;
  readonly parts: readonly FormatPart[];
  /** Whether any part needs the metadata of the query (so `log/*` metadata is worth setting). */
  readonly usesMetadata: boolean;
}

/** Expands the `{common}` and `{combined}` shorthands (anywhere in the format, every time). */
export function expandShorthands(format: string): string {
  return format.replaceAll('{common}', COMMON_LOG_FORMAT).replaceAll('{combined}', COMBINED_LOG_FORMAT);
}

/**
 * Splits a format into literal text, known placeholders and metadata labels, the way
 * CoreDNS's replacer does: find each `}`, pair it with the nearest `{` before it, and treat
 * anything that is not a known placeholder or a `{/...}` label as literal text. So
 * "{{remote}}" is "{", the client address, "}"; and "A {X}" stays literal.
 * Adjacent literals are merged.
 */
export function compileFormat(source: string): CompiledFormat {
  const parts: FormatPart[] = [];
  let pending = '';
  const flushLiteral = (): void => {
    if (pending !== '') parts.push({ kind: 'literal', text: pending });
    pending = '';
  };
  let s = source;
  for (;;) {
    const close = s.indexOf('}');
    if (close < 0) break;
    const open = s.lastIndexOf('{', close);
    if (open < 0) {
      pending += s.slice(0, close + 1);
      s = s.slice(close + 1);
      continue;
    }
    const token = s.slice(open, close + 1);
    const field = PLACEHOLDERS.get(token);
    if (field !== undefined) {
      pending += s.slice(0, open);
      flushLiteral();
      parts.push({ kind: 'field', field });
    } else if (token.startsWith('{/')) {
      pending += s.slice(0, open);
      flushLiteral();
      parts.push({ kind: 'metadata', key: token.slice(2, -1) });
    } else {
      pending += s.slice(0, close + 1);
    }
    s = s.slice(close + 1);
  }
  pending += s;
  flushLiteral();
  return { source, parts, usesMetadata: parts.some((p) => p.kind === 'metadata') };
}
