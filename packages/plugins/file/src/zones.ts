import { stat } from 'node:fs/promises';
import { TransferTo, ZoneSet, formatGoDuration, loadZone, pluginLogger, type Zone } from '@tsdns/core';
import type { FileConfig, FileDirective } from './setup.js';

const log = pluginLogger('file');

/**
 * The zones of one `file` directive: the version of each origin served (an origin whose
 * file could not be read yet is known without data, SERVFAIL), the file's modification
 * time when each was read, and the directive's `transfer to` at work on them.
 */
export class FileGroup {
  readonly zones = new ZoneSet();
  readonly transfer: TransferTo | undefined;
  /** Modification time of the file when each origin's version was read (for reload_by_mtime). */
  readonly mtimes = new Map<string, number>();

  constructor(readonly directive: FileDirective) {
    this.transfer =
      directive.transferTo === undefined
        ? undefined
        : new TransferTo(this.zones, directive.transferTo, 'file');
  }
}

/**
 * The zones of one server block's `file` directives and their reload timers. Every key of
 * the block shares one instance, so a file is read once however many keys the block has.
 */
export class FileZones {
  readonly groups: FileGroup[];
  readonly #timers = new Map<FileGroup, NodeJS.Timeout>();
  #running = false;

  private constructor(readonly config: FileConfig) {
    this.groups = config.directives.map((d) => new FileGroup(d));
  }

  /**
   * Reads every zone. A file that cannot be opened is an error unless it is to be
   * reloaded, in which case its zones answer SERVFAIL until it appears (as CoreDNS).
   * Anything wrong inside a file is always an error.
   */
  static async load(config: FileConfig): Promise<FileZones> {
    const zones = new FileZones(config);
    for (const g of zones.groups) {
      const d = g.directive;
      let mtimeMs = 0;
      let openError: Error | undefined;
      try {
        mtimeMs = (await stat(d.path)).mtimeMs;
      } catch (e) {
        if (d.reloadMs === 0) throw e;
        openError = e as Error;
        log.warning(
          `Failed to open "${openError.message}": trying again in ${formatGoDuration(d.reloadMs * 1e6)}`,
        );
      }
      for (const origin of d.origins) {
        g.zones.add(origin);
        if (openError !== undefined) continue;
        g.zones.set((await loadZone(d.path, origin)) as Zone);
        g.mtimes.set(origin, mtimeMs);
      }
    }
    return zones;
  }

  /**
   * The group serving the zone `name` (lowercased) is in, and that zone: the most specific
   * zone over all directives; of two directives naming the same zone, the later one.
   */
  find(name: string): { group: FileGroup; origin: string } | undefined {
    let best: { group: FileGroup; origin: string } | undefined;
    for (const group of this.groups) {
      const origin = group.zones.match(name);
      if (origin !== undefined && (best === undefined || origin.length >= best.origin.length))
        best = { group, origin };
    }
    return best;
  }

  /** Starts the periodic checks and the transfers' NOTIFYs. Idempotent: every key of the block calls it. */
  start(): void {
    if (this.#running) return;
    this.#running = true;
    for (const g of this.groups) {
      g.transfer?.start();
      if (g.directive.reloadMs > 0) this.#schedule(g);
    }
  }

  /** Stops them. Idempotent. */
  stop(): void {
    this.#running = false;
    for (const t of this.#timers.values()) clearTimeout(t);
    this.#timers.clear();
    for (const g of this.groups) g.transfer?.stop();
  }

  #schedule(g: FileGroup): void {
    // A new timer only after a check finished, so a slow parse never overlaps the next.
    const timer = setTimeout(() => {
      void this.check(g).finally(() => {
        if (this.#running) this.#schedule(g);
      });
    }, g.directive.reloadMs);
    timer.unref();
    this.#timers.set(g, timer);
  }

  /**
   * Checks one directive's file now: every zone read from it is replaced when the file's
   * SOA serial is newer (or, with reload_by_mtime, when the file changed). A file that
   * fails to load is logged with its position and the old zone keeps serving.
   */
  async check(g: FileGroup): Promise<void> {
    const d = g.directive;
    for (const origin of g.zones.names) {
      const current = g.zones.get(origin);
      let mtimeMs: number;
      try {
        mtimeMs = (await stat(d.path)).mtimeMs;
      } catch (e) {
        log.error(`Failed to open zone "${origin}" in "${d.path}": ${(e as Error).message}`);
        continue;
      }
      if (d.reloadByMtime && current !== undefined && mtimeMs <= (g.mtimes.get(origin) ?? 0)) continue;
      let zone: Zone | undefined;
      try {
        zone = await loadZone(d.path, origin, d.reloadByMtime ? undefined : current?.serial);
      } catch (e) {
        log.error(`Parsing zone "${origin}": ${(e as Error).message}`);
        continue;
      }
      if (zone === undefined) continue;
      g.zones.set(zone);
      g.mtimes.set(origin, mtimeMs);
      log.info(`Successfully reloaded zone "${origin}" in "${d.path}" with ${zone.serial} SOA serial`);
    }
  }
}
