import { SLIM_TIME_BUCKETS, defineCounter, defineHistogram } from '@tsdns/core';

/**
 * The health plugin's metrics (CoreDNS's names). They have no `server` label: being slow
 * to answer is a symptom of the whole process, not of one server.
 */
export const healthDuration = defineHistogram({
  name: 'coredns_health_request_duration_seconds',
  help: 'Histogram of the time (in seconds) each request took.',
  buckets: SLIM_TIME_BUCKETS,
}).labels();

export const healthFailures = defineCounter({
  name: 'coredns_health_request_failures_total',
  help: 'The number of times the health check failed.',
}).labels();
