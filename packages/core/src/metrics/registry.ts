/**
 * The process's one metrics registry (prom-client's Registry) and the facade plugins
 * declare their metrics through. Every plugin declares its own families here, without
 * depending on the prometheus plugin, which only serves the registry over HTTP.
 *
 * Declaring is idempotent: setup runs again on every reload, and the second declaration
 * of a family returns the first, so counters keep counting across reloads as CoreDNS's
 * global metric variables do. A declaration that disagrees with an earlier one (another
 * type, other labels, buckets or help) is a programming error and throws.
 */
import { createRequire } from 'node:module';
import { Registry, type Metric } from 'prom-client';
import { CounterFamily } from './counter.js';
import { MetricDefinitionError, type MetricFamily, type MetricOptions } from './family.js';
import { GaugeFamily } from './gauge.js';
import { HistogramFamily, type HistogramOptions } from './histogram.js';

/** The registry `/metrics` serves. Plugins declare families with the functions below. */
export const metricsRegistry: Registry = new Registry();

/** The Content-Type of `metricsText()`: Prometheus's text exposition format 0.0.4. */
export const METRICS_CONTENT_TYPE: string = Registry.PROMETHEUS_CONTENT_TYPE;

const families = new Map<string, MetricFamily<unknown>>();

function declare<F extends MetricFamily<unknown>>(
  options: MetricOptions,
  make: () => F,
  same: (existing: MetricFamily<unknown>) => existing is F,
  describe: string,
): F {
  const existing = families.get(options.name);
  if (existing !== undefined) {
    if (
      !same(existing) ||
      !sameLabels(existing.labelNames, options.labelNames ?? []) ||
      existing.help !== options.help
    ) {
      throw new MetricDefinitionError(
        `metric ${options.name} is already declared as a ${existing.type} with labels ` +
          `(${existing.labelNames.join(', ')}); a second declaration (${describe}, labels ` +
          `(${(options.labelNames ?? []).join(', ')})) must have the same type, labels, help and buckets`,
      );
    }
    return existing;
  }
  if (metricsRegistry.getSingleMetric(options.name) !== undefined)
    throw new MetricDefinitionError(`metric ${options.name} is already registered by the process collectors`);
  const family = make();
  // prom-client's registry reads any object with name, help, type and get(); its typings
  // only name its own classes.
  metricsRegistry.registerMetric(family as unknown as Metric);
  families.set(options.name, family);
  return family;
}

function sameLabels(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((l, i) => l === b[i]);
}

/** Declares (or returns the already declared) counter family `options.name`. */
export function defineCounter(options: MetricOptions): CounterFamily {
  return declare(
    options,
    () => new CounterFamily(options),
    (f) => f instanceof CounterFamily,
    'counter',
  );
}

/** Declares (or returns the already declared) gauge family `options.name`. */
export function defineGauge(options: MetricOptions): GaugeFamily {
  return declare(
    options,
    () => new GaugeFamily(options),
    (f) => f instanceof GaugeFamily,
    'gauge',
  );
}

/** Declares (or returns the already declared) histogram family; the buckets must match too. */
export function defineHistogram(options: HistogramOptions): HistogramFamily {
  return declare(
    options,
    () => new HistogramFamily(options),
    (f): f is HistogramFamily => f instanceof HistogramFamily && sameBuckets(f.buckets, options.buckets),
    'histogram',
  );
}

function sameBuckets(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i]);
}

/** A declared family by name, for tests and tools. */
export function metricFamily(name: string): MetricFamily<unknown> | undefined {
  return families.get(name);
}

/** Every metric of the registry in the text exposition format. */
export function metricsText(): Promise<string> {
  return metricsRegistry.metrics();
}

let processMetrics = false;

/**
 * prom-client's default collectors (its collectDefaultMetrics), all but the garbage
 * collection histogram: that one is a PerformanceObserver called after every collection,
 * and a DNS server under load collects its young generation hundreds of times a second;
 * measured with whoami at 60k queries per second, it cost 0.3 to 0.5 us per query, about
 * 5% of the throughput. The modules are prom-client's own (the version is pinned, and a
 * test checks each metric is there).
 */
const PROCESS_COLLECTORS = [
  'processCpuTotal',
  'processStartTime',
  'osMemoryHeap',
  'processOpenFileDescriptors',
  'processMaxFileDescriptors',
  'eventLoopLag',
  'processResources',
  'processHandles',
  'processRequests',
  'heapSizeAndUsed',
  'heapSpacesSizeAndUsed',
  'version',
] as const;

type Collector = (registry: Registry, config: { eventLoopMonitoringPrecision: number }) => void;

/**
 * Adds the process and Node.js runtime metrics to the registry, once per process. Their
 * process_* names are those of the Go client's process collector that CoreDNS exports
 * (process_cpu_seconds_total, process_open_fds, process_max_fds,
 * process_resident_memory_bytes, process_virtual_memory_bytes,
 * process_start_time_seconds); Node's own runtime metrics are nodejs_* where CoreDNS has
 * go_*.
 */
export function collectProcessMetrics(): void {
  if (processMetrics) return;
  processMetrics = true;
  const load = createRequire(import.meta.url);
  for (const name of PROCESS_COLLECTORS) {
    // processResources needs process.getActiveResourcesInfo (Node 17+), as prom-client checks.
    if (name === 'processResources' && typeof process.getActiveResourcesInfo !== 'function') continue;
    (load(`prom-client/lib/metrics/${name}`) as Collector)(metricsRegistry, {
      eventLoopMonitoringPrecision: 10,
    });
  }
}
