export { Counter, CounterFamily } from './counter.js';
export { Gauge, GaugeFamily } from './gauge.js';
export { Histogram, HistogramFamily, type HistogramOptions } from './histogram.js';
export {
  MetricDefinitionError,
  MetricFamily,
  MetricLabelError,
  type FamilySnapshot,
  type MetricOptions,
  type MetricType,
  type Sample,
} from './family.js';
export {
  METRICS_CONTENT_TYPE,
  collectProcessMetrics,
  defineCounter,
  defineGauge,
  defineHistogram,
  metricFamily,
  metricsRegistry,
  metricsText,
} from './registry.js';
export { SIZE_BUCKETS, SLIM_TIME_BUCKETS, TIME_BUCKETS, exponentialBuckets } from './buckets.js';
export { formatFloat } from './format.js';
export {
  DROPPED_ZONE,
  buildInfo,
  dnsDoRequests,
  dnsRequestDuration,
  dnsRequestSize,
  dnsRequests,
  dnsResponseSize,
  dnsResponses,
  familyLabel,
  panics,
  pluginEnabled,
  protoLabel,
  qtypeLabel,
  MONITORED_QTYPES,
  reportQuery,
  serverLabel,
  type QueryReport,
} from './dns.js';
export { CORE_VERSION, recordBuildInfo } from './build-info.js';
