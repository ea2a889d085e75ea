import { pluginLogger, type InstanceView } from '@tsdns/core';
import { corefileDigest, textDigest } from './digest.js';
import { reloadFailed, reportVersion } from './metrics.js';

const log = pluginLogger('reload');

/**
 * Watches the Corefile of one server instance (CoreDNS's reload hook): every interval it
 * reads the Corefile again and, when its meaning changed, reloads the server gracefully.
 * A successful reload replaces the instance, whose watcher then stops; the new instance
 * has its own. A Corefile that fails (does not parse, or a plugin rejects it) leaves the
 * running configuration serving: the error is logged, coredns_reload_failed_total counts
 * it, and the same content is not tried again.
 */
export class CorefileWatcher {
  /** The check interval, jitter applied; set by setup (the last block's wins, as in CoreDNS). */
  intervalMs = 30_000;
  #digest = '';
  /** The text hash of the last Corefile that did not parse, so it is reported once. */
  #unparsable = '';
  #timer: NodeJS.Timeout | undefined;
  #stopped = false;

  constructor(private readonly instance: InstanceView) {}

  /** Hashes the running Corefile and starts checking. */
  start(): void {
    this.#digest = corefileDigest(this.instance.corefile);
    log.info(`Running configuration SHA512 = ${this.#digest}`);
    reportVersion(this.#digest);
    this.#schedule();
  }

  stop(): void {
    this.#stopped = true;
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  #schedule(): void {
    if (this.#stopped) return;
    this.#timer = setTimeout(() => void this.check(), this.intervalMs);
    // The watcher never keeps the process alive on its own.
    this.#timer.unref();
  }

  /** One check; exposed for tests. Schedules the next one unless the server was reloaded. */
  async check(): Promise<void> {
    this.#timer = undefined;
    if (this.#stopped) return;
    let source;
    try {
      source = await this.instance.loadCorefile();
    } catch {
      // Unreadable right now (being rewritten, or not a file at all): look again later.
      this.#schedule();
      return;
    }
    let digest: string;
    try {
      digest = corefileDigest(source);
    } catch (e) {
      const text = textDigest(source.text);
      if (text !== this.#unparsable) {
        this.#unparsable = text;
        this.#failed(e);
      }
      this.#schedule();
      return;
    }
    if (digest === this.#digest || this.#stopped || this.instance.state !== 'running') {
      this.#schedule();
      return;
    }
    // Not tried again with the same Corefile, even when this attempt fails.
    this.#digest = digest;
    reportVersion(digest);
    try {
      await this.instance.reload(source);
    } catch (e) {
      this.#failed(e);
      this.#schedule();
    }
  }

  #failed(e: unknown): void {
    log.error(`Corefile changed but reload failed: ${e instanceof Error ? e.message : String(e)}`);
    reloadFailed.inc();
  }
}
