import { MetricFamily, type MetricOptions, type MetricType, type Sample } from './family.js';

/** One counter series: a number that only goes up (until the process restarts). */
export class Counter {
  value = 0;

  /** Adds `n` (default 1); a negative or NaN amount throws, as a counter cannot go down. */
  inc(n = 1): void {
    if (!(n >= 0)) throw new RangeError(`a counter cannot be increased by ${n}`);
    this.value += n;
  }
}

/** A counter family (Prometheus type "counter"); names end in `_total` by convention. */
export class CounterFamily extends MetricFamily<Counter> {
  readonly type: MetricType = 'counter';

  constructor(options: MetricOptions) {
    super(options);
    this.initSingle();
  }

  protected newChild(): Counter {
    return new Counter();
  }

  protected samples(labels: Record<string, string>, child: Counter, out: Sample[]): void {
    out.push({ value: child.value, labels });
  }
}
