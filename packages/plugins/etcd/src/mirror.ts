/**
 * A live local copy of the keys below the served zones, kept by reading them once and then
 * watching them from the next revision on (etcd's list-then-watch). Queries read the copy
 * synchronously; see the README ("How queries reach etcd") for why and what it costs.
 *
 * States: not yet synced, live, or lost. The copy is live from a successful read until the
 * watch fails (etcd stopped, the connection broke, gRPC keepalive timed out, the revision was
 * compacted away); then it is lost, queries get SERVFAIL, and the loop reads everything
 * again after a backoff, which makes it live again as soon as etcd answers.
 */
import type { Etcd3, IKeyValue, IWatchResponse, Watcher } from 'etcd3';
import type { Logger } from '@tsdns/core';
import { LeaseTtls } from './leases.js';
import { parseService, ServiceError } from './service.js';
import { KeyStore, type Entry } from './store.js';

/** Keys in [start, end), latin1 strings. */
export interface KeyRange {
  readonly start: string;
  readonly end: string;
}

/** How many keys one read returns at most while the copy is (re)built. */
export const PAGE_SIZE = 1000;
const BACKOFF_MIN_MS = 200;
const BACKOFF_MAX_MS = 2_000;
const CANCEL_WAIT_MS = 1_000;

export interface MirrorOptions {
  readonly client: Pick<Etcd3, 'kv' | 'leaseClient' | 'watch'>;
  /** The disjoint key ranges to copy, in ascending order (see `coveringRanges`). */
  readonly ranges: readonly KeyRange[];
  /** The normalised key prefix (`path`), for decoding values. */
  readonly prefix: string;
  readonly logger: Logger;
}

/**
 * Turns prefix ranges into the fewest disjoint ones in ascending order: a range inside
 * another is dropped, overlapping ones merge.
 */
export function coveringRanges(ranges: readonly KeyRange[]): KeyRange[] {
  const sorted = [...ranges].sort((a, b) => (a.start < b.start ? -1 : a.start > b.start ? 1 : 0));
  const out: KeyRange[] = [];
  for (const r of sorted) {
    const last = out[out.length - 1];
    if (last !== undefined && r.start <= last.end) {
      if (r.end > last.end) out[out.length - 1] = { start: last.start, end: r.end };
    } else out.push(r);
  }
  return out;
}

function latin1(b: Uint8Array | string): string {
  return typeof b === 'string' ? b : Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('latin1');
}

function bytes(s: string): Buffer {
  return Buffer.from(s, 'latin1');
}

function errorText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

export class EtcdMirror {
  /** The copy. Replaced whole when it is rebuilt; changed in place by watch events. */
  store = new KeyStore();
  /** The etcd revision the copy reflects. */
  revision = 0;
  readonly leases: LeaseTtls;

  #live = false;
  #synced = false;
  #closed = false;
  #running: Promise<void> | undefined;
  #watchers: Watcher[] = [];
  /** Settles the current watch session (rejects when it fails). */
  #sessionFailed: ((err: unknown) => void) | undefined;
  #wake: (() => void) | undefined;
  readonly #syncWaiters: (() => void)[] = [];
  #lastError = '';

  constructor(private readonly options: MirrorOptions) {
    this.leases = new LeaseTtls(async (id) => {
      const res = await options.client.leaseClient.leaseTimeToLive({ ID: id });
      return Number(res.TTL);
    });
  }

  /** Whether the copy is up to date with etcd as far as the watch knows. */
  get live(): boolean {
    return this.#live;
  }

  /** Whether the copy was complete at least once (readiness). */
  get synced(): boolean {
    return this.#synced;
  }

  /** Why the copy is not live, when it is not. */
  get lastError(): string {
    return this.#live ? '' : this.#lastError || 'not synced with etcd yet';
  }

  /** Starts copying; idempotent. */
  start(): void {
    this.#running ??= this.#run();
  }

  /** Resolves with whether the copy became live within `ms`. */
  waitLive(ms: number): Promise<boolean> {
    if (this.#live) return Promise.resolve(true);
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        const i = this.#syncWaiters.indexOf(done);
        if (i >= 0) this.#syncWaiters.splice(i, 1);
        resolve(this.#live);
      }, ms);
      const done = (): void => {
        clearTimeout(timer);
        resolve(true);
      };
      this.#syncWaiters.push(done);
    });
  }

  async close(): Promise<void> {
    this.#closed = true;
    this.#live = false;
    this.leases.close();
    this.#sessionFailed?.(new Error('closed'));
    this.#wake?.();
    await this.#running;
  }

  async #run(): Promise<void> {
    let delay = BACKOFF_MIN_MS;
    while (!this.#closed) {
      try {
        await this.#session();
        delay = BACKOFF_MIN_MS;
      } catch (e) {
        if (this.#closed) {
          await this.#cancelWatchers();
          break;
        }
        const wasLive = this.#live;
        this.#live = false;
        const text = errorText(e);
        // One line per change of state, not one per retry while etcd stays away.
        if (wasLive || text !== this.#lastError) {
          this.options.logger.error(
            wasLive
              ? `lost etcd, answering SERVFAIL until it is back: ${text}`
              : `cannot sync with etcd: ${text}`,
          );
        }
        this.#lastError = text;
        if (wasLive) delay = BACKOFF_MIN_MS;
      }
      await this.#cancelWatchers();
      if (this.#closed) break;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, delay);
        this.#wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.#wake = undefined;
      delay = Math.min(delay * 2, BACKOFF_MAX_MS);
    }
  }

  /** One list-then-watch session; returns (rejects) only when the watch fails. */
  async #session(): Promise<void> {
    const { store, revision } = await this.#list();
    if (this.#closed) return;
    this.leases.clear();
    for (const e of store.entries()) if (e.service !== undefined) this.leases.retain(e.service.lease);
    this.store = store;
    this.revision = revision;
    const recovered = this.#lastError !== '';
    this.#live = true;
    this.#synced = true;
    this.#lastError = '';
    if (recovered)
      this.options.logger.info(`synced with etcd again: ${store.size} keys at revision ${revision}`);
    for (const done of this.#syncWaiters.splice(0)) done();

    const failed = new Promise<void>((_, reject) => {
      this.#sessionFailed = reject;
    });
    for (const range of this.options.ranges) {
      const watcher = this.options.client
        .watch()
        .inRange({ start: bytes(range.start), end: bytes(range.end) })
        .startRevision(String(revision + 1))
        .watcher();
      watcher.on('data', (res: IWatchResponse) => this.#apply(res));
      watcher.on('disconnected', (err: Error) => this.#sessionFailed?.(err));
      watcher.on('error', (err: Error) => this.#sessionFailed?.(err));
      watcher.on('end', () => this.#sessionFailed?.(new Error('watch ended')));
      this.#watchers.push(watcher);
    }
    try {
      await failed;
    } finally {
      this.#sessionFailed = undefined;
    }
  }

  /** Reads every key of every range at one revision, page by page. */
  async #list(): Promise<{ store: KeyStore; revision: number }> {
    const entries: Entry[] = [];
    let revision = 0;
    for (const range of this.options.ranges) {
      let start = range.start;
      for (;;) {
        const res = await this.options.client.kv.range({
          key: bytes(start),
          range_end: bytes(range.end),
          limit: PAGE_SIZE,
          // Every page after the first reads the first page's revision: one consistent snapshot.
          revision: revision === 0 ? undefined : revision,
        });
        if (revision === 0) revision = Number(res.header.revision);
        for (const kv of res.kvs) entries.push(this.#entry(kv));
        if (!res.more || res.kvs.length === 0) break;
        start = latin1(res.kvs[res.kvs.length - 1].key) + '\0';
      }
    }
    return { store: KeyStore.fromSorted(entries), revision };
  }

  #entry(kv: IKeyValue): Entry {
    const key = latin1(kv.key);
    try {
      return { key, service: parseService(key, kv.value, this.options.prefix, String(kv.lease ?? '0')) };
    } catch (e) {
      if (!(e instanceof ServiceError)) throw e;
      return { key, error: `${key}: ${e.message}` };
    }
  }

  #apply(res: IWatchResponse): void {
    if (!this.#live) return; // a late event of a failed session; the next list covers it
    for (const event of res.events) {
      const kv = event.kv;
      let old: Entry | undefined;
      if (event.type === 'Put') {
        const entry = this.#entry(kv);
        if (entry.service !== undefined) this.leases.retain(entry.service.lease);
        old = this.store.set(entry);
      } else {
        old = this.store.delete(latin1(kv.key));
      }
      if (old?.service !== undefined) this.leases.release(old.service.lease);
    }
    const revision = Number(res.header.revision);
    if (revision > this.revision) this.revision = revision;
  }

  async #cancelWatchers(): Promise<void> {
    const watchers = this.#watchers;
    this.#watchers = [];
    // A cancel waits for etcd to confirm; an etcd that stopped answering must not hold it up.
    await Promise.all(
      watchers.map((w) =>
        Promise.race([
          w.cancel().catch(() => undefined),
          new Promise<void>((r) => setTimeout(r, CANCEL_WAIT_MS).unref()),
        ]),
      ),
    );
  }
}
