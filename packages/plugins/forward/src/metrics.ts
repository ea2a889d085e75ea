import { TIME_BUCKETS, defineCounter, defineHistogram, type Counter } from '@tsdns/core';

/*
 * forward's metrics under CoreDNS's names and labels, declared in core's registry (the
 * *prometheus* plugin serves it). CoreDNS counts its upstream exchanges in the proxy
 * package it shares with other plugins, hence the coredns_proxy_* names with
 * proxy_name="forward"; `to` is the upstream's host:port. Declaring is idempotent, so
 * counters carry on across reloads.
 */
export const PROXY_NAME = 'forward';

export const requestDuration = defineHistogram({
  name: 'coredns_proxy_request_duration_seconds',
  help: 'Histogram of the time each request took.',
  labelNames: ['proxy_name', 'to', 'rcode'],
  buckets: TIME_BUCKETS,
});

export const healthcheckFailures = defineCounter({
  name: 'coredns_proxy_healthcheck_failures_total',
  help: 'Counter of the number of failed healthchecks.',
  labelNames: ['proxy_name', 'to'],
});

export const connCacheHits = defineCounter({
  name: 'coredns_proxy_conn_cache_hits_total',
  help: 'Counter of connection cache hits per upstream and protocol.',
  labelNames: ['proxy_name', 'to', 'proto'],
});

export const connCacheMisses = defineCounter({
  name: 'coredns_proxy_conn_cache_misses_total',
  help: 'Counter of connection cache misses per upstream and protocol.',
  labelNames: ['proxy_name', 'to', 'proto'],
});

export const healthcheckBroken: Counter = defineCounter({
  name: 'coredns_forward_healthcheck_broken_total',
  help: 'Counter of the number of complete failures of the healthchecks.',
}).labels();

export const maxConcurrentRejects: Counter = defineCounter({
  name: 'coredns_forward_max_concurrent_rejects_total',
  help: 'Counter of the number of queries rejected because the concurrent queries were at maximum.',
}).labels();
