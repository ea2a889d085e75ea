import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Rcode, getRcode } from '@tsdns/core';
import forward from '@tsdns/plugin-forward';
import {
  dig,
  hasTool,
  kdig,
  query,
  startKnot,
  startTestServer,
  type Knot,
  type TestServer,
} from '@tsdns/testing';
import type { Cache } from './cache.js';
import { ttls } from './test-support/harness.js';
import { observedCache } from './test-support/observe.js';
import { relay } from './test-support/relay.js';

const ZONE = `$ORIGIN example.test.
$TTL 3600
@      IN SOA ns hostmaster 2024010101 7200 3600 1209600 300
@      IN NS  ns
ns     IN A   192.0.2.53
www    IN A   192.0.2.80
www    IN A   192.0.2.81
alias  IN CNAME www
capped 7200 IN TXT "long lived"
`;

describe.skipIf(!hasTool('knotd'))('cache in front of Knot', () => {
  let knot: Knot;
  let server: TestServer;
  const caches: Cache[] = [];

  beforeAll(async () => {
    knot = await startKnot({ zones: [{ origin: 'example.test.', text: ZONE }] });
    server = await startTestServer({
      corefile: ([port]) => `example.test:${port} {\n  cache 3000\n  relay ${knot.port}\n}\n`,
      plugins: [observedCache(caches), relay],
    });
  });
  afterAll(async () => {
    await server?.stop();
    await knot?.stop();
  });

  it('serves Knot answers from the cache with TTLs counting down from the zone TTL', async () => {
    const direct = await query({ port: knot.port }, 'www.example.test.', 'A');
    expect(ttls(direct)).toEqual([3600, 3600]);
    // `cache 3000` caps the zone's 3600.
    const first = await server.query('www.example.test.', 'A');
    expect(ttls(first)).toEqual([3000, 3000]);
    await sleep(1100);
    const second = await server.query('www.example.test.', 'A');
    expect(ttls(second)).toEqual([2999, 2999]);
    expect(second.answers.map((rr) => ('data' in rr ? rr.data : '')).sort()).toEqual([
      '192.0.2.80',
      '192.0.2.81',
    ]);
  });

  it('caches Knot NXDOMAIN with the SOA TTL Knot sends (its MINIMUM, 300)', async () => {
    const first = await server.query('missing.example.test.', 'A');
    expect(getRcode(first)).toBe(Rcode.NXDOMAIN);
    expect(ttls(first)).toEqual([300]);
    await sleep(1100);
    const second = await server.query('missing.example.test.', 'A');
    expect(getRcode(second)).toBe(Rcode.NXDOMAIN);
    expect(ttls(second)).toEqual([299]);
    expect(caches[0].metrics.hits.denial).toBeGreaterThanOrEqual(1);
  });

  it.skipIf(!hasTool('kdig'))('gives kdig the cached CNAME chain', async () => {
    await kdig(['alias.example.test', 'A'], { target: server.target });
    const r = await kdig(['alias.example.test', 'A'], { target: server.target });
    expect(r.status).toBe('NOERROR');
    expect(r.flags).toContain('aa');
    expect(r.answer.map((rr) => rr.type)).toEqual(['CNAME', 'A', 'A']);
    expect(r.answer[0].ttl).toBeLessThanOrEqual(3000);
  });

  it.skipIf(!hasTool('dig'))(
    'gives dig a cached answer with its question in the letter case asked',
    async () => {
      await dig(['WWW.example.TEST', 'A'], { target: server.target });
      const r = await dig(['www.EXAMPLE.test', 'A'], { target: server.target });
      expect(r.status).toBe('NOERROR');
      expect(r.question).toEqual([{ name: 'www.EXAMPLE.test.', class: 'IN', type: 'A' }]);
      expect(r.answer).toHaveLength(2);
    },
  );

  it('keeps answering from the cache after Knot is gone; uncached questions fail', async () => {
    await server.query('capped.example.test.', 'TXT');
    await knot.stop();
    const cached = await server.query('capped.example.test.', 'TXT');
    expect(getRcode(cached)).toBe(Rcode.NOERROR);
    expect(cached.answers).toHaveLength(1);
    expect(ttls(cached)[0]).toBeLessThanOrEqual(3000);
    expect(getRcode(await server.query('ns.example.test.', 'A', { timeout: 3000 }))).toBe(Rcode.SERVFAIL);
  });
});

describe.skipIf(!hasTool('knotd'))('cache with forward in front of Knot', () => {
  let knot: Knot;
  let server: TestServer;
  const caches: Cache[] = [];

  beforeAll(async () => {
    knot = await startKnot({ zones: [{ origin: 'example.test.', text: ZONE }] });
    server = await startTestServer({
      corefile: ([port]) =>
        `example.test:${port} {\n  cache {\n    serve_stale 1h\n  }\n  forward . 127.0.0.1:${knot.port} {\n    max_fails 0\n  }\n}\n`,
      plugins: [observedCache(caches), forward],
    });
  });
  afterAll(async () => {
    await server?.stop();
    await knot?.stop();
  });

  it('caches what forward brings back and keeps serving it when Knot stops', async () => {
    const first = await server.query('www.example.test.', 'A');
    expect(getRcode(first)).toBe(Rcode.NOERROR);
    expect(ttls(first)).toEqual([3600, 3600]);
    await sleep(1100);
    expect(ttls(await server.query('www.example.test.', 'A'))).toEqual([3599, 3599]);
    expect(caches[0].metrics).toMatchObject({ misses: 1, hits: { success: 1, denial: 0 } });
    await knot.stop();
    const after = await server.query('www.example.test.', 'A');
    expect(after.answers).toHaveLength(2);
    expect(ttls(after)[0]).toBeGreaterThan(3590);
  });
});
