import { canonicalRecord } from '../wire/canonical.js';
import type { ResourceRecord, TypedRecord } from '../wire/types.js';

export type SoaRecord = Extract<TypedRecord, { type: 'SOA' }>;

const HALF = 0x80000000;

/**
 * Compares two SOA serials with RFC 1982 serial arithmetic: negative when `a` is older
 * than `b`, positive when newer, 0 when equal. Serials exactly 2^31 apart are not
 * comparable; they count as "not newer" both ways (positive would let a stale copy win).
 */
export function compareSerials(a: number, b: number): number {
  if (a === b) return 0;
  const d = (a - b) >>> 0;
  if (d === HALF) return -1;
  return d < HALF ? 1 : -1;
}

/**
 * One step of a zone's history, as IXFR (RFC 1995) sends it: the SOA before and after,
 * the records the step removed and the records it added. SOA records are never in
 * `deleted` or `added`: the two SOAs stand for them. A record whose TTL changed is deleted
 * with its old TTL and added with its new one.
 */
export interface ZoneDiff {
  readonly from: SoaRecord;
  readonly to: SoaRecord;
  readonly deleted: readonly ResourceRecord[];
  readonly added: readonly ResourceRecord[];
}

/** Thrown when a record set given as a zone version has no SOA. */
export class ZoneVersionError extends Error {
  override readonly name = 'ZoneVersionError';
}

/** Identity of a record for diffs: owner (case-folded), type, class, TTL and canonical rdata. */
function recordKey(rr: ResourceRecord): string {
  const b = canonicalRecord(rr);
  return Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('latin1');
}

/**
 * The difference between two versions of a zone, each given as its records in any order
 * (a transfer-order stream, with its repeated SOA, will do). Throws ZoneVersionError when
 * a version has no SOA.
 */
export function diffZones(previous: Iterable<ResourceRecord>, next: Iterable<ResourceRecord>): ZoneDiff {
  let from: SoaRecord | undefined;
  // Keys of the previous version, to the record, until matched by the next version.
  const old = new Map<string, ResourceRecord>();
  for (const rr of previous) {
    if (rr.type === 'SOA') {
      from ??= rr;
      continue;
    }
    if (rr.type === 'OPT') continue;
    old.set(recordKey(rr), rr);
  }
  let to: SoaRecord | undefined;
  const added: ResourceRecord[] = [];
  const seen = new Set<string>();
  for (const rr of next) {
    if (rr.type === 'SOA') {
      to ??= rr;
      continue;
    }
    if (rr.type === 'OPT') continue;
    const key = recordKey(rr);
    if (seen.has(key)) continue;
    seen.add(key);
    if (!old.delete(key)) added.push(rr);
  }
  if (from === undefined) throw new ZoneVersionError('the previous version of the zone has no SOA record');
  if (to === undefined) throw new ZoneVersionError('the next version of the zone has no SOA record');
  return { from, to, deleted: [...old.values()], added };
}

export interface ZoneHistoryOptions {
  /** Steps kept; older ones are forgotten first. Default 16. */
  readonly maxSteps?: number;
  /**
   * Records (deleted plus added) kept over all steps: a bound on memory and on how large
   * an IXFR may grow before a full transfer is the better answer. Default 100000.
   */
  readonly maxRecords?: number;
}

const DEFAULT_MAX_STEPS = 16;
const DEFAULT_MAX_RECORDS = 100_000;

/**
 * The recent history of one zone as successive differences, for answering IXFR: a
 * Transferer records each new version (or each step a master sent it) and hands out the
 * steps from a client's serial to now. Bounded in steps and in records; anything not
 * covered falls back to a full transfer. The serials of the kept steps strictly increase
 * (RFC 1982), so a serial names one version; a step that does not continue the history
 * (a gap, or a serial that did not grow) starts it afresh.
 */
export class ZoneHistory {
  readonly maxSteps: number;
  readonly maxRecords: number;
  #steps: ZoneDiff[] = [];
  #records = 0;

  constructor(options: ZoneHistoryOptions = {}) {
    this.maxSteps = options.maxSteps ?? DEFAULT_MAX_STEPS;
    this.maxRecords = options.maxRecords ?? DEFAULT_MAX_RECORDS;
  }

  /** The steps kept, oldest first. */
  get steps(): readonly ZoneDiff[] {
    return this.#steps;
  }

  /** The serial of the newest version the history reaches, if any. */
  get serial(): number | undefined {
    const n = this.#steps.length;
    return n === 0 ? undefined : this.#steps[n - 1].to.data.serial;
  }

  /** Computes the step from `previous` to `next` (see diffZones), keeps it and returns it. */
  record(previous: Iterable<ResourceRecord>, next: Iterable<ResourceRecord>): ZoneDiff {
    const diff = diffZones(previous, next);
    this.add(diff);
    return diff;
  }

  /** Keeps a step (for instance one received by IXFR). */
  add(diff: ZoneDiff): void {
    const fromSerial = diff.from.data.serial;
    const toSerial = diff.to.data.serial;
    const last = this.serial;
    if (compareSerials(toSerial, fromSerial) <= 0 || (last !== undefined && last !== fromSerial))
      this.clear();
    if (compareSerials(toSerial, fromSerial) <= 0) return;
    const size = diff.deleted.length + diff.added.length;
    if (size > this.maxRecords) {
      this.clear();
      return;
    }
    this.#steps.push(diff);
    this.#records += size;
    while (this.#steps.length > this.maxSteps || this.#records > this.maxRecords) {
      const old = this.#steps.shift() as ZoneDiff;
      this.#records -= old.deleted.length + old.added.length;
    }
  }

  /**
   * The steps from version `serial` to the newest, oldest first: empty when `serial` is
   * the newest, undefined when the history does not reach back to it.
   */
  since(serial: number): readonly ZoneDiff[] | undefined {
    const steps = this.#steps;
    if (steps.length === 0) return undefined;
    if (steps[steps.length - 1].to.data.serial === serial) return [];
    for (let i = steps.length - 1; i >= 0; i--) {
      if (steps[i].from.data.serial === serial) return steps.slice(i);
    }
    return undefined;
  }

  /** Forgets every step (the next version cannot be reached incrementally). */
  clear(): void {
    this.#steps = [];
    this.#records = 0;
  }
}
