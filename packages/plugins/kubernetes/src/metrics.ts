/**
 * The kubernetes plugin's metrics under CoreDNS's names and labels, declared in core's
 * registry (the prometheus plugin serves it):
 *
 *  - coredns_kubernetes_dns_programming_duration_seconds{service_kind}: from an
 *    EndpointSlice change's trigger time (the `endpoints.kubernetes.io/last-change-trigger-time`
 *    annotation) to the moment answers reflect it, the DNS programming latency SLI;
 *  - coredns_kubernetes_rest_client_request_duration_seconds{verb, host} and
 *    coredns_kubernetes_rest_client_requests_total{code, method, host}: the API requests.
 */
import { defineCounter, defineHistogram, exponentialBuckets } from '@tsdns/core';
import type { RequestObserver } from './reflector.js';

/** Prometheus's default buckets (client_golang's DefBuckets), which CoreDNS uses for the rest client. */
const DEFAULT_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

const programmingDuration = defineHistogram({
  name: 'coredns_kubernetes_dns_programming_duration_seconds',
  help: 'Histogram of the time (in seconds) it took to program a dns instance.',
  labelNames: ['service_kind'],
  buckets: exponentialBuckets(0.001, 2, 20),
});

const requestDuration = defineHistogram({
  name: 'coredns_kubernetes_rest_client_request_duration_seconds',
  help: 'Request latency in seconds. Broken down by verb and host.',
  labelNames: ['verb', 'host'],
  buckets: DEFAULT_BUCKETS,
});

const requests = defineCounter({
  name: 'coredns_kubernetes_rest_client_requests_total',
  help: 'Number of HTTP requests, partitioned by status code, method, and host.',
  labelNames: ['code', 'method', 'host'],
});

/** The annotation the EndpointSlice controller sets to when the change was triggered. */
export const TRIGGER_TIME_ANNOTATION = 'endpoints.kubernetes.io/last-change-trigger-time';

/** Records a programming latency for a service of `kind` whose change was triggered at `triggered`. */
export function observeProgramming(
  kind: 'cluster_ip' | 'headless_with_selector',
  triggered: string,
  now = Date.now(),
): boolean {
  const t = Date.parse(triggered);
  if (Number.isNaN(t)) return false;
  programmingDuration.labels(kind).observe(Math.max(0, now - t) / 1000);
  return true;
}

/** Counts and times the API requests made to `host`. */
export function requestObserver(host: string): RequestObserver {
  return {
    request(method, code, seconds) {
      requestDuration.labels(method, host).observe(seconds);
      requests.labels(code, method, host).inc();
    },
  };
}
