import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { HistogramFamily } from './histogram.js';
import { MetricDefinitionError } from './family.js';
import { SIZE_BUCKETS, SLIM_TIME_BUCKETS, TIME_BUCKETS, exponentialBuckets } from './buckets.js';

describe('HistogramFamily', () => {
  it('counts each observation in the first bucket whose bound is not below it', () => {
    const h = new HistogramFamily({ name: 'h_seconds', help: 'h', buckets: [1, 2, 5] }).labels();
    for (const v of [0, 1, 1.5, 2, 4.9, 5, 5.1, 100]) h.observe(v);
    expect([...h.counts]).toEqual([2, 2, 2, 2]);
    expect(h.cumulative(0)).toBe(2);
    expect(h.cumulative(3)).toBe(8);
    expect(h.count).toBe(8);
    expect(h.sum).toBeCloseTo(119.5);
  });

  it('writes cumulative _bucket series with le labels, then _sum and _count', async () => {
    const f = new HistogramFamily({ name: 'x_bytes', help: 'h', labelNames: ['p'], buckets: [0, 100, 16e3] });
    const h = f.labels('udp');
    h.observe(0);
    h.observe(50);
    h.observe(20000);
    const values = (await f.get()).values;
    expect(values).toEqual([
      { metricName: 'x_bytes_bucket', value: 1, labels: { p: 'udp', le: '0' } },
      { metricName: 'x_bytes_bucket', value: 2, labels: { p: 'udp', le: '100' } },
      { metricName: 'x_bytes_bucket', value: 2, labels: { p: 'udp', le: '16000' } },
      { metricName: 'x_bytes_bucket', value: 3, labels: { p: 'udp', le: '+Inf' } },
      { metricName: 'x_bytes_sum', value: 20050, labels: { p: 'udp' } },
      { metricName: 'x_bytes_count', value: 3, labels: { p: 'udp' } },
    ]);
  });

  it('keeps cumulative counts monotonic and ending at the count, for any observations', () => {
    fc.assert(
      fc.property(fc.array(fc.double({ noNaN: true, min: -1e6, max: 1e6 }), { maxLength: 100 }), (xs) => {
        const h = new HistogramFamily({ name: 'p_seconds', help: 'h', buckets: TIME_BUCKETS }).labels();
        for (const x of xs) h.observe(x);
        let last = 0;
        for (let i = 0; i <= TIME_BUCKETS.length; i++) {
          const c = h.cumulative(i);
          expect(c).toBeGreaterThanOrEqual(last);
          if (i < TIME_BUCKETS.length) expect(c).toBe(xs.filter((x) => x <= TIME_BUCKETS[i]).length);
          last = c;
        }
        expect(last).toBe(xs.length);
      }),
    );
  });

  it('rejects bad buckets and the reserved le label', () => {
    const opts = { name: 'b', help: 'h' };
    expect(() => new HistogramFamily({ ...opts, buckets: [] })).toThrow(MetricDefinitionError);
    expect(() => new HistogramFamily({ ...opts, buckets: [1, 1] })).toThrow(/increasing/);
    expect(() => new HistogramFamily({ ...opts, buckets: [2, 1] })).toThrow(/increasing/);
    expect(() => new HistogramFamily({ ...opts, buckets: [1, Infinity] })).toThrow(/finite/);
    expect(() => new HistogramFamily({ ...opts, labelNames: ['le'], buckets: [1] })).toThrow(/reserved/);
  });
});

describe('CoreDNS bucket sets', () => {
  it('TIME_BUCKETS doubles from 0.25 ms to 8.192 s, as plugin.TimeBuckets', async () => {
    expect(TIME_BUCKETS).toHaveLength(16);
    const f = new HistogramFamily({ name: 't_seconds', help: 'h', buckets: TIME_BUCKETS });
    f.labels();
    const les = (await f.get()).values.filter((v) => v.labels.le !== undefined).map((v) => v.labels.le);
    expect(les).toEqual([
      '0.00025',
      '0.0005',
      '0.001',
      '0.002',
      '0.004',
      '0.008',
      '0.016',
      '0.032',
      '0.064',
      '0.128',
      '0.256',
      '0.512',
      '1.024',
      '2.048',
      '4.096',
      '8.192',
      '+Inf',
    ]);
  });

  it("SLIM_TIME_BUCKETS and SIZE_BUCKETS are CoreDNS's", () => {
    expect(SLIM_TIME_BUCKETS).toEqual([0.00025, 0.0025, 0.025, 0.25, 2.5]);
    expect(SIZE_BUCKETS).toEqual([
      0, 100, 200, 300, 400, 511, 1023, 2047, 4095, 8291, 16000, 32000, 48000, 64000,
    ]);
  });

  it('exponentialBuckets checks its arguments', () => {
    expect(exponentialBuckets(1, 2, 3)).toEqual([1, 2, 4]);
    expect(() => exponentialBuckets(0, 2, 3)).toThrow(RangeError);
    expect(() => exponentialBuckets(1, 1, 3)).toThrow(RangeError);
    expect(() => exponentialBuckets(1, 2, 0)).toThrow(RangeError);
  });
});
