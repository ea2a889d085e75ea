import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { Flag, getRcode, Rcode } from '@tsdns/core';
import { waitFor, replyTo, FakeUpstream } from '@tsdns/testing';
import { answerData, server, upstream } from './test-support/harness.js';
import { answerA, healthChecks, isHealthCheck, queries } from './test-support/upstream.js';

/** An upstream that can be switched between answering everything and answering nothing. */
async function switchable(address: string): Promise<{ up: FakeUpstream; alive: { on: boolean } }> {
  const alive = { on: false };
  const up = await upstream((q) =>
    alive.on ? (isHealthCheck(q) ? replyTo(q) : answerA(q, address)) : { kind: 'drop' },
  );
  return { up, alive };
}

describe('forward: health checks', () => {
  it('marks an upstream down after more than max_fails failed checks, skips it, and takes it back when it recovers', async () => {
    const { up: a, alive } = await switchable('192.0.2.1');
    const b = await upstream((q) => answerA(q, '192.0.2.2'));
    const { server: s, forwards } = await server(
      `forward . ${a.addr} ${b.addr} {\n policy sequential\n max_fails 1\n health_check 100ms\n read_timeout 200ms\n}`,
    );
    const [f] = forwards;
    const [ua] = f.upstreams;

    // A does not answer: B does, and A's failure starts health checks of A.
    expect(answerData(await s.query('q1.example.org', 'A'))).toEqual(['192.0.2.2']);
    // Each check waits 1 s for an answer; the second failure (2 > max_fails 1) marks A down.
    await waitFor(() => ua.isDown(1), { timeout: 4000, what: 'A to be marked down' });
    expect(ua.stats.healthcheckFailures).toBeGreaterThanOrEqual(2);
    expect(f.healthyUpstreams).toBe(1);
    const checks = healthChecks(a);
    expect(checks.length).toBeGreaterThanOrEqual(2);
    for (const c of checks) {
      expect(c.transport).toBe('udp');
      expect(c.msg.questions).toEqual([{ name: '.', type: 'NS', class: 'IN' }]);
      expect(c.msg.flags & Flag.RD).toBe(Flag.RD);
    }

    // While down, A gets no queries at all.
    for (let i = 0; i < 3; i++)
      expect(answerData(await s.query(`d${i}.example.org`, 'A'))).toEqual(['192.0.2.2']);
    expect(queries(a)).toHaveLength(1);

    // A recovers: the next check succeeds, A is healthy again and first in line again.
    alive.on = true;
    await waitFor(() => !ua.isDown(1), { timeout: 3000, what: 'A to be healthy again' });
    expect(ua.fails).toBe(0);
    expect(f.healthyUpstreams).toBe(2);
    expect(answerData(await s.query('back.example.org', 'A'))).toEqual(['192.0.2.1']);

    // Checks stop once the upstream answered one.
    const n = healthChecks(a).length;
    await sleep(400);
    expect(healthChecks(a)).toHaveLength(n);
  });

  it('max_fails 0: no health checks, the upstream is never marked down', async () => {
    const { up: a } = await switchable('192.0.2.1');
    const b = await upstream((q) => answerA(q, '192.0.2.2'));
    const { server: s, forwards } = await server(
      `forward . ${a.addr} ${b.addr} {\n policy sequential\n max_fails 0\n health_check 50ms\n read_timeout 100ms\n}`,
    );
    expect(answerData(await s.query('q1.example.org', 'A'))).toEqual(['192.0.2.2']);
    await sleep(300);
    expect(healthChecks(a)).toEqual([]);
    expect(answerData(await s.query('q2.example.org', 'A'))).toEqual(['192.0.2.2']);
    expect(queries(a)).toHaveLength(2);
    expect(forwards[0].healthyUpstreams).toBe(2);
  });

  it('checks over TCP with force_tcp, with the configured domain and RD clear with no_rec', async () => {
    // Fails the first real query (drops it), answers everything else.
    let first = true;
    const a = await upstream((q) => {
      if (!isHealthCheck(q, 'example.net.') && first) {
        first = false;
        return { kind: 'drop' };
      }
      return replyTo(q);
    });
    const { server: s } = await server(
      `forward . ${a.addr} {\n force_tcp\n health_check 100ms no_rec domain Example.NET\n read_timeout 150ms\n}`,
    );
    await s.query('q.example.org', 'A', { timeout: 3000 });
    await waitFor(() => a.received.some((r) => isHealthCheck(r.msg, 'example.net.')), {
      timeout: 2000,
      what: 'a health check',
    });
    const check = a.received.find((r) => isHealthCheck(r.msg, 'example.net.'));
    expect(check?.transport).toBe('tcp');
    expect(check?.msg.questions[0]).toEqual({ name: 'example.net.', type: 'NS', class: 'IN' });
    expect((check?.msg.flags ?? Flag.RD) & Flag.RD).toBe(0);
  });

  it('counts an error answer (REFUSED) to a check as healthy', async () => {
    let failNext = true;
    const a = await upstream((q) => {
      if (isHealthCheck(q)) return replyTo(q, { rcode: Rcode.REFUSED });
      if (failNext) {
        failNext = false;
        return { kind: 'drop' };
      }
      return answerA(q, '192.0.2.1');
    });
    const { server: s, forwards } = await server(
      `forward . ${a.addr} {\n health_check 50ms\n read_timeout 100ms\n}`,
    );
    await s.query('q.example.org', 'A', { timeout: 3000 });
    await waitFor(() => healthChecks(a).length > 0, { timeout: 2000, what: 'a health check' });
    await sleep(200);
    expect(healthChecks(a)).toHaveLength(1);
    expect(forwards[0].upstreams[0].fails).toBe(0);
  });
});

describe('forward: when every upstream is down', () => {
  it('sends each query to a random upstream, counting the broken health checking', async () => {
    const a = await upstream((q) => answerA(q, '192.0.2.1'));
    const b = await upstream((q) => answerA(q, '192.0.2.2'));
    const { server: s, forwards } = await server(`forward . ${a.addr} ${b.addr} {\n policy sequential\n}`);
    const [f] = forwards;
    // Marked down as if max_fails (2) checks had failed; nothing probes them now.
    for (const u of f.upstreams) u.fails = 3;
    expect(f.healthyUpstreams).toBe(0);
    const seen = new Map<unknown, number>();
    for (let i = 0; i < 120; i++) {
      const [address] = answerData(await s.query(`r${i}.example.org`, 'A'));
      seen.set(address, (seen.get(address) ?? 0) + 1);
    }
    expect(seen.get('192.0.2.1')).toBeGreaterThan(30);
    expect(seen.get('192.0.2.2')).toBeGreaterThan(30);
    expect(f.stats.healthcheckBroken).toBe(120);
  });

  it('failfast_all_unhealthy_upstreams: SERVFAIL at once, no upstream asked', async () => {
    const a = await upstream((q) => answerA(q, '192.0.2.1'));
    const b = await upstream((q) => answerA(q, '192.0.2.2'));
    const { server: s, forwards } = await server(
      `forward . ${a.addr} ${b.addr} {\n failfast_all_unhealthy_upstreams\n}`,
    );
    const [f] = forwards;
    for (const u of f.upstreams) u.fails = 3;
    const r = await s.query('x.example.org', 'A');
    expect(getRcode(r)).toBe(Rcode.SERVFAIL);
    expect(queries(a).length + queries(b).length).toBe(0);
    expect(f.stats.healthcheckBroken).toBe(1);
    // One healthy upstream is enough to forward again.
    f.upstreams[1].fails = 0;
    expect(answerData(await s.query('y.example.org', 'A'))).toEqual(['192.0.2.2']);
  });

  it('failfast after real health checks: dead upstreams are marked down and then refused quickly', async () => {
    const { up: a } = await switchable('192.0.2.1');
    const { server: s, forwards } = await server(
      `forward . ${a.addr} {\n max_fails 1\n health_check 50ms\n read_timeout 100ms\n failfast_all_unhealthy_upstreams\n}`,
    );
    expect(getRcode(await s.query('q.example.org', 'A', { timeout: 3000 }))).toBe(Rcode.SERVFAIL);
    await waitFor(() => forwards[0].upstreams[0].isDown(1), {
      timeout: 4000,
      what: 'the upstream to be marked down',
    });
    const started = Date.now();
    expect(getRcode(await s.query('q2.example.org', 'A'))).toBe(Rcode.SERVFAIL);
    expect(Date.now() - started).toBeLessThan(500);
    expect(queries(a)).toHaveLength(2);
  });
});
