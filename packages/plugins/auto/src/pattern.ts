import { NameError, nameKey, parseName } from '@tsdns/core';

/** A REGEXP or ORIGIN_TEMPLATE of `directory` that cannot be used. */
export class OriginPatternError extends Error {
  override readonly name = 'OriginPatternError';
}

/** A piece of an origin template: literal text, or the text of a capture group. */
type Part = string | { readonly group: number | string };

/** Go's leading inline flags ("(?i)", "(?is)"), which JavaScript's RegExp has as flags. */
const GO_FLAGS = /^\(\?([ims]+)\)/;
/** A template reference: {1}, {2}, ... or {name} for a named group. */
const REFERENCE = /\{(\d+|[A-Za-z_][A-Za-z0-9_]*)\}/g;

/**
 * Compiles a regular expression written for Go (the syntax CoreDNS's Corefiles use):
 * leading inline flags become RegExp flags and `(?P<name>` becomes `(?<name>`; the rest of
 * RE2's syntax reads the same in JavaScript.
 */
function compileGoRegexp(source: string): RegExp {
  let flags = '';
  let body = source;
  const m = GO_FLAGS.exec(body);
  if (m !== null) {
    flags = [...new Set(m[1])].join('');
    body = body.slice(m[0].length);
  }
  body = body.replaceAll('(?P<', '(?<');
  try {
    return new RegExp(body, flags);
  } catch (e) {
    throw new OriginPatternError(`invalid REGEXP '${source}': ${(e as Error).message}`);
  }
}

/** The number of capture groups of `re` and the names of its named ones. */
function groupsOf(re: RegExp): { count: number; names: Set<string> } {
  // An alternative that matches the empty string makes every group report, unmatched.
  const probe = new RegExp(`${re.source}|`, re.flags).exec('') as RegExpExecArray;
  return { count: probe.length - 1, names: new Set(Object.keys(probe.groups ?? {})) };
}

/**
 * How `auto` turns a file name into a zone name (the book's example 4-9): REGEXP is
 * matched against the file's base name, anywhere in it as Go's regexp does, and
 * ORIGIN_TEMPLATE is filled in with its capture groups, `{1}` to `{n}` (or `{name}` for a
 * named group). Both are checked and compiled once, at setup.
 */
export class OriginPattern {
  /** CoreDNS's default: `db\.(.*)` with `{1}`, so db.example.org is example.org. */
  static readonly DEFAULT = new OriginPattern('db\\.(.*)', '{1}');

  readonly #re: RegExp;
  readonly #parts: readonly Part[];

  constructor(
    readonly regexp: string,
    readonly template: string,
  ) {
    this.#re = compileGoRegexp(regexp);
    const { count, names } = groupsOf(this.#re);
    if (count === 0) throw new OriginPatternError(`REGEXP '${regexp}' needs at least one sub expression`);
    const parts: Part[] = [];
    let last = 0;
    for (const m of template.matchAll(REFERENCE)) {
      const ref = m[1];
      const group = /^\d+$/.test(ref) ? Number(ref) : ref;
      if (typeof group === 'number' ? group > count : !names.has(group)) {
        throw new OriginPatternError(
          `ORIGIN_TEMPLATE '${template}' refers to {${ref}}, which REGEXP '${regexp}' does not capture`,
        );
      }
      if (m.index > last) parts.push(template.slice(last, m.index));
      parts.push({ group });
      last = m.index + m[0].length;
    }
    if (last < template.length) parts.push(template.slice(last));
    this.#parts = parts;
  }

  /**
   * The zone a file holds, from its base name: lowercased and absolute, or undefined when
   * the name does not match or the template does not make a valid domain name of it.
   */
  origin(fileName: string): string | undefined {
    const m = this.#re.exec(fileName);
    if (m === null) return undefined;
    let text = '';
    for (const p of this.#parts) {
      if (typeof p === 'string') text += p;
      else text += (typeof p.group === 'number' ? m[p.group] : m.groups?.[p.group]) ?? '';
    }
    if (text === '') return undefined;
    try {
      return nameKey(parseName(text.endsWith('.') ? text : `${text}.`));
    } catch (e) {
      if (e instanceof NameError) return undefined;
      throw e;
    }
  }
}
