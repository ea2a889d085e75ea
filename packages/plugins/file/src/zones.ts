import { stat } from 'node:fs/promises';
import { formatGoDuration, pluginLogger, type Zone } from '@tsdns/core';
import type { FileConfig, FileDirective } from './setup.js';
import { loadZone } from './load.js';

const log = pluginLogger('file');

/** One zone served from one file. */
export interface ZoneSlot {
  /** The zone's name, lowercased and absolute. */
  readonly origin: string;
  readonly directive: FileDirective;
  /** The zone being served; undefined while its file could not be read yet (SERVFAIL). */
  zone: Zone | undefined;
  /** Modification time of the file when `zone` was read (for reload_by_mtime). */
  mtimeMs: number;
}

export type ZoneChangeListener = (zone: string, serial: number) => void;

/**
 * The zones of one server block's `file` directives and their reload timers. Every key of
 * the block shares one instance, so a file is read once however many keys the block has.
 */
export class FileZones {
  readonly slots = new Map<string, ZoneSlot>();
  /** The origins, for matchZone. */
  readonly names: string[] = [];
  readonly #timers = new Map<FileDirective, NodeJS.Timeout>();
  readonly #listeners: ZoneChangeListener[] = [];
  #running = false;

  private constructor(readonly config: FileConfig) {}

  /**
   * Reads every zone. A file that cannot be opened is an error unless it is to be
   * reloaded, in which case its zones answer SERVFAIL until it appears (as CoreDNS).
   * Anything wrong inside a file is always an error.
   */
  static async load(config: FileConfig): Promise<FileZones> {
    const zones = new FileZones(config);
    for (const d of config.directives) {
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
        const zone = openError === undefined ? await loadZone(d.path, origin) : undefined;
        if (!zones.slots.has(origin)) zones.names.push(origin);
        zones.slots.set(origin, { origin, directive: d, zone, mtimeMs });
      }
    }
    return zones;
  }

  /** Registers a callback for every successful reload (NOTIFY hooks onto this). */
  onChange(listener: ZoneChangeListener): void {
    this.#listeners.push(listener);
  }

  /** Starts the periodic checks. Idempotent: every key of the block calls it. */
  start(): void {
    if (this.#running) return;
    this.#running = true;
    for (const d of this.config.directives) if (d.reloadMs > 0) this.#schedule(d);
  }

  /** Stops the periodic checks. Idempotent. */
  stop(): void {
    this.#running = false;
    for (const t of this.#timers.values()) clearTimeout(t);
    this.#timers.clear();
  }

  #schedule(d: FileDirective): void {
    // A new timer only after a check finished, so a slow parse never overlaps the next.
    const timer = setTimeout(() => {
      void this.check(d).finally(() => {
        if (this.#running) this.#schedule(d);
      });
    }, d.reloadMs);
    timer.unref();
    this.#timers.set(d, timer);
  }

  /**
   * Checks one directive's file now: every zone read from it is replaced when the file's
   * SOA serial is newer (or, with reload_by_mtime, when the file changed). A file that
   * fails to load is logged with its position and the old zone keeps serving.
   */
  async check(d: FileDirective): Promise<void> {
    for (const slot of this.slots.values()) {
      if (slot.directive !== d) continue;
      let mtimeMs: number;
      try {
        mtimeMs = (await stat(d.path)).mtimeMs;
      } catch (e) {
        log.error(`Failed to open zone "${slot.origin}" in "${d.path}": ${(e as Error).message}`);
        continue;
      }
      if (d.reloadByMtime && slot.zone !== undefined && mtimeMs <= slot.mtimeMs) continue;
      let zone: Zone | undefined;
      try {
        zone = await loadZone(d.path, slot.origin, d.reloadByMtime ? undefined : slot.zone?.serial);
      } catch (e) {
        log.error(`Parsing zone "${slot.origin}": ${(e as Error).message}`);
        continue;
      }
      if (zone === undefined) continue;
      slot.zone = zone;
      slot.mtimeMs = mtimeMs;
      log.info(`Successfully reloaded zone "${slot.origin}" in "${d.path}" with ${zone.serial} SOA serial`);
      for (const listener of this.#listeners) listener(slot.origin, zone.serial);
    }
  }
}
