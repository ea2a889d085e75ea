import {
  MetricDefinitionError,
  MetricFamily,
  type MetricOptions,
  type MetricType,
  type Sample,
} from './family.js';
import { formatFloat } from './format.js';

export interface HistogramOptions extends MetricOptions {
  /** Upper bounds of the buckets, strictly increasing and finite; +Inf is implied. */
  readonly buckets: readonly number[];
}

/**
 * One histogram series: how many observations fell at or below each bound, their sum and
 * their count. Counts are kept per bucket (not cumulative) so an observation touches one
 * slot; the cumulative `le` series are summed at scrape time.
 */
export class Histogram {
  /** Per-bucket counts; the last slot is the +Inf bucket. */
  readonly counts: Float64Array;
  sum = 0;
  count = 0;

  constructor(private readonly bounds: Float64Array) {
    this.counts = new Float64Array(bounds.length + 1);
  }

  observe(v: number): void {
    const bounds = this.bounds;
    const n = bounds.length;
    let i = 0;
    while (i < n && v > bounds[i]) i++;
    this.counts[i]++;
    this.sum += v;
    this.count++;
  }

  /** Observations at or below the bucket bound at `index` (Prometheus's cumulative count). */
  cumulative(index: number): number {
    let total = 0;
    for (let i = 0; i <= index; i++) total += this.counts[i];
    return total;
  }
}

/** A histogram family (Prometheus type "histogram"): `_bucket{le}`, `_sum` and `_count` series. */
export class HistogramFamily extends MetricFamily<Histogram> {
  readonly type: MetricType = 'histogram';
  readonly buckets: readonly number[];
  readonly #bounds: Float64Array;
  /** The `le` label values, formatted once as Go's client prints them. */
  readonly #le: readonly string[];

  constructor(options: HistogramOptions) {
    super(options);
    if (this.labelNames.includes('le'))
      throw new MetricDefinitionError(`histogram ${options.name}: "le" is reserved for buckets`);
    const b = options.buckets;
    if (b.length === 0) throw new MetricDefinitionError(`histogram ${options.name}: no buckets`);
    for (let i = 0; i < b.length; i++) {
      if (!Number.isFinite(b[i]) || (i > 0 && !(b[i] > b[i - 1])))
        throw new MetricDefinitionError(`histogram ${options.name}: buckets must be finite and increasing`);
    }
    this.buckets = Object.freeze([...b]);
    this.#bounds = Float64Array.from(b);
    this.#le = [...b.map(formatFloat), '+Inf'];
    this.initSingle();
  }

  protected newChild(): Histogram {
    return new Histogram(this.#bounds);
  }

  protected samples(labels: Record<string, string>, child: Histogram, out: Sample[]): void {
    const bucket = `${this.name}_bucket`;
    let total = 0;
    for (let i = 0; i < this.#le.length; i++) {
      total += child.counts[i];
      out.push({ metricName: bucket, value: total, labels: { ...labels, le: this.#le[i] } });
    }
    out.push({ metricName: `${this.name}_sum`, value: child.sum, labels });
    out.push({ metricName: `${this.name}_count`, value: child.count, labels });
  }
}
