/**
 * One informer loop (client-go's Reflector): list a resource, hand the objects to its
 * target, then watch from the list's resource version and apply each event, for as long
 * as the plugin runs.
 *
 *  - Watches ask for bookmarks (`allowWatchBookmarks`), whose resource versions keep the
 *    resume point fresh on quiet resources, and carry a `timeoutSeconds` (5 to 10 minutes,
 *    as client-go) so the server rotates them; a watch silent for longer than that is
 *    presumed dead and replaced.
 *  - A watch that ends cleanly is resumed at once from the last resource version seen.
 *  - 410 Gone (an ERROR event with a 410 Status, or HTTP 410, or an expired `continue`
 *    token while paging) means the resume point is compacted away: list again.
 *  - Any other failure (connection refused or dropped, 5xx, 401) is retried with
 *    exponential back-off (0.8 s doubling to 30 s, with jitter), resuming the watch when
 *    possible and listing again otherwise.
 *
 * The library (@kubernetes/client-node) provides the transport: its typed list calls and
 * its `Watch` (a streaming GET read line by line). Its own ListWatch is not used because it
 * keeps every full API object, cannot ask for bookmarks and stops at the first error.
 */
import type { Logger } from '@tsdns/core';
import { ObjectShapeError, type ApiObject } from './objects.js';

/** One page of a list. */
export interface ListPage {
  readonly items: readonly ApiObject[];
  readonly resourceVersion: string;
  /** The token for the next page; undefined or '' on the last. */
  readonly continueToken: string | undefined;
}

export interface ListOptions {
  readonly labelSelector: string | undefined;
  readonly fieldSelector: string | undefined;
  readonly limit: number;
  readonly continueToken: string | undefined;
}

/** How the reflector lists and where it watches one resource. */
export interface ResourceClient {
  /** The kind for log lines, as client-go names it: `*v1.Service`. */
  readonly kind: string;
  /** The watch URL path: `/api/v1/services`. */
  readonly watchPath: string;
  list(options: ListOptions): Promise<ListPage>;
}

/** The library's Watch: starts a streaming GET and calls back per event and once at the end. */
export interface Watcher {
  watch(
    path: string,
    query: Record<string, string | number | boolean | undefined>,
    onEvent: (type: string, object: ApiObject) => void,
    onDone: (err: unknown) => void,
  ): Promise<AbortController>;
}

/** What the reflector updates. */
export interface ReflectorTarget {
  /** Replaces the resource's objects with a complete list (objects not in it are gone). */
  replace(items: readonly ApiObject[]): void;
  /** An object added or changed. */
  upsert(obj: ApiObject): void;
  /** An object deleted (the event carries its last state). */
  remove(obj: ApiObject): void;
}

/** Observes the requests made, for the rest-client metrics. */
export interface RequestObserver {
  /** A request finished (or, for a watch, got its response): HTTP status as text, or '<error>'. */
  request(method: string, code: string, seconds: number): void;
}

export interface ReflectorOptions {
  readonly labelSelector?: string;
  readonly fieldSelector?: string;
  /** Items per list page (client-go's pager uses 500). */
  readonly pageSize?: number;
  /** First back-off delay in ms; default 800. */
  readonly backoffInitialMs?: number;
  /** Longest back-off delay in ms; default 30000. */
  readonly backoffMaxMs?: number;
  /** The watch timeout to ask the server for, in seconds; default random in [300, 600). */
  readonly watchTimeoutSeconds?: () => number;
  /** Extra silence past the watch timeout before a watch is presumed dead, in ms; default 30000. */
  readonly watchGraceMs?: number;
  readonly logger: Logger;
  readonly observer?: RequestObserver;
}

/** The error a failed request carries: the HTTP status when there was one. */
function statusOf(err: unknown): number | undefined {
  if (err === null || typeof err !== 'object') return undefined;
  const e = err as { code?: unknown; statusCode?: unknown };
  if (typeof e.statusCode === 'number') return e.statusCode;
  if (typeof e.code === 'number') return e.code;
  return undefined;
}

function describe(err: unknown): string {
  if (err instanceof Error) {
    const status = statusOf(err);
    const body = (err as { body?: unknown }).body;
    const message =
      body !== null && typeof body === 'object' && typeof (body as { message?: unknown }).message === 'string'
        ? (body as { message: string }).message
        : err.message.split('\n')[0];
    return status === undefined ? message : `${message} (HTTP ${status})`;
  }
  return String(err);
}

/** Why a watch ended. */
type WatchEnd =
  | { readonly kind: 'clean' }
  | { readonly kind: 'gone' }
  | { readonly kind: 'failed'; readonly error: unknown; readonly progressed: boolean };

export class Reflector {
  #resourceVersion = '';
  #synced = false;
  #stopped = true;
  #loop: Promise<void> | undefined;
  #abort: AbortController | undefined;
  #wake: (() => void) | undefined;
  #failures = 0;
  readonly #onSynced: (() => void)[] = [];

  constructor(
    readonly client: ResourceClient,
    private readonly watcher: Watcher,
    private readonly target: ReflectorTarget,
    private readonly options: ReflectorOptions,
  ) {}

  /** Whether the first complete list has been applied. */
  get synced(): boolean {
    return this.#synced;
  }

  /** The resource version the next watch resumes from ('' when the next step is a list). */
  get resourceVersion(): string {
    return this.#resourceVersion;
  }

  /** Calls `fn` once the first list is applied (at once if it already is). */
  onSynced(fn: () => void): void {
    if (this.#synced) fn();
    else this.#onSynced.push(fn);
  }

  start(): void {
    if (!this.#stopped) return;
    this.#stopped = false;
    this.#loop = this.#run();
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    this.#abort?.abort();
    this.#wake?.();
    await this.#loop;
  }

  async #run(): Promise<void> {
    while (!this.#stopped) {
      if (this.#resourceVersion === '') {
        let listed: boolean;
        try {
          listed = await this.#list();
        } catch (err) {
          if (this.#stopped) return;
          this.options.logger.error(`Failed to list ${this.client.kind}: ${describe(err)}`);
          await this.#backoff();
          continue;
        }
        if (!listed) continue;
      }
      if (this.#stopped) return;
      const end = await this.#watch();
      if (this.#stopped) return;
      switch (end.kind) {
        case 'clean':
          this.#failures = 0;
          break;
        case 'gone':
          // The resume point was compacted away: relist at once.
          this.options.logger.info(`watch of ${this.client.kind} expired (410 Gone); listing again`);
          this.#resourceVersion = '';
          break;
        case 'failed':
          if (end.progressed) this.#failures = 0;
          this.options.logger.error(`Failed to watch ${this.client.kind}: ${describe(end.error)}`);
          if (statusOf(end.error) === 410) {
            this.#resourceVersion = '';
            break;
          }
          await this.#backoff();
          break;
      }
    }
  }

  /** Lists every page and replaces the target's objects. False when paging expired (list again). */
  async #list(): Promise<boolean> {
    const items: ApiObject[] = [];
    let continueToken: string | undefined;
    let resourceVersion = '';
    do {
      const started = performance.now();
      let page: ListPage;
      try {
        page = await this.client.list({
          labelSelector: this.options.labelSelector,
          fieldSelector: this.options.fieldSelector,
          limit: this.options.pageSize ?? 500,
          continueToken,
        });
      } catch (err) {
        this.#observe(err, started);
        // An expired continue token: the snapshot is gone, start the list over.
        if (continueToken !== undefined && statusOf(err) === 410) return false;
        throw err;
      }
      this.#observe(undefined, started);
      if (this.#stopped) return false;
      for (const item of page.items) items.push(item);
      resourceVersion = page.resourceVersion;
      continueToken = page.continueToken === '' ? undefined : page.continueToken;
    } while (continueToken !== undefined);
    this.target.replace(items);
    this.#resourceVersion = resourceVersion;
    this.#failures = 0;
    if (!this.#synced) {
      this.#synced = true;
      for (const fn of this.#onSynced.splice(0)) fn();
    }
    return true;
  }

  #observe(err: unknown, started: number): void {
    const status = err === undefined ? 200 : statusOf(err);
    this.options.observer?.request(
      'GET',
      status === undefined ? '<error>' : String(status),
      (performance.now() - started) / 1000,
    );
  }

  /** Runs one watch until it ends. */
  #watch(): Promise<WatchEnd> {
    const timeout = this.options.watchTimeoutSeconds?.() ?? 300 + Math.floor(Math.random() * 300);
    const grace = this.options.watchGraceMs ?? 30_000;
    return new Promise<WatchEnd>((resolve) => {
      let gone = false;
      let progressed = false;
      let errorStatus: unknown;
      let settled = false;
      let silence: NodeJS.Timeout | undefined;
      const started = performance.now();
      let observed = false;
      const finish = (end: WatchEnd): void => {
        if (settled) return;
        settled = true;
        clearTimeout(silence);
        this.#abort = undefined;
        resolve(end);
      };
      const heard = (): void => {
        clearTimeout(silence);
        silence = setTimeout(
          () => {
            this.options.logger.warning(`watch of ${this.client.kind} silent for too long; reconnecting`);
            this.#abort?.abort();
            finish({ kind: 'failed', error: new Error('watch silent past its timeout'), progressed });
          },
          timeout * 1000 + grace,
        );
        silence.unref();
      };
      const onEvent = (type: string, object: ApiObject): void => {
        if (settled || this.#stopped) return;
        if (!observed) {
          observed = true;
          this.options.observer?.request('GET', '200', (performance.now() - started) / 1000);
        }
        heard();
        if (type === 'ERROR') {
          const code = (object as { code?: unknown }).code;
          if (code === 410) gone = true;
          else errorStatus = object;
          return;
        }
        try {
          if (type === 'ADDED' || type === 'MODIFIED') this.target.upsert(object);
          else if (type === 'DELETED') this.target.remove(object);
          else if (type !== 'BOOKMARK') return;
        } catch (e) {
          if (!(e instanceof ObjectShapeError)) throw e;
          this.options.logger.warning(`skipping ${this.client.kind} in watch: ${e.message}`);
        }
        const rv = object.metadata?.resourceVersion;
        if (typeof rv === 'string' && rv !== '') this.#resourceVersion = rv;
        progressed = true;
      };
      const onDone = (err: unknown): void => {
        if (this.#stopped) return finish({ kind: 'clean' });
        if (gone) return finish({ kind: 'gone' });
        if (err !== null && err !== undefined) {
          if (!observed) {
            const status = statusOf(err);
            this.options.observer?.request(
              'GET',
              status === undefined ? '<error>' : String(status),
              (performance.now() - started) / 1000,
            );
          }
          return finish({ kind: 'failed', error: err, progressed });
        }
        if (errorStatus !== undefined) {
          const s = errorStatus as { message?: unknown; code?: unknown };
          return finish({
            kind: 'failed',
            error: Object.assign(new Error(typeof s.message === 'string' ? s.message : 'watch ERROR event'), {
              statusCode: typeof s.code === 'number' ? s.code : undefined,
            }),
            progressed,
          });
        }
        finish({ kind: 'clean' });
      };
      heard();
      this.watcher
        .watch(
          this.client.watchPath,
          {
            resourceVersion: this.#resourceVersion,
            allowWatchBookmarks: true,
            labelSelector: this.options.labelSelector,
            fieldSelector: this.options.fieldSelector,
            timeoutSeconds: timeout,
          },
          onEvent,
          onDone,
        )
        .then(
          (controller) => {
            if (settled || this.#stopped) {
              controller.abort();
              return;
            }
            this.#abort = controller;
            // The library returns once the response is in and streaming: a 200.
            if (!observed) {
              observed = true;
              this.options.observer?.request('GET', '200', (performance.now() - started) / 1000);
            }
          },
          (err: unknown) => onDone(err ?? new Error('watch failed to start')),
        );
    });
  }

  /** Waits the next back-off delay (cut short by stop). */
  async #backoff(): Promise<void> {
    const initial = this.options.backoffInitialMs ?? 800;
    const max = this.options.backoffMaxMs ?? 30_000;
    const base = Math.min(max, initial * 2 ** this.#failures);
    this.#failures++;
    // Jitter, so that many servers restarting together do not hammer the API in step.
    const delay = base * (0.75 + Math.random() * 0.5);
    await new Promise<void>((resolve) => {
      const t = setTimeout(() => {
        this.#wake = undefined;
        resolve();
      }, delay);
      this.#wake = () => {
        clearTimeout(t);
        resolve();
      };
    });
  }
}
