import { parentName } from '@tsdns/core';
import type { HostsSource } from './hostsfile.js';

/** The addresses one name answers with. */
export interface HostsEntry {
  readonly a: readonly string[];
  readonly aaaa: readonly string[];
}

const NONE: readonly string[] = Object.freeze([]);

/** Concatenates the sets in order, each value once. */
function merge(sets: readonly (ReadonlySet<string> | undefined)[]): readonly string[] {
  let first: ReadonlySet<string> | undefined;
  let union: Set<string> | undefined;
  for (const set of sets) {
    if (set === undefined) continue;
    if (first === undefined) first = set;
    else {
      union ??= new Set(first);
      for (const v of set) union.add(v);
    }
  }
  const out = union ?? first;
  return out === undefined ? NONE : Array.from(out);
}

function wildcardParent(name: string): string | undefined {
  return name === '.' ? undefined : parentName(name);
}

/**
 * Everything the handler answers from, merged from the hosts file and the inline entries
 * and precomputed so that a query costs one or two Map lookups. Immutable: a reload builds
 * a new table and swaps it in.
 *
 * The merge follows CoreDNS: for each address family the file's answer comes first and the
 * inline entries' answer after it, where each source answers a name with its exact entry
 * or, lacking one, with its wildcard entry one label up.
 */
export class HostsTable {
  static readonly empty = new HostsTable(new Map(), new Map(), new Map(), 0);

  private constructor(
    /** Exact names, each with its per-family answer (wildcard fallback folded in). */
    private readonly names: ReadonlyMap<string, HostsEntry>,
    /** Wildcard answers keyed by the name the `*` stands below. */
    private readonly wildcards: ReadonlyMap<string, HostsEntry>,
    private readonly reverse: ReadonlyMap<string, readonly string[]>,
    /** The coredns_hosts_entries count of both sources. */
    readonly entries: number,
  ) {}

  /** Merges the sources, the file's first; either may be missing. */
  static build(...sources: readonly (HostsSource | undefined)[]): HostsTable {
    const present = sources.filter((s): s is HostsSource => s !== undefined);
    const names = new Map<string, HostsEntry>();
    const wildcards = new Map<string, HostsEntry>();
    const reverse = new Map<string, readonly string[]>();
    let entries = 0;
    for (const s of present) {
      entries += s.entries;
      for (const name of s.v4.keys()) names.set(name, { a: NONE, aaaa: NONE });
      for (const name of s.v6.keys()) names.set(name, { a: NONE, aaaa: NONE });
      for (const below of s.wild4.keys()) wildcards.set(below, { a: NONE, aaaa: NONE });
      for (const below of s.wild6.keys()) wildcards.set(below, { a: NONE, aaaa: NONE });
      for (const addr of s.reverse.keys()) reverse.set(addr, NONE);
    }
    for (const name of names.keys()) {
      const below = wildcardParent(name);
      const from = (exact: 'v4' | 'v6', wild: 'wild4' | 'wild6') =>
        present.map((s) => s[exact].get(name) ?? (below === undefined ? undefined : s[wild].get(below)));
      names.set(name, { a: merge(from('v4', 'wild4')), aaaa: merge(from('v6', 'wild6')) });
    }
    for (const below of wildcards.keys()) {
      wildcards.set(below, {
        a: merge(present.map((s) => s.wild4.get(below))),
        aaaa: merge(present.map((s) => s.wild6.get(below))),
      });
    }
    for (const addr of reverse.keys()) reverse.set(addr, merge(present.map((s) => s.reverse.get(addr))));
    return new HostsTable(names, wildcards, reverse, entries);
  }

  /** The addresses of `name` (lowercase, absolute), or undefined when it has none at all. */
  lookup(name: string): HostsEntry | undefined {
    const exact = this.names.get(name);
    if (exact !== undefined || this.wildcards.size === 0) return exact;
    const below = wildcardParent(name);
    return below === undefined ? undefined : this.wildcards.get(below);
  }

  /** The names that have the address (HostAddress.text form), or undefined. */
  lookupAddress(address: string): readonly string[] | undefined {
    return this.reverse.get(address);
  }

  /** How many distinct names, wildcards and addresses the table holds (for logs and tests). */
  get size(): { names: number; wildcards: number; addresses: number } {
    return { names: this.names.size, wildcards: this.wildcards.size, addresses: this.reverse.size };
  }
}
