/**
 * CoreDNS spreads each cache over 256 shards of at least 4 entries, so a configured
 * CAPACITY holds floor(CAPACITY / 256) * 256 entries, never fewer than 1024. tsdns keeps
 * one table but honours the same numbers, so a Corefile sizes the cache alike.
 */
const SHARDS = 256;
const MIN_PER_SHARD = 4;

/** The number of entries a cache configured with `capacity` holds, as CoreDNS counts it. */
export function effectiveCapacity(capacity: number): number {
  return Math.max(Math.floor(capacity / SHARDS), MIN_PER_SHARD) * SHARDS;
}

/**
 * What a cache entry is filed under: the lowercased question name, its type and class
 * mnemonics, and the DO and CD bits of the query (`bits`: DO = 1, CD = 2). Answers to
 * DNSSEC-aware and checking-disabled queries differ, so they never share an entry.
 */
export interface CacheKey {
  readonly name: string;
  readonly qtype: string;
  readonly qclass: string;
  readonly bits: number;
}

export function cacheBits(dnssecOk: boolean, checkingDisabled: boolean): number {
  return (dnssecOk ? 1 : 0) | (checkingDisabled ? 2 : 0);
}

/** One stored value, linked into the store's age order. */
class Entry<V> implements CacheKey {
  older: Entry<V> | undefined = undefined;
  newer: Entry<V> | undefined = undefined;
  constructor(
    readonly name: string,
    readonly qtype: string,
    readonly qclass: string,
    readonly bits: number,
    public value: V,
  ) {}
}

/**
 * A table of at most `capacity` entries. Adding a new key to a full table evicts the entry
 * that was stored longest ago; storing a key again makes it the newest. Every operation is
 * O(1): entries hang in a doubly linked list by age, and a name's entries (a handful of
 * types and DO/CD variants) sit in a small array under the name.
 *
 * Keying by name first keeps the hit path free of string building: one Map lookup of the
 * name, then comparisons of type and class mnemonics, which the codec hands out as shared
 * constants. CoreDNS evicts a random entry of a full shard; evicting the oldest is as
 * cheap and drops the entry nearest to expiring among those stored with similar TTLs.
 */
export class BoundedStore<V> {
  readonly #byName = new Map<string, Array<Entry<V>>>();
  #oldest: Entry<V> | undefined = undefined;
  #newest: Entry<V> | undefined = undefined;
  #size = 0;

  constructor(readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) {
      throw new RangeError(`store capacity must be a positive integer: ${capacity}`);
    }
  }

  get size(): number {
    return this.#size;
  }

  #find(name: string, qtype: string, qclass: string, bits: number): Entry<V> | undefined {
    const entries = this.#byName.get(name);
    if (entries === undefined) return undefined;
    for (let i = 0; i < entries.length; i++) {
      const e = entries[i];
      if (e.bits === bits && e.qtype === qtype && e.qclass === qclass) return e;
    }
    return undefined;
  }

  get(name: string, qtype: string, qclass: string, bits: number): V | undefined {
    return this.#find(name, qtype, qclass, bits)?.value;
  }

  /** Stores `value` under the key; returns true when another entry was evicted to make room. */
  set(key: CacheKey, value: V): boolean {
    const existing = this.#find(key.name, key.qtype, key.qclass, key.bits);
    if (existing !== undefined) {
      existing.value = value;
      this.#unlink(existing);
      this.#append(existing);
      return false;
    }
    let evicted = false;
    if (this.#size >= this.capacity && this.#oldest !== undefined) {
      this.#remove(this.#oldest);
      evicted = true;
    }
    const entry = new Entry(key.name, key.qtype, key.qclass, key.bits, value);
    const entries = this.#byName.get(key.name);
    if (entries === undefined) this.#byName.set(key.name, [entry]);
    else entries.push(entry);
    this.#append(entry);
    this.#size++;
    return evicted;
  }

  delete(key: CacheKey): boolean {
    const entry = this.#find(key.name, key.qtype, key.qclass, key.bits);
    if (entry === undefined) return false;
    this.#remove(entry);
    return true;
  }

  /** The keys, oldest first. */
  *keys(): IterableIterator<CacheKey> {
    for (let e = this.#oldest; e !== undefined; e = e.newer) yield e;
  }

  #remove(entry: Entry<V>): void {
    this.#unlink(entry);
    const entries = this.#byName.get(entry.name);
    if (entries !== undefined) {
      const i = entries.indexOf(entry);
      if (i >= 0) entries.splice(i, 1);
      if (entries.length === 0) this.#byName.delete(entry.name);
    }
    this.#size--;
  }

  #append(entry: Entry<V>): void {
    entry.older = this.#newest;
    entry.newer = undefined;
    if (this.#newest !== undefined) this.#newest.newer = entry;
    else this.#oldest = entry;
    this.#newest = entry;
  }

  #unlink(entry: Entry<V>): void {
    if (entry.older !== undefined) entry.older.newer = entry.newer;
    else this.#oldest = entry.newer;
    if (entry.newer !== undefined) entry.newer.older = entry.older;
    else this.#newest = entry.older;
    entry.older = undefined;
    entry.newer = undefined;
  }
}
