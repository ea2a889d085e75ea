import { describe, expect, it } from 'vitest';
import { Rcode, getRcode, metricsText } from '@tsdns/core';
import { parseExposition, replyTo } from '@tsdns/testing';
import { server, upstream } from './test-support/harness.js';
import { answerA } from './test-support/upstream.js';

describe('forward metrics in the registry (CoreDNS names and labels)', () => {
  it('exports upstream durations by rcode, connection cache use and max_concurrent rejects', async () => {
    const up = await upstream((q) =>
      q.questions[0].name.startsWith('nx')
        ? replyTo(q, { rcode: Rcode.NXDOMAIN })
        : {
            kind: 'reply',
            msg: answerA(q, '192.0.2.1'),
            delayMs: q.questions[0].name.startsWith('slow') ? 300 : 0,
          },
    );
    const s = await server(`forward . ${up.addr} {\n  max_concurrent 1\n}`);
    expect(getRcode(await s.server.query('a.example.org.', 'A'))).toBe(Rcode.NOERROR);
    expect(getRcode(await s.server.query('nx.example.org.', 'A'))).toBe(Rcode.NXDOMAIN);
    expect(getRcode(await s.server.query('b.example.org.', 'A', { transport: 'tcp' }))).toBe(Rcode.NOERROR);
    const [slow, rejected] = await Promise.all([
      s.server.query('slow.example.org.', 'A'),
      new Promise((r) => setTimeout(r, 50)).then(() => s.server.query('c.example.org.', 'A')),
    ]);
    expect(getRcode(slow)).toBe(Rcode.NOERROR);
    expect(getRcode(rejected)).toBe(Rcode.REFUSED);

    const m = parseExposition(await metricsText());
    const to = up.addr;
    const ours = { proxy_name: 'forward', to };
    expect(m.value('coredns_proxy_request_duration_seconds_count', { ...ours, rcode: 'NOERROR' })).toBe(3);
    expect(m.value('coredns_proxy_request_duration_seconds_count', { ...ours, rcode: 'NXDOMAIN' })).toBe(1);
    expect(
      m.value('coredns_proxy_request_duration_seconds_bucket', { ...ours, rcode: 'NOERROR', le: '0.128' }),
    ).toBe(2);
    // UDP: one socket opened, reused twice; TCP: one connection opened
    expect(m.value('coredns_proxy_conn_cache_misses_total', { ...ours, proto: 'udp' })).toBe(1);
    expect(m.value('coredns_proxy_conn_cache_hits_total', { ...ours, proto: 'udp' })).toBe(2);
    expect(m.value('coredns_proxy_conn_cache_misses_total', { ...ours, proto: 'tcp' })).toBe(1);
    expect(m.value('coredns_proxy_healthcheck_failures_total', ours)).toBe(0);
    expect(m.value('coredns_forward_max_concurrent_rejects_total')).toBeGreaterThanOrEqual(1);
    expect(m.families.get('coredns_forward_healthcheck_broken_total')?.type).toBe('counter');
  });
});
