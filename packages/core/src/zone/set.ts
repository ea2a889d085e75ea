import { nameKey, parentName } from '../wire/name.js';
import type { ResourceRecord } from '../wire/types.js';
import type { Transferer } from '../plugin/interfaces.js';
import { matchZone } from '../plugin/zones.js';
import { ZoneHistory, type ZoneDiff, type ZoneHistoryOptions } from '../plugin/transfer-history.js';
import type { Zone } from './zone.js';

/** Called with a zone's name (lowercased, absolute) and serial when a new version is served. */
export type ZoneChangeListener = (zone: string, serial: number) => void;

/** Up to this many zones, matching compares the name with each (see match). */
const LINEAR_MATCH_LIMIT = 8;

/** Records per batch handed to the transfer mechanism (each becomes one or more messages). */
const TRANSFER_BATCH = 1000;

interface Entry {
  /** The version served; undefined before the first one, or once withdrawn (SERVFAIL). */
  zone: Zone | undefined;
  /** Recent steps for IXFR, while history is kept. */
  history: ZoneHistory | undefined;
}

function* batchesOf(records: Iterator<ResourceRecord>): Generator<ResourceRecord[]> {
  let batch: ResourceRecord[] = [];
  for (let r = records.next(); r.done !== true; r = records.next()) {
    batch.push(r.value);
    if (batch.length === TRANSFER_BATCH) {
      yield batch;
      batch = [];
    }
  }
  if (batch.length > 0) yield batch;
}

/**
 * The zones one zone plugin (file, auto, secondary) is authoritative for, and the version
 * of each it serves. It is the plugin's Transferer: zone transfers stream the version
 * served at the moment they start (Zones are immutable, so a new version swapped in
 * meanwhile does not disturb them), IXFR is answered from a bounded history of the
 * differences between successive versions once transfers are served (`keepHistory`), and
 * listeners hear of every new version (NOTIFY hangs off this).
 *
 * A zone can be known without data: declared by `add`, or `withdraw`n (a secondary past
 * its expire time). Queries for it get SERVFAIL rather than going to the next plugin.
 */
export class ZoneSet implements Transferer {
  readonly #entries = new Map<string, Entry>();
  readonly #listeners: ZoneChangeListener[] = [];
  #names: readonly string[] = [];
  #history: ZoneHistoryOptions | undefined;

  /** The origins (lowercased, absolute). A new array whenever zones come or go. */
  get names(): readonly string[] {
    return this.#names;
  }

  get size(): number {
    return this.#entries.size;
  }

  /**
   * Starts keeping the differences between successive versions for IXFR (bounded, see
   * ZoneHistory), from the next new version on. Costs a comparison of the old and new
   * version at each change, so it is only turned on when transfers are served.
   */
  keepHistory(options: ZoneHistoryOptions = {}): void {
    // A second caller (the transfer plugin beside `transfer to`) keeps the first's bounds.
    this.#history ??= options;
  }

  /** The zone of this set that `name` (lowercased, absolute) is in or below, if any. */
  match(name: string): string | undefined {
    const size = this.#entries.size;
    if (size === 0) return undefined;
    // A few zones are compared in place, without allocating; many (auto, secondary) cost
    // one Map lookup per label of the name, however many zones there are.
    if (size <= LINEAR_MATCH_LIMIT) return matchZone(this.#names, name);
    for (let n = name; ; n = parentName(n)) {
      if (this.#entries.has(n)) return n;
      if (n === '.') return undefined;
    }
  }

  has(origin: string): boolean {
    return this.#entries.has(nameKey(origin));
  }

  /** The version of `origin` served now, or undefined. */
  get(origin: string): Zone | undefined {
    return this.#entries.get(nameKey(origin))?.zone;
  }

  /** Declares `origin` as a zone of this set, without data until `set` (no-op if known). */
  add(origin: string): void {
    const key = nameKey(origin);
    if (this.#entries.has(key)) return;
    this.#entries.set(key, { zone: undefined, history: undefined });
    this.#names = [...this.#names, key];
  }

  /**
   * Serves `zone` as the new version of its origin (declaring the origin if needed) and
   * tells the listeners when its serial changed. `steps`, when known (an IXFR just
   * received), lead from the version served until now to this one; otherwise, while
   * history is kept, the difference is computed.
   */
  set(zone: Zone, steps?: readonly ZoneDiff[]): void {
    const key = zone.originKey;
    this.add(key);
    const entry = this.#entries.get(key) as Entry;
    const previous = entry.zone;
    if (this.#history !== undefined) {
      if (previous === undefined) entry.history = undefined;
      else {
        entry.history ??= new ZoneHistory(this.#history);
        if (steps !== undefined) for (const s of steps) entry.history.add(s);
        else if (previous.serial !== zone.serial) entry.history.record(previous.records(), zone.records());
        else entry.history.clear();
      }
    }
    entry.zone = zone;
    if (previous?.serial === zone.serial) return;
    for (const listener of this.#listeners) listener(key, zone.serial);
  }

  /** Stops serving `origin` but keeps it known: queries get SERVFAIL until the next `set`. */
  withdraw(origin: string): void {
    const entry = this.#entries.get(nameKey(origin));
    if (entry === undefined) return;
    entry.zone = undefined;
    entry.history = undefined;
  }

  /** Forgets `origin` altogether (queries for it go to the next plugin). */
  remove(origin: string): boolean {
    const key = nameKey(origin);
    if (!this.#entries.delete(key)) return false;
    this.#names = this.#names.filter((n) => n !== key);
    return true;
  }

  transfer(zone: string): Iterable<readonly ResourceRecord[]> | undefined {
    const z = this.#entries.get(nameKey(zone))?.zone;
    return z === undefined ? undefined : batchesOf(z.records());
  }

  ixfr(zone: string, serial: number): readonly ZoneDiff[] | undefined {
    return this.#entries.get(nameKey(zone))?.history?.since(serial);
  }

  /** The zones with data now. */
  *transferZones(): Iterable<string> {
    for (const [key, entry] of this.#entries) if (entry.zone !== undefined) yield key;
  }

  onZoneChange(listener: ZoneChangeListener): void {
    this.#listeners.push(listener);
  }
}

/**
 * Several ZoneSets as one Transferer: what a plugin with several zone directives (auto's
 * directories, secondary's groups), each holding its own ZoneSet, hands the `transfer`
 * plugin. A zone is transferred by the first set that has data for it; its IXFR steps come
 * from the first set that knows it; history, the zones with data and change listeners
 * span all sets. Plugins extend it, so the handler itself is the Transferer.
 */
export class ZoneSets implements Transferer {
  constructor(
    /** The sets, in the order the directives were written. */
    readonly sets: readonly ZoneSet[],
  ) {}

  transfer(zone: string): Iterable<readonly ResourceRecord[]> | undefined {
    for (const set of this.sets) {
      const batches = set.transfer(zone);
      if (batches !== undefined) return batches;
    }
    return undefined;
  }

  ixfr(zone: string, serial: number): readonly ZoneDiff[] | undefined {
    for (const set of this.sets) if (set.has(zone)) return set.ixfr(zone, serial);
    return undefined;
  }

  keepHistory(options?: ZoneHistoryOptions): void {
    for (const set of this.sets) set.keepHistory(options);
  }

  *transferZones(): Iterable<string> {
    for (const set of this.sets) yield* set.transferZones();
  }

  onZoneChange(listener: ZoneChangeListener): void {
    for (const set of this.sets) set.onZoneChange(listener);
  }
}
