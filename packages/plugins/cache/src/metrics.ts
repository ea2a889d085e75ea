import { defineCounter, defineGauge, type Counter, type Gauge } from '@tsdns/core';

/*
 * The cache's metrics under CoreDNS's names and labels, declared in core's registry (the
 * *prometheus* plugin serves it). `server` is the listener (`dns://:53`), `type` is
 * "success" or "denial", `zones` the cache's zones joined by commas, `view` empty (tsdns
 * has no views yet). Declaring is idempotent, so counters carry on across reloads.
 */
const SERVER_ZONES_VIEW = ['server', 'zones', 'view'];
const SERVER_TYPE_ZONES_VIEW = ['server', 'type', 'zones', 'view'];

const entriesFamily = defineGauge({
  name: 'coredns_cache_entries',
  help: 'Entries held in the cache, by cache type.',
  labelNames: SERVER_TYPE_ZONES_VIEW,
});
const requestsFamily = defineCounter({
  name: 'coredns_cache_requests_total',
  help: 'Queries the cache looked up.',
  labelNames: SERVER_ZONES_VIEW,
});
const hitsFamily = defineCounter({
  name: 'coredns_cache_hits_total',
  help: 'Queries answered from the cache, by cache type.',
  labelNames: SERVER_TYPE_ZONES_VIEW,
});
const missesFamily = defineCounter({
  name: 'coredns_cache_misses_total',
  help: 'Queries the cache could not answer (deprecated: requests minus hits).',
  labelNames: SERVER_ZONES_VIEW,
});
const prefetchFamily = defineCounter({
  name: 'coredns_cache_prefetch_total',
  help: 'Background refreshes of cached entries.',
  labelNames: SERVER_ZONES_VIEW,
});
const dropsFamily = defineCounter({
  name: 'coredns_cache_drops_total',
  help: 'Responses not cached because they answered another question than the one asked.',
  labelNames: SERVER_ZONES_VIEW,
});
const servedStaleFamily = defineCounter({
  name: 'coredns_cache_served_stale_total',
  help: 'Queries answered from expired cache entries.',
  labelNames: SERVER_ZONES_VIEW,
});
const evictionsFamily = defineCounter({
  name: 'coredns_cache_evictions_total',
  help: 'Entries evicted to make room, by cache type.',
  labelNames: SERVER_TYPE_ZONES_VIEW,
});

/** The exported series of one cache on one listener, looked up once and then kept. */
export class CacheSeries {
  readonly requests: Counter;
  readonly misses: Counter;
  readonly hitsSuccess: Counter;
  readonly hitsDenial: Counter;
  readonly prefetch: Counter;
  readonly drops: Counter;
  readonly servedStale: Counter;
  readonly evictionsSuccess: Counter;
  readonly evictionsDenial: Counter;
  readonly entriesSuccess: Gauge;
  readonly entriesDenial: Gauge;

  constructor(server: string, zones: string) {
    this.requests = requestsFamily.labels(server, zones, '');
    this.misses = missesFamily.labels(server, zones, '');
    this.hitsSuccess = hitsFamily.labels(server, 'success', zones, '');
    this.hitsDenial = hitsFamily.labels(server, 'denial', zones, '');
    this.prefetch = prefetchFamily.labels(server, zones, '');
    this.drops = dropsFamily.labels(server, zones, '');
    this.servedStale = servedStaleFamily.labels(server, zones, '');
    this.evictionsSuccess = evictionsFamily.labels(server, 'success', zones, '');
    this.evictionsDenial = evictionsFamily.labels(server, 'denial', zones, '');
    this.entriesSuccess = entriesFamily.labels(server, 'success', zones, '');
    this.entriesDenial = entriesFamily.labels(server, 'denial', zones, '');
  }
}

/**
 * One cache's counters: the exported series per listener (`series`), and this cache's own
 * totals (the plain fields), which tests and tools read without the process-wide series
 * that every cache with the same labels shares.
 */
export class CacheMetrics {
  requests = 0;
  misses = 0;
  /** Background refreshes started (prefetch, and refreshes of stale entries). */
  prefetch = 0;
  /** Cacheable responses not stored because they did not answer the query's question. */
  drops = 0;
  servedStale = 0;
  readonly hits = { success: 0, denial: 0 };
  readonly evictions = { success: 0, denial: 0 };

  readonly #series = new Map<string, CacheSeries>();

  constructor(
    /** The `zones` label: the cache's zones joined by commas. */
    readonly zones: string,
    private readonly sizes: { success(): number; denial(): number },
  ) {}

  /** The exported series for queries that came in on listener `server`. */
  series(server: string): CacheSeries {
    let s = this.#series.get(server);
    if (s === undefined) {
      s = new CacheSeries(server, this.zones);
      this.#series.set(server, s);
    }
    return s;
  }

  /** The number of entries in the success or denial cache now. */
  entries(type: 'success' | 'denial'): number {
    return type === 'success' ? this.sizes.success() : this.sizes.denial();
  }

  request(s: CacheSeries): void {
    this.requests++;
    s.requests.inc();
  }

  miss(s: CacheSeries): void {
    this.misses++;
    s.misses.inc();
  }

  hit(s: CacheSeries, type: 'success' | 'denial'): void {
    if (type === 'success') {
      this.hits.success++;
      s.hitsSuccess.inc();
    } else {
      this.hits.denial++;
      s.hitsDenial.inc();
    }
  }

  prefetched(s: CacheSeries): void {
    this.prefetch++;
    s.prefetch.inc();
  }

  dropped(s: CacheSeries): void {
    this.drops++;
    s.drops.inc();
  }

  stale(s: CacheSeries): void {
    this.servedStale++;
    s.servedStale.inc();
  }

  evicted(s: CacheSeries, type: 'success' | 'denial'): void {
    if (type === 'success') {
      this.evictions.success++;
      s.evictionsSuccess.inc();
    } else {
      this.evictions.denial++;
      s.evictionsDenial.inc();
    }
  }

  /** Publishes the cache sizes on `s` (after every store, as CoreDNS does). */
  sized(s: CacheSeries): void {
    s.entriesSuccess.set(this.sizes.success());
    s.entriesDenial.set(this.sizes.denial());
  }
}
