import { NameError, matchZone, nameKey, parentName, parseName } from '@tsdns/core';
import { parseHostAddress, type HostAddress } from './address.js';

/**
 * The records of one source of host entries (the hosts file, or the Corefile's inline
 * lines), indexed for lookup. Keys are lowercase absolute names; values keep source order.
 */
export class HostsSource {
  // Sets keep insertion (file) order and drop repeats in O(1): ad-blocking lists map
  // hundreds of thousands of names to 0.0.0.0, so a list scan per entry would be quadratic.
  /** Exact names to IPv4 and IPv6 addresses. */
  readonly v4 = new Map<string, Set<string>>();
  readonly v6 = new Map<string, Set<string>>();
  /**
   * Wildcard entries (`*.example.com`), keyed by the name the `*` stands below
   * ("example.com."): they match names exactly one label under it.
   */
  readonly wild4 = new Map<string, Set<string>>();
  readonly wild6 = new Map<string, Set<string>>();
  /** Address text to the names that have it, for PTR (wildcards excluded). */
  readonly reverse = new Map<string, Set<string>>();
  /**
   * CoreDNS's count for coredns_hosts_entries: every address of every name, wildcards
   * included, plus every name of every reverse entry.
   */
  entries = 0;
}

/** What is wrong with a hosts-file line, and where. */
export interface HostsLineProblem {
  /** 1-based line number in the text given to the parser. */
  readonly line: number;
  readonly message: string;
  /** The first field when it is not an address: in a Corefile, most likely a misspelt option. */
  readonly notAnAddress?: string;
}

export interface HostsParseOptions {
  /** Only names in or below these zones are kept (lowercase, absolute). */
  readonly origins: readonly string[];
  /** Whether to index addresses for PTR answers (false with `no_reverse`). */
  readonly autoReverse: boolean;
}

/** One line split into fields; a module-level array is reused to keep parsing allocation-light. */
const fields: string[] = [];

function isSpace(c: number): boolean {
  // Go's bytes.Fields splits on these (ASCII) white-space characters, as does this parser.
  return c === 0x20 || (c >= 0x09 && c <= 0x0d);
}

/** Splits text[start, end) at white space into `fields`, stopping at a '#' comment. */
function splitFields(text: string, start: number, end: number): void {
  fields.length = 0;
  let i = start;
  while (i < end) {
    while (i < end && isSpace(text.charCodeAt(i))) i++;
    if (i >= end || text.charCodeAt(i) === 0x23) return;
    const from = i;
    while (i < end && !isSpace(text.charCodeAt(i)) && text.charCodeAt(i) !== 0x23) i++;
    fields.push(text.slice(from, i));
    if (i < end && text.charCodeAt(i) === 0x23) return;
  }
}

function isWildcard(name: string): boolean {
  return name.charCodeAt(0) === 0x2a && name.charCodeAt(1) === 0x2e;
}

/** Adds `value` to the set under `key`. Returns whether it was new. */
function addUnique(map: Map<string, Set<string>>, key: string, value: string): boolean {
  const set = map.get(key);
  if (set === undefined) {
    map.set(key, new Set([value]));
    return true;
  }
  if (set.has(value)) return false;
  set.add(value);
  return true;
}

function addName(source: HostsSource, address: HostAddress, name: string, options: HostsParseOptions): void {
  if (isWildcard(name)) {
    const below = parentName(name);
    if (addUnique(address.family === 4 ? source.wild4 : source.wild6, below, address.text)) source.entries++;
    return;
  }
  if (addUnique(address.family === 4 ? source.v4 : source.v6, name, address.text)) source.entries++;
  if (options.autoReverse && addUnique(source.reverse, address.text, name)) source.entries++;
}

/**
 * Reads hosts-file text (hosts(5): `ADDRESS NAME [ALIAS...]`, `#` comments) into a
 * HostsSource. The canonical name and the aliases are all owners of the address; each
 * name outside `origins` is skipped silently, as CoreDNS skips it. Lines that cannot be
 * used (no address, no name, a name that is not a valid domain name) are skipped and
 * passed to `problem`. Never throws: the text may come from any file.
 *
 * Duplicate entries (the same name and address twice) are kept once, so an RRset never
 * holds the same record twice (RFC 2181 5).
 */
export function parseHostsText(
  text: string,
  options: HostsParseOptions,
  problem?: (p: HostsLineProblem) => void,
  into: HostsSource = new HostsSource(),
): HostsSource {
  const n = text.length;
  let lineNumber = 0;
  let start = 0;
  while (start <= n) {
    let end = text.indexOf('\n', start);
    if (end < 0) end = n;
    lineNumber++;
    splitFields(text, start, end);
    start = end + 1;
    if (fields.length === 0) continue;
    const address = parseHostAddress(fields[0]);
    if (address === undefined) {
      problem?.({
        line: lineNumber,
        message: `'${fields[0]}' is not an IP address`,
        notAnAddress: fields[0],
      });
      continue;
    }
    if (fields.length < 2) {
      problem?.({ line: lineNumber, message: `no host name after address '${fields[0]}'` });
      continue;
    }
    for (let i = 1; i < fields.length; i++) {
      let name: string;
      try {
        // A lone '@' means the origin to parseName; in a host table it is just a label.
        name = nameKey(parseName(fields[i] === '@' ? '\\@' : fields[i]));
      } catch (e) {
        if (!(e instanceof NameError)) throw e;
        problem?.({ line: lineNumber, message: `invalid host name: ${e.message}` });
        continue;
      }
      if (matchZone(options.origins, name) === undefined) continue;
      addName(into, address, name, options);
    }
  }
  return into;
}
