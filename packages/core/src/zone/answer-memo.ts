import type { PackedResponse } from '../plugin/packed.js';
import type { MetadataFunc } from '../plugin/request.js';
import type { Zone } from './zone.js';

/**
 * One memoized answer: what a zone answered to one question (type, class, DO bit) at one
 * name, in wire form, with what answerFromZone needs besides the bytes.
 */
export class MemoEntry {
  /** The next entry at the same name (another type, class or DO bit). */
  next: MemoEntry | undefined = undefined;

  constructor(
    readonly qtype: string,
    readonly qclass: string,
    readonly dnssecOk: boolean,
    /** Packed with the question as first asked: other letter cases take the Message path. */
    readonly packed: PackedResponse,
    /** The answer's own header bits: AA and the rcode (always 4 bits for a zone). */
    readonly flags: number,
    readonly rcode: number,
    /** NXDOMAIN with an empty answer section: what `fallthrough` may pass down the chain. */
    readonly fallsThrough: boolean,
    /** The `zone/wildcard` metadata when a wildcard synthesized the answer. */
    readonly wildcard: MetadataFunc | undefined,
  ) {}
}

/**
 * Octets an entry is charged beyond its packed bytes: the entry, the PackedResponse and its
 * array, the Map slot and the key string. An estimate; it keeps many small answers from
 * counting as nearly free.
 */
export const ENTRY_OVERHEAD = 256;

/**
 * Entries kept at one name. A name has a few (A, AAAA, MX... with DO on and off); a client
 * asking one name for every type would otherwise grow a list that every hit walks.
 */
export const MAX_ENTRIES_PER_NAME = 16;

/**
 * The memory all memos together may hold (packed bytes plus ENTRY_OVERHEAD each): about
 * 100,000 typical answers. Shared rather than per zone so that a server with thousands of
 * zones (auto, secondary) stays bounded too.
 */
export const MEMO_BUDGET = 32 * 1024 * 1024;

/**
 * The memory budget of a set of memos. When an entry would exceed it, every memo holding
 * entries is emptied, and filling starts again: the hot answers come back at the cost of
 * one lookup each, and the work is O(1) per entry added (each memo dropped got an entry
 * since the last drop). No bookkeeping on hits, as an LRU would need; names asked once
 * (see SeenNames) mostly never get in, so what fills the budget is answers asked again.
 */
export class MemoBudget {
  #used = 0;
  /** The memos given entries since the last drop (memos of replaced zones included). */
  readonly #holding: AnswerMemo[] = [];

  constructor(readonly limit: number) {}

  /** Octets charged since the last drop. */
  get used(): number {
    return this.#used;
  }

  /** Charges `cost` octets to `memo`, emptying every memo first when they would not fit. */
  charge(memo: AnswerMemo, cost: number): void {
    if (this.#used + cost > this.limit) this.#dropAll();
    this.#used += cost;
    if (!memo.charged) {
      memo.charged = true;
      this.#holding.push(memo);
    }
  }

  #dropAll(): void {
    const holding = this.#holding;
    for (let i = 0; i < holding.length; i++) {
      holding[i].clear();
      holding[i].charged = false;
    }
    holding.length = 0;
    this.#used = 0;
  }
}

/**
 * The names asked before, approximately: one bit per hash of the name, so that an answer
 * is memoized from its name's second query on. A flood of names asked once (random
 * subdomains) then costs what it cost without a memo; packing and keeping each of those
 * answers would cost twice that and push the answers that are asked again out of the
 * budget. A name whose bit another set (a false positive) is merely memoized early. The
 * bits are cleared once a sixteenth of them is set, so at most about one new name in
 * sixteen passes for seen; a name asked often is seen again right after.
 */
export class SeenNames {
  readonly #words: Uint32Array;
  readonly #mask: number;
  readonly #limit: number;
  #set = 0;

  /** `bits` must be a power of two. */
  constructor(bits: number) {
    this.#words = new Uint32Array(bits >>> 5);
    this.#mask = bits - 1;
    this.#limit = bits >>> 4;
  }

  /** Whether `name` (probably) was seen before; it counts as seen from now on. */
  seenBefore(name: string): boolean {
    // FNV-1a, with the high bits folded in: the bit index takes only the low ones.
    let h = 0x811c9dc5;
    for (let i = 0; i < name.length; i++) h = Math.imul(h ^ name.charCodeAt(i), 0x01000193);
    const bit = (h ^ (h >>> 15)) & this.#mask;
    const words = this.#words;
    const word = bit >>> 5;
    const mask = 1 << (bit & 31);
    if ((words[word] & mask) !== 0) return true;
    if (this.#set >= this.#limit) {
      words.fill(0);
      this.#set = 0;
    }
    words[word] |= mask;
    this.#set++;
    return false;
  }
}

/**
 * The packed answers of one sealed Zone, by lowercased query name. A Zone never changes
 * once sealed, and every new version (reload, transfer, IXFR applied) is a new Zone with
 * a memo of its own, so an entry is valid for as long as its zone is served.
 */
export class AnswerMemo {
  #names = new Map<string, MemoEntry>();
  #entries = 0;
  /** @internal whether the budget counts this memo among those holding entries */
  charged = false;

  constructor(
    readonly budget: MemoBudget,
    /** Shared by all memos: answers are kept from a name's second query on. */
    readonly seen: SeenNames,
  ) {}

  /** Number of entries held. */
  get size(): number {
    return this.#entries;
  }

  /** The entry for a question at `name` (lowercased), if one is held. */
  find(name: string, qtype: string, qclass: string, dnssecOk: boolean): MemoEntry | undefined {
    for (let e = this.#names.get(name); e !== undefined; e = e.next) {
      if (e.qtype === qtype && e.dnssecOk === dnssecOk && e.qclass === qclass) return e;
    }
    return undefined;
  }

  /**
   * Holds `entry` for `name` (lowercased); the caller found none for its question. A name
   * that has MAX_ENTRIES_PER_NAME already starts over with this one.
   */
  add(name: string, entry: MemoEntry): void {
    // Charged first: making room may empty this memo too.
    this.budget.charge(this, entry.packed.length + ENTRY_OVERHEAD);
    let first = this.#names.get(name);
    let held = 0;
    for (let e = first; e !== undefined; e = e.next) held++;
    if (held >= MAX_ENTRIES_PER_NAME) {
      // The dropped entries stay charged until the budget next empties every memo.
      this.#entries -= held;
      first = undefined;
    }
    entry.next = first;
    this.#names.set(name, entry);
    this.#entries++;
  }

  clear(): void {
    this.#names = new Map();
    this.#entries = 0;
  }
}

/** Bits of the names seen: 128 KiB, cleared after about 65,000 new names. */
const SEEN_BITS = 1 << 20;

const budget = new MemoBudget(MEMO_BUDGET);
const seen = new SeenNames(SEEN_BITS);
/** Keyed weakly: a memo goes when its Zone does (once the budget lets go of it too). */
const memos = new WeakMap<Zone, AnswerMemo>();

/** The memo of `zone`, made on first use. */
export function memoOf(zone: Zone): AnswerMemo {
  let memo = memos.get(zone);
  if (memo === undefined) {
    memo = new AnswerMemo(budget, seen);
    memos.set(zone, memo);
  }
  return memo;
}
