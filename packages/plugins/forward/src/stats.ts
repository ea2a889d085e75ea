/**
 * The counters of CoreDNS's forward metrics (coredns_proxy_request_duration_seconds,
 * coredns_proxy_healthcheck_failures_total, coredns_proxy_conn_cache_hits_total and
 * _misses_total, coredns_forward_healthcheck_broken_total,
 * coredns_forward_max_concurrent_rejects_total): each event updates the exported series
 * (metrics.ts, looked up once per upstream) and this instance's own plain numbers, which
 * tests and tools read without the process-wide series that instances share.
 */
import { rcodeToString, type Counter, type Histogram } from '@tsdns/core';
import {
  PROXY_NAME,
  connCacheHits,
  connCacheMisses,
  healthcheckBroken,
  healthcheckFailures,
  maxConcurrentRejects,
  requestDuration,
} from './metrics.js';

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
  readonly #durations = new Map<number, Histogram>();
  readonly #failures: Counter;
  readonly #hits: Record<ConnProto, Counter>;
  readonly #misses: Record<ConnProto, Counter>;

  constructor(
    /** The upstream's host:port, the `to` label. */
    readonly to: string,
  ) {
    this.#failures = healthcheckFailures.labels(PROXY_NAME, to);
    this.#hits = {
      udp: connCacheHits.labels(PROXY_NAME, to, 'udp'),
      tcp: connCacheHits.labels(PROXY_NAME, to, 'tcp'),
      'tcp-tls': connCacheHits.labels(PROXY_NAME, to, 'tcp-tls'),
    };
    this.#misses = {
      udp: connCacheMisses.labels(PROXY_NAME, to, 'udp'),
      tcp: connCacheMisses.labels(PROXY_NAME, to, 'tcp'),
      'tcp-tls': connCacheMisses.labels(PROXY_NAME, to, 'tcp-tls'),
    };
  }

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
    let exported = this.#durations.get(rcode);
    if (exported === undefined) {
      exported = requestDuration.labels(PROXY_NAME, this.to, rcodeToString(rcode));
      this.#durations.set(rcode, exported);
    }
    exported.observe(seconds);
  }

  healthcheckFailed(): void {
    this.healthcheckFailures++;
    this.#failures.inc();
  }

  /** An exchange reused an open socket. */
  connCacheHit(proto: ConnProto): void {
    this.connCacheHits[proto]++;
    this.#hits[proto].inc();
  }

  /** An exchange had to open a socket first. */
  connCacheMiss(proto: ConnProto): void {
    this.connCacheMisses[proto]++;
    this.#misses[proto].inc();
  }
}

/** Counters of one `forward` instance as a whole. */
export class ForwardStats {
  /** Times every upstream was down and one was picked at random (or failfast refused). */
  healthcheckBroken = 0;
  /** Queries refused because max_concurrent were already in flight. */
  maxConcurrentRejects = 0;

  /** Every upstream was down: one is picked at random (or failfast refuses). */
  broken(): void {
    this.healthcheckBroken++;
    healthcheckBroken.inc();
  }

  /** A query was refused at max_concurrent. */
  rejected(): void {
    this.maxConcurrentRejects++;
    maxConcurrentRejects.inc();
  }
}
