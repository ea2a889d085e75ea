/**
 * The cache's counters, kept per cache (one per server block key) for the *prometheus*
 * plugin to export under CoreDNS's names, labelled with `server`, `zones` (the cache's
 * zones joined by commas) and `view`:
 *
 *   coredns_cache_entries{server, type, zones, view}        gauge   entries(type)
 *   coredns_cache_requests_total{server, zones, view}       counter requests
 *   coredns_cache_hits_total{server, type, zones, view}     counter hits[type]
 *   coredns_cache_misses_total{server, zones, view}         counter misses (deprecated upstream)
 *   coredns_cache_prefetch_total{server, zones, view}       counter prefetch
 *   coredns_cache_drops_total{server, zones, view}          counter drops
 *   coredns_cache_served_stale_total{server, zones, view}   counter servedStale
 *   coredns_cache_evictions_total{server, type, zones, view} counter evictions[type]
 *
 * `type` is "success" or "denial". Plain numbers: the hot path only increments fields.
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

  constructor(
    /** The `zones` label: the cache's zones joined by commas. */
    readonly zones: string,
    private readonly sizes: { success(): number; denial(): number },
  ) {}

  /** The number of entries in the success or denial cache now. */
  entries(type: 'success' | 'denial'): number {
    return type === 'success' ? this.sizes.success() : this.sizes.denial();
  }
}
