import { answerFromPacked } from '../plugin/packed.js';
import type { MetadataFunc, Request } from '../plugin/request.js';
import { HEADER_LENGTH, plainQuestionEnd } from '../wire/decode.js';
import type { Zone } from './zone.js';

/**
 * Octets an entry is charged beyond its packed bytes: its words in the entry table and
 * its share of the slot table (kept at most half full). An estimate, rounded up: the arena
 * may also hold up to as much again in room it reserved for growth.
 */
export const ENTRY_OVERHEAD = 64;

/**
 * The memory all memos together may hold (packed bytes plus ENTRY_OVERHEAD each): about
 * 150,000 answers of a typical 150 octets. Shared rather than per zone so that a server with thousands of
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

/** What AnswerMemo.find gives when it holds no answer for the question. */
export const NOT_HELD = -1;
/** What AnswerMemo.find gives when it holds the answer for the question in other letter case. */
export const OTHER_CASE = -2;

/** Bits of an entry's facts word above its 16 bits of header flags (AA and the rcode). */
const DNSSEC_OK = 1 << 16;
const FALLS_THROUGH = 1 << 17;
const HAS_WILDCARD = 1 << 18;
const RCODE_MASK = 0xf;
/** Int32 words per entry: where its bytes start in the arena, how many, and its facts. */
const ENTRY_WORDS = 3;
/** Slots a memo starts with (a power of two; two Int32 words each). */
const MIN_SLOTS = 64;
const MIN_ARENA = 16 * 1024;

/**
 * The packed answers of one sealed Zone. A Zone never changes once sealed, and every new
 * version (reload, transfer, IXFR applied) is a new Zone with a memo of its own, so an
 * entry is valid for as long as its zone is served.
 *
 * Laid out for the CPU cache, because a large zone's answers are rarely in it: a hit reads
 * one slot of an open-addressing table (question hash and entry number side by side), the
 * entry's three words, and the packed answer in one arena, where its question octets sit
 * in front of its records. A query is found by the octets of its question as it arrived:
 * hashed with letter case folded, then compared exactly, so that nothing but those octets
 * is looked at and no string is hashed.
 *
 * An answer is kept with the question as first asked: a query in other letter case finds
 * it (OTHER_CASE) but cannot use its bytes, since record owners may be compressed into the
 * question; it takes the Message path and adds nothing, so that clients that randomize
 * case (0x20) do not fill the memo with copies.
 */
export class AnswerMemo {
  /** Pairs of (question hash, entry number + 1); 0 marks a free slot. */
  #slots = new Int32Array(MIN_SLOTS * 2);
  #mask = MIN_SLOTS - 1;
  #entries = new Int32Array((MIN_SLOTS / 2) * ENTRY_WORDS);
  #count = 0;
  #arena = new Uint8Array(MIN_ARENA);
  #arenaUsed = 0;
  /** The `zone/wildcard` metadata of the entries a wildcard synthesized (HAS_WILDCARD), by entry number. */
  #wildcards = new Map<number, MetadataFunc>();
  /** @internal whether the budget counts this memo among those holding entries */
  charged = false;

  constructor(
    readonly budget: MemoBudget,
    /** Shared by all memos: answers are kept from a name's second query on. */
    readonly seen: SeenNames,
  ) {}

  /** Number of entries held. */
  get size(): number {
    return this.#count;
  }

  /**
   * The entry for the question of `wire` (a query as it arrived, one question) with the DO
   * bit `dnssecOk`: its number, NOT_HELD, or OTHER_CASE.
   */
  find(wire: Uint8Array, dnssecOk: boolean): number {
    const end = plainQuestionEnd(wire);
    if (end < 0) return NOT_HELD;
    const hash = questionHash(wire, end, dnssecOk);
    const slots = this.#slots;
    const mask = this.#mask;
    const entries = this.#entries;
    let found = NOT_HELD;
    for (let i = hash & mask; ; i = (i + 1) & mask) {
      const entry = slots[2 * i + 1] - 1;
      if (entry < 0) return found;
      if (slots[2 * i] !== hash) continue;
      const e = entry * ENTRY_WORDS;
      if ((entries[e + 2] & DNSSEC_OK) !== (dnssecOk ? DNSSEC_OK : 0)) continue;
      const same = sameQuestion(this.#arena, entries[e], wire, end);
      if (same === EXACTLY) return entry;
      if (same === BUT_FOR_CASE) found = OTHER_CASE;
    }
  }

  /**
   * Keeps `packed` (a response encoded without OPT record, one question, as the Message
   * path would send it but for ID and flags) as the answer to its question with DO bit
   * `dnssecOk`; the caller found none (NOT_HELD). `flags` are the answer's own header
   * bits: AA and the rcode. Returns the new entry's number.
   */
  add(
    packed: Uint8Array,
    flags: number,
    dnssecOk: boolean,
    fallsThrough: boolean,
    wildcard: MetadataFunc | undefined,
  ): number {
    const end = plainQuestionEnd(packed);
    if (end < 0) throw new RangeError('packed answer without a plain question');
    // Charged first: making room may empty this memo too.
    this.budget.charge(this, packed.length + ENTRY_OVERHEAD);
    const entry = this.#count;
    if ((entry + 1) * 2 > this.#mask + 1) this.#growSlots();
    if ((entry + 1) * ENTRY_WORDS > this.#entries.length) {
      const entries = new Int32Array(this.#entries.length * 2);
      entries.set(this.#entries);
      this.#entries = entries;
    }
    const at = this.#reserve(packed.length);
    this.#arena.set(packed, at);
    const e = entry * ENTRY_WORDS;
    this.#entries[e] = at;
    this.#entries[e + 1] = packed.length;
    this.#entries[e + 2] =
      (flags & 0xffff) |
      (dnssecOk ? DNSSEC_OK : 0) |
      (fallsThrough ? FALLS_THROUGH : 0) |
      (wildcard !== undefined ? HAS_WILDCARD : 0);
    if (wildcard !== undefined) this.#wildcards.set(entry, wildcard);
    this.#place(questionHash(packed, end, dnssecOk), entry);
    this.#count = entry + 1;
    return entry;
  }

  /**
   * The answer of `entry` to `req`, with header flags `flags` (the query's, as
   * Request.replyFlags gives them) and the entry's AA and rcode; undefined when the caller
   * must write a Message (see answerFromPacked).
   */
  answer(entry: number, req: Request, flags: number): Uint8Array | undefined {
    const e = entry * ENTRY_WORDS;
    const entries = this.#entries;
    return answerFromPacked(this.#arena, entries[e], entries[e + 1], req, flags | (entries[e + 2] & 0xffff));
  }

  rcode(entry: number): number {
    return this.#entries[entry * ENTRY_WORDS + 2] & RCODE_MASK;
  }

  /** NXDOMAIN with an empty answer section: what `fallthrough` may pass down the chain. */
  fallsThrough(entry: number): boolean {
    return (this.#entries[entry * ENTRY_WORDS + 2] & FALLS_THROUGH) !== 0;
  }

  /** The `zone/wildcard` metadata when a wildcard synthesized the answer. */
  wildcard(entry: number): MetadataFunc | undefined {
    if ((this.#entries[entry * ENTRY_WORDS + 2] & HAS_WILDCARD) === 0) return undefined;
    return this.#wildcards.get(entry);
  }

  clear(): void {
    this.#slots = new Int32Array(MIN_SLOTS * 2);
    this.#mask = MIN_SLOTS - 1;
    this.#entries = new Int32Array((MIN_SLOTS / 2) * ENTRY_WORDS);
    this.#count = 0;
    this.#arena = new Uint8Array(MIN_ARENA);
    this.#arenaUsed = 0;
    this.#wildcards = new Map();
  }

  /** Where `n` more octets go in the arena, which doubles when full. */
  #reserve(n: number): number {
    const at = this.#arenaUsed;
    if (at + n > this.#arena.length) {
      let size = this.#arena.length * 2;
      while (at + n > size) size *= 2;
      const arena = new Uint8Array(size);
      arena.set(this.#arena.subarray(0, at));
      this.#arena = arena;
    }
    this.#arenaUsed = at + n;
    return at;
  }

  #place(hash: number, entry: number): void {
    const slots = this.#slots;
    const mask = this.#mask;
    let i = hash & mask;
    while (slots[2 * i + 1] !== 0) i = (i + 1) & mask;
    slots[2 * i] = hash;
    slots[2 * i + 1] = entry + 1;
  }

  /** Doubles the slot table, placing every entry again by the hash kept in its slot. */
  #growSlots(): void {
    const old = this.#slots;
    this.#slots = new Int32Array(old.length * 2);
    this.#mask = old.length - 1;
    for (let i = 0; i < old.length; i += 2) if (old[i + 1] !== 0) this.#place(old[i], old[i + 1] - 1);
  }
}

function foldCase(c: number): number {
  return c >= 0x41 && c <= 0x5a ? c | 0x20 : c;
}

/**
 * FNV-1a over the question's octets up to `end`, the name's letters folded to lowercase
 * (type and class as they are), and the DO bit. Equal for a question in any letter case.
 */
function questionHash(bytes: Uint8Array, end: number, dnssecOk: boolean): number {
  const nameEnd = end - 4;
  let h = dnssecOk ? 0x050c5d1f : 0x811c9dc5;
  for (let i = HEADER_LENGTH; i < nameEnd; i++) h = Math.imul(h ^ foldCase(bytes[i]), 0x01000193);
  for (let i = nameEnd; i < end; i++) h = Math.imul(h ^ bytes[i], 0x01000193);
  return h ^ (h >>> 16);
}

const DIFFERENT = 0;
const EXACTLY = 1;
const BUT_FOR_CASE = 2;

/**
 * How the question of the packed answer at `arena[at]` compares with that of `wire`,
 * which ends at `end`: the same octets, the same but for the letter case of the name, or
 * different. The name's end is the same in both when their octets agree up to it.
 */
function sameQuestion(arena: Uint8Array, at: number, wire: Uint8Array, end: number): number {
  const nameEnd = end - 4;
  let result = EXACTLY;
  for (let i = HEADER_LENGTH; i < nameEnd; i++) {
    const a = arena[at + i];
    const b = wire[i];
    if (a === b) continue;
    if (foldCase(a) !== foldCase(b)) return DIFFERENT;
    result = BUT_FOR_CASE;
  }
  for (let i = nameEnd; i < end; i++) if (arena[at + i] !== wire[i]) return DIFFERENT;
  return result;
}

/** Bits of the names seen: 128 KiB, cleared after about 65,000 new names. */
const SEEN_BITS = 1 << 20;

const budget = new MemoBudget(MEMO_BUDGET);
const seen = new SeenNames(SEEN_BITS);

/** The memo of `zone`, made on first use; it goes when its Zone does (once the budget lets go of it too). */
export function memoOf(zone: Zone): AnswerMemo {
  return (zone.answerMemo ??= new AnswerMemo(budget, seen));
}
