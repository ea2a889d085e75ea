import { MetricFamily, type MetricOptions, type MetricType, type Sample } from './family.js';

/** One gauge series: a number that goes up and down. */
export class Gauge {
  value = 0;

  set(v: number): void {
    this.value = v;
  }

  inc(n = 1): void {
    this.value += n;
  }

  dec(n = 1): void {
    this.value -= n;
  }
}

/** A gauge family (Prometheus type "gauge"). */
export class GaugeFamily extends MetricFamily<Gauge> {
  readonly type: MetricType = 'gauge';

  constructor(options: MetricOptions) {
    super(options);
    this.initSingle();
  }

  protected newChild(): Gauge {
    return new Gauge();
  }

  protected samples(labels: Record<string, string>, child: Gauge, out: Sample[]): void {
    out.push({ value: child.value, labels });
  }
}
