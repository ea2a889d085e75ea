import { TransferTo, ZoneSet } from '@tsdns/core';
import { ZoneDirectory } from './persist.js';
import { DEFAULT_TIMING, SecondaryZone, type RefreshTiming } from './refresh.js';
import type { SecondaryDirective } from './setup.js';

/** The zones of one `secondary` directive, with its `transfer to` at work on them. */
export class SecondaryGroup {
  readonly zones = new ZoneSet();
  readonly transfer: TransferTo | undefined;
  readonly members = new Map<string, SecondaryZone>();

  constructor(
    readonly directive: SecondaryDirective,
    timing: RefreshTiming,
  ) {
    this.transfer =
      directive.transferTo === undefined
        ? undefined
        : new TransferTo(this.zones, directive.transferTo, 'secondary');
    const store = directive.persistDir === undefined ? undefined : new ZoneDirectory(directive.persistDir);
    for (const origin of directive.origins) {
      this.members.set(origin, new SecondaryZone(origin, directive.primaries, this.zones, store, timing));
    }
  }
}

/**
 * Every `secondary` directive of one server block, shared by the block's keys: kept
 * copies are read before the server starts, transfers begin when it starts.
 */
export class SecondaryZones {
  readonly groups: SecondaryGroup[];
  #running = false;

  private constructor(directives: readonly SecondaryDirective[], timing: RefreshTiming) {
    this.groups = directives.map((d) => new SecondaryGroup(d, timing));
  }

  /** Builds the zones and loads what `persist` kept of them. Throws if a persist directory cannot be made. */
  static async load(
    directives: readonly SecondaryDirective[],
    timing = DEFAULT_TIMING,
  ): Promise<SecondaryZones> {
    const zones = new SecondaryZones(directives, timing);
    for (const d of directives)
      if (d.persistDir !== undefined) await new ZoneDirectory(d.persistDir).prepare();
    for (const zone of zones.all()) await zone.restore();
    return zones;
  }

  *all(): Iterable<SecondaryZone> {
    for (const g of this.groups) yield* g.members.values();
  }

  /** Whether every zone is served: transferred, or loaded from a kept copy that has not expired. */
  ready(): boolean {
    for (const z of this.all()) if (!z.serving) return false;
    return true;
  }

  /** Starts the transfers and the NOTIFYs of `transfer to`. Idempotent: every key of the block calls it. */
  start(): void {
    if (this.#running) return;
    this.#running = true;
    for (const g of this.groups) g.transfer?.start();
    for (const z of this.all()) z.start();
  }

  /** Stops them, and waits for writes to disk under way. Idempotent. */
  async stop(): Promise<void> {
    if (!this.#running) return;
    this.#running = false;
    for (const g of this.groups) g.transfer?.stop();
    for (const z of this.all()) z.stop();
    for (const z of this.all()) await z.flush();
  }
}
