import { describe, expect, it } from 'vitest';
import { CounterFamily } from './counter.js';
import { GaugeFamily } from './gauge.js';
import { MetricDefinitionError, MetricLabelError } from './family.js';

describe('MetricFamily', () => {
  it('returns the same child for the same label values, another for other values', () => {
    const f = new CounterFamily({ name: 'a_total', help: 'h', labelNames: ['x', 'y'] });
    const c = f.labels('1', '2');
    expect(f.labels('1', '2')).toBe(c);
    expect(f.child(['1', '2'])).toBe(c);
    expect(f.labels('1', '3')).not.toBe(c);
    expect(f.labels('2', '2')).not.toBe(c);
    // label values are not joined into one key: ("a,b","c") and ("a","b,c") stay apart
    expect(f.labels('a\u0000b', 'c')).not.toBe(f.labels('a', '\u0000bc'));
  });

  it('keeps one series for a family without labels, there from the start', () => {
    const f = new CounterFamily({ name: 'b_total', help: 'h' });
    expect(f.series().map((s) => s.child.value)).toEqual([0]);
    f.labels().inc();
    f.labels().inc(2);
    expect(f.series().map((s) => s.child.value)).toEqual([3]);
  });

  it('rejects a wrong number of label values', () => {
    const f = new CounterFamily({ name: 'c_total', help: 'h', labelNames: ['x'] });
    expect(() => f.labels()).toThrow(MetricLabelError);
    expect(() => f.labels('1', '2')).toThrow(/has 1 labels \(x\), got 2 values/);
  });

  it('rejects invalid metric and label names', () => {
    expect(() => new CounterFamily({ name: '1abc', help: 'h' })).toThrow(MetricDefinitionError);
    expect(() => new CounterFamily({ name: 'a-b', help: 'h' })).toThrow(MetricDefinitionError);
    expect(() => new CounterFamily({ name: 'a', help: 'h', labelNames: ['__x'] })).toThrow(
      /invalid label name/,
    );
    expect(() => new CounterFamily({ name: 'a', help: 'h', labelNames: ['x-y'] })).toThrow(
      /invalid label name/,
    );
    expect(() => new CounterFamily({ name: 'a', help: 'h', labelNames: ['x', 'x'] })).toThrow(/duplicate/);
  });

  it('removes one series, and a later lookup starts a new one', () => {
    const f = new GaugeFamily({ name: 'd', help: 'h', labelNames: ['x', 'y'] });
    f.labels('a', '1').set(1);
    f.labels('a', '2').set(2);
    f.labels('b', '1').set(3);
    expect(f.remove('a', '1')).toBe(true);
    expect(f.remove('a', '1')).toBe(false);
    expect(f.has('a', '1')).toBe(false);
    expect(f.has('a', '2')).toBe(true);
    expect(f.series().map((s) => [s.values, s.child.value])).toEqual([
      [['a', '2'], 2],
      [['b', '1'], 3],
    ]);
    expect(f.labels('a', '1').value).toBe(0);
    expect(f.labels('a', '2').value).toBe(2);
  });

  it('resets every series', () => {
    const f = new CounterFamily({ name: 'e_total', help: 'h', labelNames: ['x'] });
    f.labels('a').inc();
    f.reset();
    expect(f.series()).toEqual([]);
    expect(f.labels('a').value).toBe(0);
  });

  it('runs collect functions before each snapshot, until they are removed', async () => {
    const f = new GaugeFamily({ name: 'f', help: 'h', labelNames: ['x'] });
    let size = 1;
    const stop = f.onCollect(() => f.labels('a').set(size));
    expect((await f.get()).values).toEqual([{ value: 1, labels: { x: 'a' } }]);
    size = 5;
    expect((await f.get()).values).toEqual([{ value: 5, labels: { x: 'a' } }]);
    stop();
    size = 9;
    expect((await f.get()).values).toEqual([{ value: 5, labels: { x: 'a' } }]);
  });

  it('snapshots in the shape prom-client formats', async () => {
    const f = new CounterFamily({ name: 'g_total', help: 'Help.', labelNames: ['x', 'y'] });
    f.labels('1', '2').inc(4);
    expect(await f.get()).toEqual({
      name: 'g_total',
      help: 'Help.',
      type: 'counter',
      aggregator: 'sum',
      values: [{ value: 4, labels: { x: '1', y: '2' } }],
    });
  });
});

describe('Counter and Gauge', () => {
  it('counts up only', () => {
    const c = new CounterFamily({ name: 'h_total', help: 'h' }).labels();
    c.inc();
    c.inc(2.5);
    expect(c.value).toBe(3.5);
    expect(() => c.inc(-1)).toThrow(RangeError);
    expect(() => c.inc(NaN)).toThrow(RangeError);
    expect(c.value).toBe(3.5);
  });

  it('goes both ways', () => {
    const g = new GaugeFamily({ name: 'i', help: 'h' }).labels();
    g.set(10);
    g.inc();
    g.dec(3);
    expect(g.value).toBe(8);
  });
});
