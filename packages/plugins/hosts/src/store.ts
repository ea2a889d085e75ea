import { open } from 'node:fs/promises';
import { formatGoDuration, pluginLogger, type Gauge } from '@tsdns/core';
import { parseHostsText, type HostsLineProblem } from './hostsfile.js';
import type { HostsConfig } from './setup.js';
import { entriesGauge, reloadTimestampGauge } from './metrics.js';
import { HostsTable } from './table.js';

const log = pluginLogger('hosts');

/** Problems of one file read that are logged one by one; the rest are counted. */
const MAX_LOGGED_PROBLEMS = 10;
/** setTimeout's limit: a longer delay would fire at once (Node clamps it to 1 ms). */
const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * The host entries of one server block: the inline entries from the Corefile, the hosts
 * file, the table merged from both that the handler reads, and the timer that re-reads
 * the file. Every key of the block shares one store.
 */
export class HostsStore {
  /** What queries are answered from; replaced as a whole when the file changes. */
  table: HostsTable;
  /**
   * The modification time (seconds since the epoch) of the file as last loaded, 0 before:
   * CoreDNS's reload timestamp is the file's time, not the time it was read.
   */
  loadedMtimeSeconds = 0;

  #mtimeNs = -1n;
  #size = -1n;
  /** What the last failed read logged, so a file that stays missing is logged once. */
  #failure: string | undefined;
  #started: Promise<void> | undefined;
  #running = false;
  #timer: NodeJS.Timeout | undefined;
  /** Created on the first load, so a setup that never starts leaves no series behind. */
  #entries: Gauge | undefined;

  constructor(readonly config: HostsConfig) {
    this.table = HostsTable.build(undefined, config.inline);
  }

  /**
   * Reads the file, then re-checks it every `reload` period. Idempotent: each key of the
   * block calls it and all get the same first read.
   */
  start(): Promise<void> {
    if (this.#started === undefined) {
      this.#running = true;
      this.#started = this.check().then(() => this.#schedule());
    }
    return this.#started;
  }

  /** Stops the periodic checks. Idempotent. */
  stop(): void {
    this.#running = false;
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  #schedule(): void {
    if (!this.#running || this.config.reloadMs === 0) return;
    // The next check is armed only after this one finished, so slow reads never overlap.
    this.#timer = setTimeout(
      () => {
        void this.check().finally(() => this.#schedule());
      },
      Math.min(this.config.reloadMs, MAX_TIMER_MS),
    );
    this.#timer.unref();
  }

  /**
   * Loads the file when its modification time or size differ from the last load (as
   * CoreDNS decides). A file that cannot be read leaves the last loaded entries in service
   * and is logged once until it can be read again. Returns whether a new table was built.
   */
  async check(): Promise<boolean> {
    const path = this.config.path;
    let handle;
    try {
      handle = await open(path, 'r');
    } catch (e) {
      this.#failed(e);
      return false;
    }
    try {
      const st = await handle.stat({ bigint: true });
      if (st.isDirectory()) {
        this.#failed(Object.assign(new Error('is a directory'), { code: 'EISDIR' }));
        return false;
      }
      if (st.mtimeNs === this.#mtimeNs && st.size === this.#size) return false;
      const text = await handle.readFile('utf8');
      this.#load(text, st.mtimeNs, st.size);
      this.#failure = undefined;
      return true;
    } catch (e) {
      this.#failed(e);
      return false;
    } finally {
      await handle.close();
    }
  }

  #load(text: string, mtimeNs: bigint, size: bigint): void {
    const path = this.config.path;
    let problems = 0;
    const report = (p: HostsLineProblem) => {
      if (++problems <= MAX_LOGGED_PROBLEMS) log.warning(`${path}:${p.line}: ${p.message}, line skipped`);
    };
    // The parsed source is dropped once merged: the table holds all that is needed.
    const file = parseHostsText(text, this.config, report);
    if (problems > MAX_LOGGED_PROBLEMS)
      log.warning(`${path}: ${problems - MAX_LOGGED_PROBLEMS} more lines skipped`);
    this.table = HostsTable.build(file, this.config.inline);
    this.#mtimeNs = mtimeNs;
    this.#size = size;
    this.loadedMtimeSeconds = Number(mtimeNs) / 1e9;
    (this.#entries ??= entriesGauge(path)).set(this.table.entries);
    reloadTimestampGauge.set(this.loadedMtimeSeconds);
    log.debug(`Parsed hosts file into ${file.entries} entries`);
  }

  #failed(e: unknown): void {
    const code = (e as NodeJS.ErrnoException).code ?? String(e);
    if (code === this.#failure) return;
    this.#failure = code;
    const path = this.config.path;
    const again =
      this.config.reloadMs === 0
        ? ''
        : `, trying again every ${formatGoDuration(this.config.reloadMs * 1e6)}`;
    if (code === 'ENOENT') log.warning(`File does not exist: ${path}${again}`);
    else if (code === 'EISDIR') log.warning(`Hosts file "${path}" is a directory${again}`);
    else log.warning(`Failed to read hosts file "${path}": ${(e as Error).message}${again}`);
  }
}
