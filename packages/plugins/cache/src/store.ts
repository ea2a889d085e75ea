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
 * A table of at most `capacity` entries. Adding a new key to a full table evicts the entry
 * that was stored longest ago; storing a key again moves it to the newest place. Every
 * operation is O(1): a Map keeps insertion order, so the oldest key is its first.
 *
 * CoreDNS evicts a random entry of a full shard; evicting the oldest is as cheap and
 * removes the entry nearest to expiring among those stored with similar TTLs.
 */
export class BoundedStore<V> {
  readonly #items = new Map<string, V>();

  constructor(readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1)
      throw new RangeError(`store capacity must be a positive integer: ${capacity}`);
  }

  get size(): number {
    return this.#items.size;
  }

  get(key: string): V | undefined {
    return this.#items.get(key);
  }

  /** Stores `value` under `key`; returns true when another entry was evicted to make room. */
  set(key: string, value: V): boolean {
    const items = this.#items;
    if (items.delete(key)) {
      items.set(key, value);
      return false;
    }
    let evicted = false;
    if (items.size >= this.capacity) {
      const oldest = items.keys().next();
      if (oldest.done !== true) {
        items.delete(oldest.value);
        evicted = true;
      }
    }
    items.set(key, value);
    return evicted;
  }

  delete(key: string): boolean {
    return this.#items.delete(key);
  }

  has(key: string): boolean {
    return this.#items.has(key);
  }

  keys(): IterableIterator<string> {
    return this.#items.keys();
  }
}
