import { describe, expect, it } from 'vitest';
import {
  METRICS_CONTENT_TYPE,
  collectProcessMetrics,
  defineCounter,
  defineGauge,
  defineHistogram,
  metricFamily,
  metricsText,
} from './registry.js';
import { MetricDefinitionError } from './family.js';
import { dnsRequests, panics, qtypeLabel, reportQuery, serverLabel } from './dns.js';

describe('the process registry', () => {
  it('returns the family already declared for a second identical declaration (a reload)', () => {
    const opts = { name: 'tsdns_test_reg_total', help: 'h', labelNames: ['a'] };
    const first = defineCounter(opts);
    first.labels('x').inc();
    const again = defineCounter({ ...opts, labelNames: ['a'] });
    expect(again).toBe(first);
    expect(again.labels('x').value).toBe(1);
    expect(metricFamily('tsdns_test_reg_total')).toBe(first);
  });

  it('refuses a declaration that disagrees with the first', () => {
    defineCounter({ name: 'tsdns_test_reg2_total', help: 'h', labelNames: ['a'] });
    expect(() => defineGauge({ name: 'tsdns_test_reg2_total', help: 'h', labelNames: ['a'] })).toThrow(
      MetricDefinitionError,
    );
    expect(() => defineCounter({ name: 'tsdns_test_reg2_total', help: 'h', labelNames: ['b'] })).toThrow(
      /already declared as a counter with labels \(a\)/,
    );
    expect(() => defineCounter({ name: 'tsdns_test_reg2_total', help: 'other', labelNames: ['a'] })).toThrow(
      MetricDefinitionError,
    );
    defineHistogram({ name: 'tsdns_test_reg3_seconds', help: 'h', buckets: [1, 2] });
    expect(defineHistogram({ name: 'tsdns_test_reg3_seconds', help: 'h', buckets: [1, 2] }).buckets).toEqual([
      1, 2,
    ]);
    expect(() => defineHistogram({ name: 'tsdns_test_reg3_seconds', help: 'h', buckets: [1, 3] })).toThrow(
      MetricDefinitionError,
    );
  });

  it('writes the text exposition format through prom-client', async () => {
    const c = defineCounter({ name: 'tsdns_test_text_total', help: 'Some "help".', labelNames: ['zone'] });
    c.labels('example.org.').inc(7);
    c.labels('a"b\\c\nd').inc();
    const text = await metricsText();
    expect(text).toContain(
      '# HELP tsdns_test_text_total Some "help".\n# TYPE tsdns_test_text_total counter\n',
    );
    expect(text).toContain('tsdns_test_text_total{zone="example.org."} 7\n');
    expect(text).toContain('tsdns_test_text_total{zone="a\\"b\\\\c\\nd"} 1\n');
    expect(METRICS_CONTENT_TYPE).toBe('text/plain; version=0.0.4; charset=utf-8');
  });

  it("adds the process and Node runtime metrics once, under the Go client's process_* names", async () => {
    collectProcessMetrics();
    collectProcessMetrics();
    const text = await metricsText();
    for (const name of [
      'process_cpu_seconds_total',
      'process_start_time_seconds',
      'process_resident_memory_bytes',
      'process_virtual_memory_bytes',
      'process_open_fds',
      'process_max_fds',
      'process_heap_bytes',
      'nodejs_eventloop_lag_seconds',
      'nodejs_eventloop_lag_p99_seconds',
      'nodejs_active_handles_total',
      'nodejs_active_resources_total',
      'nodejs_heap_size_used_bytes',
      'nodejs_heap_space_size_used_bytes',
      'nodejs_version_info',
    ]) {
      expect(text).toMatch(new RegExp(`^# TYPE ${name} `, 'm'));
    }
    // left out on purpose: an observer call after every garbage collection
    expect(text).not.toMatch(/nodejs_gc_duration_seconds/);
    expect(() => defineGauge({ name: 'process_open_fds', help: 'x' })).toThrow(/process collectors/);
  });
});

describe('the server metrics', () => {
  it('are declared under CoreDNS names and report queries', () => {
    expect(panics.name).toBe('coredns_panics_total');
    reportQuery({
      server: 'dns://:1053',
      zone: 'dropped',
      view: '',
      proto: 'udp',
      family: '1',
      type: 'A',
      do: true,
      requestSize: 40,
      responseSize: 40,
      rcode: 'REFUSED',
      plugin: '',
      durationSeconds: 0.0001,
    });
    expect(dnsRequests.labels('dns://:1053', 'dropped', '', 'udp', '1', 'A').value).toBe(1);
  });

  it('label query types as CoreDNS monitors them', () => {
    expect(qtypeLabel('AAAA')).toBe('AAAA');
    expect(qtypeLabel('HTTPS')).toBe('HTTPS');
    expect(qtypeLabel('NAPTR')).toBe('other');
    expect(qtypeLabel('TYPE65280')).toBe('other');
  });

  it('name servers as CoreDNS does', () => {
    expect(serverLabel('dns', '', '53')).toBe('dns://:53');
    expect(serverLabel('dns', '127.0.0.1', 1053)).toBe('dns://127.0.0.1:1053');
    expect(serverLabel('dns', '::1', 53)).toBe('dns://[::1]:53');
  });
});
