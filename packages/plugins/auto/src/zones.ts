import { stat } from 'node:fs/promises';
import { TransferTo, ZoneSet, isSubdomain, loadZone, pluginLogger, type Zone } from '@tsdns/core';
import type { AutoDirective } from './setup.js';
import { scanDirectory } from './walk.js';

const log = pluginLogger('auto');

/** The identity of a file version, to tell a file that changed from one that did not. */
async function version(path: string): Promise<string | undefined> {
  try {
    const s = await stat(path);
    return `${s.mtimeMs}:${s.size}:${s.ino}`;
  } catch {
    return undefined;
  }
}

/**
 * Log lines that describe a state rather than an event (a missing directory, two files
 * for one zone, a file that does not parse): logged when they first appear and again only
 * after they went away, rather than at every scan.
 */
class Conditions {
  #previous = new Set<string>();
  #current = new Set<string>();

  report(message: string, level: 'info' | 'warning' | 'error'): void {
    this.#current.add(message);
    if (!this.#previous.has(message)) log[level](message);
  }

  /** Ends a scan: what was not reported in it may be logged again. */
  done(): void {
    this.#previous = this.#current;
    this.#current = new Set();
  }
}

/** Where a served zone was read from. */
interface Source {
  path: string;
}

/**
 * The zones of one `auto` directive: what the latest scan of its directory found and
 * loaded, with the directive's `transfer to` at work on them.
 */
export class AutoDirectory {
  readonly zones = new ZoneSet();
  readonly transfer: TransferTo | undefined;
  readonly #sources = new Map<string, Source>();
  /** Files that failed to load, by path: the version that failed, not read again until it changes. */
  readonly #failed = new Map<string, string>();
  readonly #conditions = new Conditions();

  constructor(
    readonly directive: AutoDirective,
    /** The directory of the block that serves `origin` already, if another one does. */
    private readonly ownerOf: (origin: string) => AutoDirectory | undefined,
  ) {
    this.transfer =
      directive.transferTo === undefined
        ? undefined
        : new TransferTo(this.zones, directive.transferTo, 'auto');
  }

  #inside(origin: string): boolean {
    for (const o of this.directive.origins) if (isSubdomain(origin, o)) return true;
    return false;
  }

  /**
   * Scans the directory once: new files are loaded and served, files whose SOA serial grew
   * are loaded again, zones whose file is gone stop being served. Problems are logged;
   * a zone that was being served keeps serving when its file breaks.
   */
  async scan(): Promise<void> {
    const d = this.directive;
    const found = await scanDirectory(d.directory, d.pattern);
    for (const e of found.errors) this.#conditions.report(e, 'warning');
    for (const dup of found.duplicates) {
      this.#conditions.report(
        `Multiple zone files match origin "${dup.origin}": using "${found.zones.get(dup.origin)}", not "${dup.path}"`,
        'warning',
      );
    }
    const seen = new Set<string>();
    for (const [origin, path] of found.zones) {
      if (!this.#inside(origin)) {
        this.#conditions.report(
          `Ignoring zone \`${origin}' in ${path}: not inside the zones of auto (${d.origins.join(' ')})`,
          'info',
        );
        continue;
      }
      const owner = this.ownerOf(origin);
      if (owner !== undefined && owner !== this) {
        this.#conditions.report(
          `Ignoring zone \`${origin}' in ${path}: another auto directory serves it`,
          'warning',
        );
        continue;
      }
      seen.add(origin);
      const source = this.#sources.get(origin);
      if (source === undefined) await this.#insert(origin, path);
      else {
        source.path = path;
        await this.#reload(origin, source);
      }
    }
    for (const origin of [...this.#sources.keys()]) {
      if (seen.has(origin)) continue;
      this.#sources.delete(origin);
      this.zones.remove(origin);
      log.info(`Deleting zone \`${origin}'`);
    }
    // Forget failures of files that are gone.
    const paths = new Set(found.zones.values());
    for (const path of [...this.#failed.keys()]) if (!paths.has(path)) this.#failed.delete(path);
    this.#conditions.done();
  }

  async #insert(origin: string, path: string): Promise<void> {
    const v = await version(path);
    if (v !== undefined && this.#failed.get(path) === v) return;
    let zone: Zone | undefined;
    try {
      zone = await loadZone(path, origin);
    } catch (e) {
      log.warning(`Parse zone \`${origin}': ${(e as Error).message}`);
      if (v !== undefined) this.#failed.set(path, v);
      return;
    }
    this.#failed.delete(path);
    this.#sources.set(origin, { path });
    this.zones.set(zone as Zone);
    log.info(`Inserting zone \`${origin}' from: ${path}`);
  }

  async #reload(origin: string, source: Source): Promise<void> {
    const current = this.zones.get(origin);
    const path = source.path;
    const v = await version(path);
    if (v !== undefined && this.#failed.get(path) === v) return;
    let zone: Zone | undefined;
    try {
      zone = await loadZone(path, origin, current?.serial);
    } catch (e) {
      log.error(`Parsing zone "${origin}": ${(e as Error).message}`);
      if (v !== undefined) this.#failed.set(path, v);
      return;
    }
    this.#failed.delete(path);
    if (zone === undefined) return;
    this.zones.set(zone);
    log.info(`Successfully reloaded zone "${origin}" in "${path}" with ${zone.serial} SOA serial`);
  }
}

/**
 * Every `auto` directive of one server block, shared by the block's keys: the first scan
 * happens before the server starts (so the zones answer from the first query), later ones
 * every `reload` interval, one at a time.
 */
export class AutoZones {
  readonly directories: AutoDirectory[];
  readonly #timers = new Map<AutoDirectory, NodeJS.Timeout>();
  #queue: Promise<void> = Promise.resolve();
  #running = false;

  private constructor(directives: readonly AutoDirective[]) {
    this.directories = directives.map((d) => new AutoDirectory(d, (origin) => this.ownerOf(origin)));
  }

  static async load(directives: readonly AutoDirective[]): Promise<AutoZones> {
    const zones = new AutoZones(directives);
    for (const dir of zones.directories) await zones.scan(dir);
    return zones;
  }

  /** The directory whose zones include `origin`. */
  ownerOf(origin: string): AutoDirectory | undefined {
    for (const dir of this.directories) if (dir.zones.has(origin)) return dir;
    return undefined;
  }

  /** Scans `dir` after any scan under way has finished. */
  scan(dir: AutoDirectory): Promise<void> {
    const next = this.#queue.then(() => dir.scan());
    // A failed scan (a bug: scan logs what it meets) must not stop the ones after it.
    this.#queue = next.catch((e: unknown) =>
      log.error(`scan of ${dir.directive.directory} failed: ${String(e)}`),
    );
    return next;
  }

  /** Starts the periodic scans and the transfers' NOTIFYs. Idempotent: every key of the block calls it. */
  start(): void {
    if (this.#running) return;
    this.#running = true;
    for (const dir of this.directories) {
      dir.transfer?.start();
      if (dir.directive.reloadMs > 0) this.#schedule(dir);
    }
  }

  /** Stops them. Idempotent. */
  stop(): void {
    this.#running = false;
    for (const t of this.#timers.values()) clearTimeout(t);
    this.#timers.clear();
    for (const dir of this.directories) dir.transfer?.stop();
  }

  #schedule(dir: AutoDirectory): void {
    // The next scan is timed from the end of this one, so a slow scan never overlaps the next.
    const timer = setTimeout(() => {
      void this.scan(dir)
        .catch(() => undefined)
        .finally(() => {
          if (this.#running) this.#schedule(dir);
        });
    }, dir.directive.reloadMs);
    timer.unref();
    this.#timers.set(dir, timer);
  }
}
