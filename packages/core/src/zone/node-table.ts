import { randomInt } from 'node:crypto';
import { ZoneNode } from './node.js';

/** Slots before the first growth: most zones are small. */
const INITIAL_SLOTS = 16;

/** FNV-1a's 32-bit prime. */
const FNV_PRIME = 0x01000193;

/**
 * The nodes of a zone by key (the lowercased owner name), in the order they were added.
 *
 * A zone file of a million names makes a Map of a million string keys, and V8's Map is
 * slow there for the question a zone asks most while loading, "is this name new": each
 * miss walks a bucket chain and loads every candidate key string to compare it, several
 * cache misses that cost about 0.6 µs per new name (and Map.set repeats the search). This
 * table keeps each key's hash next to the node's index in one Int32Array, so a miss reads
 * a cache line or two and no string; a hit compares one key. Growth rehashes from the
 * stored hashes without touching a key.
 *
 * Open addressing with linear probing, at most three quarters full. The hash is FNV-1a
 * with a random seed per table and a final mix, so names that collide cannot be chosen
 * without the seed (zone data can come from a transfer). Every key of a zone ends with its
 * origin, so the hash skips that common suffix (it would add nothing but time) and covers
 * the rest and the length. Nodes are never removed: a zone is built once.
 */
export class NodeTable {
  /** Pairs (hash, index into #nodes plus one); an index of 0 marks a free slot. */
  #slots = new Int32Array(INITIAL_SLOTS * 2);
  #mask = INITIAL_SLOTS - 1;
  readonly #nodes: ZoneNode[] = [];
  readonly #seed = randomInt(0x7fffffff);
  readonly #suffixLength: number;

  /** `suffixLength`: how many characters at the end most keys share (the origin's length). */
  constructor(suffixLength = 0) {
    this.#suffixLength = suffixLength;
  }

  /** Number of nodes. */
  get size(): number {
    return this.#nodes.length;
  }

  /**
   * Every node in the order added, for indexed loops; nodes added during such a loop are
   * visited too when the loop reads `length` each time (as Map iteration visits them).
   */
  get list(): readonly ZoneNode[] {
    return this.#nodes;
  }

  /** The node with key `key`, or undefined. */
  get(key: string): ZoneNode | undefined {
    const h = this.#hash(key);
    const slots = this.#slots;
    const mask = this.#mask;
    for (let i = h & mask; ; i = (i + 1) & mask) {
      const index = slots[2 * i + 1];
      if (index === 0) return undefined;
      if (slots[2 * i] === h) {
        const node = this.#nodes[index - 1];
        if (node.key === key) return node;
      }
    }
  }

  /** The node with key `key`, made (without records) and added when the table has none. */
  nodeFor(key: string): ZoneNode {
    const h = this.#hash(key);
    const slots = this.#slots;
    const mask = this.#mask;
    let i = h & mask;
    for (; ; i = (i + 1) & mask) {
      const index = slots[2 * i + 1];
      if (index === 0) break;
      if (slots[2 * i] === h) {
        const node = this.#nodes[index - 1];
        if (node.key === key) return node;
      }
    }
    const node = new ZoneNode(key);
    const nodes = this.#nodes;
    nodes.push(node);
    // At most three quarters full: probe runs stay within a cache line or two.
    if (nodes.length * 4 > (mask + 1) * 3) {
      this.#grow();
      this.#place(this.#slots, this.#mask, h, nodes.length);
    } else {
      // The free slot the search ended at.
      slots[2 * i] = h;
      slots[2 * i + 1] = nodes.length;
    }
    return node;
  }

  /** Every node in the order added. */
  values(): IterableIterator<ZoneNode> {
    return this.#nodes.values();
  }

  #place(slots: Int32Array, mask: number, h: number, index: number): void {
    let i = h & mask;
    while (slots[2 * i + 1] !== 0) i = (i + 1) & mask;
    slots[2 * i] = h;
    slots[2 * i + 1] = index;
  }

  #grow(): void {
    const old = this.#slots;
    const size = old.length; // twice the old slot count: the new one
    const slots = new Int32Array(size * 2);
    const mask = size - 1;
    for (let j = 0; j < size; j += 2) {
      const index = old[j + 1];
      if (index !== 0) this.#place(slots, mask, old[j], index);
    }
    this.#slots = slots;
    this.#mask = mask;
  }

  #hash(key: string): number {
    const n = key.length;
    // A key no longer than the suffix (the origin itself, or one from elsewhere) is hashed whole.
    const end = n > this.#suffixLength ? n - this.#suffixLength : n;
    let h = Math.imul(this.#seed ^ n, FNV_PRIME);
    for (let i = 0; i < end; i++) h = Math.imul(h ^ key.charCodeAt(i), FNV_PRIME);
    // FNV leaves its low bits, the ones that pick the slot, poorly mixed: murmur3's finaliser.
    h ^= h >>> 16;
    h = Math.imul(h, 0x85ebca6b);
    h ^= h >>> 13;
    h = Math.imul(h, 0xc2b2ae35);
    return h ^ (h >>> 16);
  }
}
