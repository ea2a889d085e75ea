/**
 * The local copy of the watched keys: entries sorted by key in etcd's byte order (keys are
 * latin1 strings, so string order is byte order), so that a prefix read returns what an
 * etcd range read would, in the same order. Reads are binary searches; a write moves the
 * entries after it, which is cheap next to how rarely a registry changes.
 */
import type { Service } from './service.js';

/** A key's decoded value, or why it could not be decoded (reported when a query reads it). */
export type Entry =
  | { readonly key: string; readonly service: Service; readonly error?: undefined }
  | InvalidEntry;

export interface InvalidEntry {
  readonly key: string;
  readonly service?: undefined;
  readonly error: string;
}

export class KeyStore {
  #keys: string[] = [];
  #entries: Entry[] = [];

  get size(): number {
    return this.#keys.length;
  }

  /** Index of the first key >= `key`. */
  #lowerBound(key: string): number {
    const keys = this.#keys;
    let lo = 0;
    let hi = keys.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (keys[mid] < key) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  get(key: string): Entry | undefined {
    const i = this.#lowerBound(key);
    return i < this.#keys.length && this.#keys[i] === key ? this.#entries[i] : undefined;
  }

  /** Adds or replaces an entry; returns the one it replaced. */
  set(entry: Entry): Entry | undefined {
    const i = this.#lowerBound(entry.key);
    if (i < this.#keys.length && this.#keys[i] === entry.key) {
      const old = this.#entries[i];
      this.#entries[i] = entry;
      return old;
    }
    this.#keys.splice(i, 0, entry.key);
    this.#entries.splice(i, 0, entry);
    return undefined;
  }

  /** Removes the entry for `key`; returns it. */
  delete(key: string): Entry | undefined {
    const i = this.#lowerBound(key);
    if (i >= this.#keys.length || this.#keys[i] !== key) return undefined;
    const old = this.#entries[i];
    this.#keys.splice(i, 1);
    this.#entries.splice(i, 1);
    return old;
  }

  /**
   * The entries whose keys are in [start, end), in key order, as [from, to) indexes for
   * `at`: callers walk them without a copy being made.
   */
  range(start: string, end: string): [number, number] {
    return [this.#lowerBound(start), this.#lowerBound(end)];
  }

  at(index: number): Entry {
    return this.#entries[index];
  }

  /** Every entry in key order (for tests and diagnostics). */
  *entries(): IterableIterator<Entry> {
    yield* this.#entries;
  }

  /**
   * Builds a store from entries already in ascending, duplicate-free key order (the order of
   * an etcd range read); throws RangeError otherwise.
   */
  static fromSorted(entries: readonly Entry[]): KeyStore {
    const store = new KeyStore();
    for (let i = 1; i < entries.length; i++) {
      if (!(entries[i - 1].key < entries[i].key)) {
        throw new RangeError(`entries out of order at ${JSON.stringify(entries[i].key)}`);
      }
    }
    store.#keys = entries.map((e) => e.key);
    store.#entries = [...entries];
    return store;
  }
}
