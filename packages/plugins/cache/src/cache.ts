import {
  Flag,
  matchZone,
  nextOrFailure,
  pluginLogger,
  Rcode,
  Request,
  ResponseType,
  type Handler,
  type Message,
  type ResponseWriter,
} from '@tsdns/core';
import { performance } from 'node:perf_hooks';
import { cacheKind, isCacheable } from './classify.js';
import { CacheItem } from './item.js';
import { CacheMetrics, type CacheSeries } from './metrics.js';
import type { CacheConfig } from './setup.js';
import { BoundedStore, cacheBits, effectiveCapacity, type CacheKey } from './store.js';
import { clampTtl, minimalTtl } from './ttl.js';
import { CachingWriter, VerifyStaleWriter, type ResponseStore } from './writer.js';

const log = pluginLogger('cache');

const OPCODE_MASK = 0x7800;

export interface CacheOptions {
  /** A monotonic clock in milliseconds; entries age by it. Default performance.now. */
  now?: () => number;
  /** Wall-clock Unix time in seconds, for RRSIG validity. Default Date.now() / 1000. */
  wallSeconds?: () => number;
}

/**
 * The *cache* handler: answers from its two caches (positive answers and referrals in
 * `success`, NXDOMAIN/NODATA/SERVFAIL in `denial`) when it can, and otherwise asks the
 * rest of the chain through a writer that stores the response on its way to the client.
 *
 * A hit is synchronous and costs one or two Map lookups of the name and the reply message.
 * Prefetch and the refresh of stale entries run the rest of the chain in the background
 * with a writer that only stores.
 */
export class Cache implements Handler, ResponseStore {
  readonly name = 'cache';
  readonly metrics: CacheMetrics;
  readonly preferPositive: boolean;

  readonly #positive: BoundedStore<CacheItem>;
  readonly #negative: BoundedStore<CacheItem>;
  readonly #everyZone: boolean;
  readonly #now: () => number;
  readonly #wall: () => number;

  constructor(
    readonly config: CacheConfig,
    readonly next: Handler | undefined,
    options: CacheOptions = {},
  ) {
    this.#positive = new BoundedStore(effectiveCapacity(config.success.capacity));
    this.#negative = new BoundedStore(effectiveCapacity(config.denial.capacity));
    this.#everyZone = config.zones.includes('.');
    // performance from node:perf_hooks: the global of that name is a getter, run on every read
    this.#now = options.now ?? (() => performance.now());
    this.#wall = options.wallSeconds ?? (() => Date.now() / 1000);
    this.preferPositive = config.preferPositive;
    this.metrics = new CacheMetrics(config.zones.join(','), {
      success: () => this.#positive.size,
      denial: () => this.#negative.size,
    });
  }

  serveDNS(req: Request, w: ResponseWriter): number | Promise<number> {
    const msg = req.msg;
    const q = msg.questions[0];
    // Only ordinary queries are cached: not NOTIFY or UPDATE (their question would hit
    // an entry for the same name and type), not zone transfers.
    if (q === undefined || (msg.flags & OPCODE_MASK) !== 0 || q.type === 'AXFR' || q.type === 'IXFR') {
      return nextOrFailure(this.name, this.next, req, w);
    }
    const name = req.name;
    if (!this.#everyZone && matchZone(this.config.zones, name) === undefined) {
      return nextOrFailure(this.name, this.next, req, w);
    }
    const dnssecOk = req.do;
    const flags = msg.flags;
    const qtype = q.type;
    const qclass = q.class;
    const bits = cacheBits(dnssecOk, (flags & Flag.CD) !== 0);
    const now = this.#now();
    const metrics = this.metrics;
    const series = metrics.series(req.server);
    metrics.request(series);

    const item = this.#lookup(name, qtype, qclass, bits, now, series);
    if (item === undefined) {
      metrics.miss(series);
      const key: CacheKey = { name, qtype, qclass, bits };
      const cw = new CachingWriter(this, req, w, key, dnssecOk, (flags & Flag.AD) !== 0, false);
      return nextOrFailure(this.name, this.next, req, cw);
    }

    const ttl = item.ttl(now);
    if (ttl <= 0) return this.#serveStale(req, w, item, { name, qtype, qclass, bits }, now, dnssecOk);

    const prefetch =
      this.config.prefetch.amount > 0 && this.#shouldPrefetch(item, now, ttl) && item.beginRefresh(now, 0);
    this.#answer(req, w, item, this.config.keepTtl ? item.origTtl : ttl, dnssecOk);
    if (prefetch) this.#refresh(req, item, { name, qtype, qclass, bits }, now, false);
    return Rcode.NOERROR;
  }

  /**
   * The entry for the question that may be served at `now`: unexpired, or expired for less than
   * the serve_stale window. A cached SERVFAIL never hides a usable positive answer, and
   * with `prefer_positive` an answering positive entry comes first.
   */
  #lookup(
    name: string,
    qtype: string,
    qclass: string,
    bits: number,
    now: number,
    series: CacheSeries,
  ): CacheItem | undefined {
    const maxStale = this.config.serveStale.maxStaleSeconds;
    const metrics = this.metrics;
    if (this.preferPositive && maxStale > 0) {
      const p = this.#positive.get(name, qtype, qclass, bits)?.answeringItem();
      if (p !== undefined && usable(p, now, maxStale)) {
        metrics.hit(series, 'success');
        return p;
      }
    }
    const n = this.#negative.get(name, qtype, qclass, bits);
    if (n !== undefined && usable(n, now, maxStale)) {
      if (n.rcode === Rcode.SERVFAIL) {
        const p = this.#positive.get(name, qtype, qclass, bits);
        if (p !== undefined && usable(p, now, maxStale)) {
          metrics.hit(series, 'success');
          return p;
        }
      }
      metrics.hit(series, 'denial');
      return n;
    }
    const p = this.#positive.get(name, qtype, qclass, bits);
    if (p !== undefined && usable(p, now, maxStale)) {
      metrics.hit(series, 'success');
      return p;
    }
    return undefined;
  }

  /**
   * CoreDNS's prefetch rule: the item is popular (AMOUNT queries without a gap of
   * DURATION) and its remaining TTL is down to PERCENTAGE of the original, rounded up, so
   * that the last second always qualifies.
   */
  #shouldPrefetch(item: CacheItem, now: number, ttl: number): boolean {
    const { amount, windowMs, percentage } = this.config.prefetch;
    const hits = item.recordHit(now, windowMs);
    return hits >= amount && ttl <= Math.ceil((percentage / 100) * item.origTtl);
  }

  #answer(req: Request, w: ResponseWriter, item: CacheItem, ttl: number, dnssecOk: boolean): void {
    if (item.wildcard !== '') req.setMetadata('zone/wildcard', item.wildcardMetadata);
    // A writer that takes bytes (the server's own) gets the answer from the item's packed
    // form: no Message to build, nothing to encode.
    if (w.writeBytes !== undefined) {
      const bytes = item.toBytes(req, ttl, dnssecOk);
      if (bytes !== undefined) {
        w.writeBytes(bytes);
        return;
      }
    }
    w.write(item.toMessage(req.msg, ttl, dnssecOk));
  }

  #answerStale(req: Request, w: ResponseWriter, item: CacheItem, dnssecOk: boolean): void {
    this.metrics.stale(this.metrics.series(req.server));
    this.#answer(req, w, item, this.config.serveStale.responseTtl, dnssecOk);
  }

  /**
   * An expired entry inside the serve_stale window (RFC 8767). `immediate`: answer with it
   * and refresh in the background. `verify`: ask the rest of the chain first and answer
   * stale only if that fails (or, with a VERIFY_TIMEOUT, takes too long). A failure
   * recheck period suppresses new attempts after a failed one.
   */
  #serveStale(
    req: Request,
    w: ResponseWriter,
    item: CacheItem,
    key: CacheKey,
    now: number,
    dnssecOk: boolean,
  ): number | Promise<number> {
    const { verify, failureRecheckMs } = this.config.serveStale;
    if (verify) {
      if (failureRecheckMs === 0 || item.beginRefresh(now, failureRecheckMs)) {
        return this.#verify(req, w, item, key, dnssecOk);
      }
      this.#answerStale(req, w, item, dnssecOk);
      return Rcode.NOERROR;
    }
    const refresh = item.beginRefresh(now, failureRecheckMs);
    this.#answerStale(req, w, item, dnssecOk);
    if (refresh) this.#refresh(req, item, key, now, true);
    return Rcode.NOERROR;
  }

  async #verify(
    req: Request,
    w: ResponseWriter,
    item: CacheItem,
    key: CacheKey,
    dnssecOk: boolean,
  ): Promise<number> {
    const { verifyTimeoutMs, failureRecheckMs } = this.config.serveStale;
    const track = failureRecheckMs > 0;
    const ad = (req.msg.flags & Flag.AD) !== 0;
    const cw = new CachingWriter(this, req, w, key, dnssecOk, ad, verifyTimeoutMs > 0);
    const vw = new VerifyStaleWriter(cw);
    const attempt = async (): Promise<number> => {
      let rcode: number = Rcode.SERVFAIL;
      try {
        rcode = await nextOrFailure(this.name, this.next, req, vw);
      } catch (e) {
        log.debug(`verifying stale ${describe(key)}: ${e instanceof Error ? e.message : String(e)}`);
      }
      if (track) item.endRefresh(this.#now(), failureRecheckMs, vw.refreshed);
      return rcode;
    };

    if (verifyTimeoutMs === 0) {
      // The writer passed a fresh answer straight to the client.
      const rcode = await attempt();
      if (vw.refreshed) return rcode;
    } else {
      // The attempt writes only to the cache; whichever comes first, the fresh answer or
      // the timeout, decides what the client gets. A late answer still refreshes the cache.
      let timer: ReturnType<typeof setTimeout> | undefined;
      const timedOut = new Promise<true>((resolve) => {
        timer = setTimeout(() => resolve(true), verifyTimeoutMs);
      });
      const late = await Promise.race([attempt().then(() => false as const), timedOut]);
      clearTimeout(timer);
      if (!late && vw.refreshed) {
        const fresh = vw.item;
        const response =
          fresh !== undefined
            ? fresh.toMessage(req.msg, this.config.keepTtl ? fresh.origTtl : fresh.ttl(this.#now()), dnssecOk)
            : vw.response;
        if (response !== undefined) {
          w.write(response);
          return Rcode.NOERROR;
        }
      }
    }
    this.#answerStale(req, w, item, dnssecOk);
    return Rcode.NOERROR;
  }

  /**
   * Refreshes `item` in the background (prefetch, or a stale entry in `immediate` mode):
   * the rest of the chain answers a copy of the query with AD set (so the upstream says
   * whether it validated) through a writer that only stores. The new entry inherits the
   * old one's popularity. Errors end the refresh and are logged at debug level only: the
   * client was answered already.
   */
  #refresh(req: Request, item: CacheItem, key: CacheKey, now: number, stale: boolean): void {
    this.metrics.prefetched(this.metrics.series(req.server));
    const recheck = stale ? this.config.serveStale.failureRecheckMs : 0;
    const query: Message = { ...req.msg, flags: req.msg.flags | Flag.AD };
    const cw = new CachingWriter(this, req, req.w, key, req.do, true, true);
    const refreshReq = new Request(query, cw, req.zone);
    // The refresh counts under the client's listener and may resolve upstream like it;
    // nobody traces or tracks it.
    refreshReq.server = req.server;
    refreshReq.resolver = req.resolver;
    refreshReq.depth = req.depth;
    cw.req = refreshReq;
    const vw = stale ? new VerifyStaleWriter(cw) : undefined;

    const finish = (): void => {
      // A prefetch counts as done whatever came back; a stale refresh only when it
      // brought an answer that may replace the stale entry.
      const refreshed = vw === undefined || vw.refreshed;
      item.endRefresh(this.#now(), recheck, refreshed);
      if (!refreshed) return;
      const fresh = this.peek(key);
      if (fresh !== undefined) {
        fresh.hits = item.hits;
        fresh.lastHit = now;
      }
    };
    const failed = (e: unknown): void => {
      log.debug(`refreshing ${describe(key)}: ${e instanceof Error ? e.message : String(e)}`);
      finish();
    };
    try {
      const result = nextOrFailure(this.name, this.next, refreshReq, vw ?? cw);
      if (typeof result === 'number') finish();
      else result.then(finish, failed);
    } catch (e) {
      failed(e);
    }
  }

  /** The response's cache duration in whole seconds, by kind and the configured limits. */
  #duration(res: Message, kind: ResponseType): number {
    const { success, denial } = this.config;
    switch (kind) {
      case ResponseType.NameError:
      case ResponseType.NoData:
        return clampTtl(minimalTtl(res, kind, denial.maxTtl), denial.minTtl, denial.maxTtl);
      case ResponseType.ServerError:
        return this.config.servfailTtl;
      default:
        return clampTtl(minimalTtl(res, kind, success.maxTtl), success.minTtl, success.maxTtl);
    }
  }

  /** See ResponseStore. */
  store(
    res: Message,
    req: Request,
    key: CacheKey,
    dnssecOk: boolean,
    authenticatedData: boolean,
  ): { response: Message; item: CacheItem | undefined } {
    const kind = cacheKind(res, this.#wall());
    let item: CacheItem | undefined;
    if (isCacheable(res, kind)) {
      const duration = this.#duration(res, kind);
      if (duration > 0) {
        if (req.matches(res)) item = this.#set(res, req, key, kind, duration);
        else this.metrics.dropped(this.metrics.series(req.server));
      }
    }
    let response = item === undefined ? res : item.asFirstResponse(res);
    // RFC 6840 5.7-5.8: AD only for a client that showed it understands it (DO or AD).
    if (!dnssecOk && !authenticatedData && (response.flags & Flag.AD) !== 0) {
      response = { ...response, flags: response.flags & ~Flag.AD };
    }
    return { response, item };
  }

  /**
   * Stores a response as an item of the success or denial cache. The newest definitive
   * answer wins: a positive answer removes a denial and a denial removes a positive
   * answer, except that a SERVFAIL never displaces a positive answer, and under
   * `prefer_positive` only an answering positive answer removes anything.
   */
  #set(
    res: Message,
    req: Request,
    key: CacheKey,
    kind: ResponseType,
    duration: number,
  ): CacheItem | undefined {
    const { disabledSuccess, disabledDenial } = this.config;
    const positive = kind === ResponseType.NoError || kind === ResponseType.Delegation;
    const disabled = positive ? disabledSuccess : disabledDenial;
    if (disabled.length > 0 && matchZone(disabled, req.name) !== undefined) return undefined;

    const item = new CacheItem(res, this.#now(), duration);
    item.wildcard = req.metadata('zone/wildcard') ?? '';
    const series = this.metrics.series(req.server);
    if (positive) {
      if (this.preferPositive && !item.answering) {
        item.lastKnownGood = this.#positive.get(key.name, key.qtype, key.qclass, key.bits)?.answeringItem();
      }
      if (this.#positive.set(key, item)) this.metrics.evicted(series, 'success');
      if (!this.preferPositive || item.answering) this.#negative.delete(key);
    } else {
      if (this.#negative.set(key, item)) this.metrics.evicted(series, 'denial');
      if (kind !== ResponseType.ServerError && !this.preferPositive) this.#positive.delete(key);
    }
    this.metrics.sized(series);
    return item;
  }

  wallSeconds(): number {
    return this.#wall();
  }

  /** The entry for a question, fresh or not, denial first (for refreshes and tests; counts nothing). */
  peek(key: CacheKey): CacheItem | undefined {
    const { name, qtype, qclass, bits } = key;
    return this.#negative.get(name, qtype, qclass, bits) ?? this.#positive.get(name, qtype, qclass, bits);
  }
}

function describe(key: CacheKey): string {
  return `${key.name} ${key.qclass} ${key.qtype} (DO ${key.bits & 1}, CD ${key.bits >> 1})`;
}

function usable(item: CacheItem, now: number, maxStaleSeconds: number): boolean {
  const ttl = item.ttl(now);
  return ttl > 0 || (maxStaleSeconds > 0 && -ttl < maxStaleSeconds);
}
