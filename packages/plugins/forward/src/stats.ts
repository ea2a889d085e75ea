/**
 * Counters kept for the metrics CoreDNS's forward exports, so that a metrics plugin can
 * publish them under the same names and labels (coredns_proxy_request_duration_seconds,
 * coredns_proxy_healthcheck_failures_total, coredns_proxy_conn_cache_hits_total and
 * _misses_total, coredns_forward_healthcheck_broken_total,
 * coredns_forward_max_concurrent_rejects_total). They are plain numbers updated in place.
 */

/**
 * Upper bounds in seconds of the request-duration histogram's buckets: CoreDNS's
 * plugin.TimeBuckets, 0.25 ms doubling up to 8.192 s.
 */
export const TIME_BUCKETS: readonly number[] = Array.from({ length: 16 }, (_, i) => 0.00025 * 2 ** i);

/** A Prometheus-style histogram over TIME_BUCKETS. */
export class DurationHistogram {
  /** Observations per bucket, not cumulative; the last entry counts those above every bound. */
  readonly buckets: number[] = new Array<number>(TIME_BUCKETS.length + 1).fill(0);
  count = 0;
  /** Sum of the observed durations, in seconds. */
  sum = 0;

  observe(seconds: number): void {
    this.count++;
    this.sum += seconds;
    let i = 0;
    while (i < TIME_BUCKETS.length && seconds > TIME_BUCKETS[i]) i++;
    this.buckets[i]++;
  }
}

/** The `proto` label of the connection-cache counters: CoreDNS's names. */
export type ConnProto = 'udp' | 'tcp' | 'tcp-tls';

/** Per-upstream counters (labels `to` = the upstream's address). */
export class UpstreamStats {
  /** Exchanges started with this upstream, answered or not (coredns_forward_requests_total). */
  requests = 0;
  /** Answers by rcode, with how long each exchange took (coredns_proxy_request_duration_seconds). */
  readonly responses = new Map<number, DurationHistogram>();
  /** Failed health checks (coredns_proxy_healthcheck_failures_total). */
  healthcheckFailures = 0;
  /** Exchanges that reused an open socket, by protocol. */
  readonly connCacheHits: Record<ConnProto, number> = { udp: 0, tcp: 0, 'tcp-tls': 0 };
  /** Exchanges that had to open a socket first, by protocol. */
  readonly connCacheMisses: Record<ConnProto, number> = { udp: 0, tcp: 0, 'tcp-tls': 0 };

  observeResponse(rcode: number, seconds: number): void {
    let h = this.responses.get(rcode);
    if (h === undefined) {
      h = new DurationHistogram();
      this.responses.set(rcode, h);
    }
    h.observe(seconds);
  }
}

/** Counters of one `forward` instance as a whole. */
export class ForwardStats {
  /** Times every upstream was down and one was picked at random (or failfast refused). */
  healthcheckBroken = 0;
  /** Queries refused because max_concurrent were already in flight. */
  maxConcurrentRejects = 0;
}
