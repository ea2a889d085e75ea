import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { defineCounter, defineGauge, defineHistogram, metricsText } from '@tsdns/core';
import { ExpositionParseError, parseExposition } from './exposition.js';

const SCRAPE = `# HELP coredns_dns_requests_total Counter of DNS requests made per zone, protocol and family.
# TYPE coredns_dns_requests_total counter
coredns_dns_requests_total{server="dns://:53",zone=".",view="",proto="udp",family="1",type="A"} 3
coredns_dns_requests_total{server="dns://:53",zone=".",view="",proto="tcp",family="1",type="A"} 1

# HELP d Histogram.
# TYPE d histogram
d_bucket{le="0.00025"} 1
d_bucket{le="+Inf"} 2
d_sum 0.5
d_count 2
# a plain comment
odd{a="x\\"y\\\\z\\nw",} NaN 1700000000000
`;

describe('parseExposition', () => {
  it('reads families, help, types, labels and values', () => {
    const m = parseExposition(SCRAPE);
    const req = m.families.get('coredns_dns_requests_total');
    expect(req?.type).toBe('counter');
    expect(req?.help).toBe('Counter of DNS requests made per zone, protocol and family.');
    expect(m.value('coredns_dns_requests_total', { proto: 'udp' })).toBe(3);
    expect(m.sum('coredns_dns_requests_total', { type: 'A' })).toBe(4);
    expect(m.value('coredns_dns_requests_total', { proto: 'doh' })).toBeUndefined();
    expect(() => m.value('coredns_dns_requests_total')).toThrow(/2 samples/);
  });

  it('groups histogram series under their family and reads +Inf, NaN, escapes and timestamps', () => {
    const m = parseExposition(SCRAPE);
    expect(m.families.get('d')?.samples.map((s) => s.name)).toEqual([
      'd_bucket',
      'd_bucket',
      'd_sum',
      'd_count',
    ]);
    expect(m.value('d_bucket', { le: '+Inf' })).toBe(2);
    const odd = m.find('odd')[0];
    expect(odd.labels).toEqual({ a: 'x"y\\z\nw' });
    expect(odd.value).toBeNaN();
    expect(odd.timestamp).toBe(1700000000000);
  });

  it.each([
    ['a series twice', 'x 1\nx 2\n', /line 2: series x appears twice/],
    ['no value', 'x\n', /line 1: expected a value/],
    ['a bad value', 'x one\n', /bad value/],
    ['an unterminated label value', 'x{a="b} 1\n', /unterminated/],
    ['a bad escape', 'x{a="\\t"} 1\n', /bad escape/],
    ['a repeated label', 'x{a="1",a="2"} 1\n', /repeated/],
    ['an unknown type', '# TYPE x countr\n', /unknown type/],
    ['a TYPE after samples', 'x 1\n# TYPE x counter\n', /after its samples/],
    ['garbage', '{} 1\n', /not a sample/],
  ])('rejects %s', (_what, text, error) => {
    expect(() => parseExposition(text)).toThrow(ExpositionParseError);
    expect(() => parseExposition(text)).toThrow(error);
  });

  it('never throws anything but ExpositionParseError on arbitrary text', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 200 }), (text) => {
        try {
          parseExposition(text);
        } catch (e) {
          expect(e).toBeInstanceOf(ExpositionParseError);
        }
      }),
    );
  });

  it('reads back what the core registry writes, for any label values', async () => {
    const counter = defineCounter({
      name: 'tsdns_test_exposition_total',
      help: 'Test "help" \\ with\nnewline.',
      labelNames: ['v'],
    });
    const gauge = defineGauge({ name: 'tsdns_test_exposition_gauge', help: 'g', labelNames: ['v', 'w'] });
    const hist = defineHistogram({
      name: 'tsdns_test_exposition_seconds',
      help: 'h',
      labelNames: ['v'],
      buckets: [0.1, 1],
    });
    await fc.assert(
      fc.asyncProperty(
        fc.string(),
        fc.string(),
        fc.nat(1000),
        // + 0 turns -0 into 0: the text format writes both as 0
        fc.double({ min: -1e9, max: 1e9, noNaN: true }).map((x) => x + 0),
        async (v, w, n, x) => {
          counter.reset();
          gauge.reset();
          hist.reset();
          counter.labels(v).inc(n);
          gauge.labels(v, w).set(x);
          hist.labels(w).observe(Math.abs(x) / 1e9);
          const m = parseExposition(await metricsText());
          expect(m.families.get('tsdns_test_exposition_total')?.help).toBe('Test "help" \\ with\nnewline.');
          expect(m.value('tsdns_test_exposition_total', { v })).toBe(n);
          expect(m.value('tsdns_test_exposition_gauge', { v, w })).toBe(x);
          expect(m.value('tsdns_test_exposition_seconds_count', { v: w })).toBe(1);
          expect(m.value('tsdns_test_exposition_seconds_bucket', { v: w, le: '+Inf' })).toBe(1);
        },
      ),
      { numRuns: 50 },
    );
  });
});
