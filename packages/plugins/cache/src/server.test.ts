import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { EDNS_DO, Flag, Rcode, getRcode, metricsText, type Message, type ResourceRecord } from '@tsdns/core';
import {
  TcpClient,
  dig,
  exchange,
  buildQuery,
  hasTool,
  kdig,
  startTestServer,
  FakeUpstream,
  replyTo,
  type TestServer,
  type UpstreamScript,
} from '@tsdns/testing';
import type { Cache } from './cache.js';
import { ttls } from './test-support/harness.js';
import { observedCache } from './test-support/observe.js';
import { relay } from './test-support/relay.js';

function a(name: string, ttl: number, data: string): ResourceRecord {
  return { name, type: 'A', class: 'IN', ttl, data };
}

function soa(ttl: number, minimum: number): ResourceRecord {
  return {
    name: 'example.test.',
    type: 'SOA',
    class: 'IN',
    ttl,
    data: {
      mname: 'ns.example.test.',
      rname: 'hostmaster.example.test.',
      serial: 1,
      refresh: 7200,
      retry: 3600,
      expire: 1209600,
      minimum,
    },
  };
}

function firstData(m: Message): unknown {
  const rr = m.answers[0];
  return rr !== undefined && 'data' in rr ? rr.data : undefined;
}

interface Rig {
  server: TestServer;
  up: FakeUpstream;
  cache: Cache;
}

const rigs: Rig[] = [];

/** A server with `cache` (configured by `block`) in front of the relay to a test upstream. */
async function rig(cacheLine: string, responder: UpstreamScript): Promise<Rig> {
  const up = await FakeUpstream.start(responder);
  const found: Cache[] = [];
  const server = await startTestServer({
    corefile: ([port]) => `example.test:${port} {\n  ${cacheLine}\n  relay ${up.port}\n}\n`,
    plugins: [observedCache(found), relay],
  });
  const r = { server, up, cache: found[0] };
  rigs.push(r);
  return r;
}

afterEach(async () => {
  for (const r of rigs.splice(0)) {
    await r.server.stop();
    await r.up.stop();
  }
});

/** The n-th address the counting upstream hands out: 192.0.2.1 ... 192.0.2.255, then 198.51.x.y. */
function nth(n: number): string {
  return n < 256 ? `192.0.2.${n}` : `198.51.${(n >> 8) & 255}.${n & 255}`;
}

/** Answers A with one address of TTL `ttl`; the address counts the upstream's answers. */
function counting(ttl: number): UpstreamScript {
  let n = 0;
  return (q) => replyTo(q, { answers: [a(q.questions[0].name, ttl, nth(++n))] });
}

describe('cache in front of a real upstream', () => {
  it('answers repeated queries from the cache and counts hits and misses', async () => {
    const { server, up, cache } = await rig('cache', counting(300));
    for (let i = 0; i < 5; i++) {
      const m = await server.query('www.example.test.', 'A');
      expect(firstData(m)).toBe('192.0.2.1');
    }
    expect(up.count('www.example.test.')).toBe(1);
    expect(cache.metrics).toMatchObject({ requests: 5, misses: 1, hits: { success: 4, denial: 0 } });
    expect(cache.metrics.entries('success')).toBe(1);
    // The same counts are exported under CoreDNS's names for this listener.
    const text = await metricsText();
    const labels = (type?: string) =>
      `{server="dns://:${server.port}",${type === undefined ? '' : `type="${type}",`}zones="example.test.",view=""}`;
    expect(text).toContain(`coredns_cache_requests_total${labels()} 5`);
    expect(text).toContain(`coredns_cache_misses_total${labels()} 1`);
    expect(text).toContain(`coredns_cache_hits_total${labels('success')} 4`);
    expect(text).toContain(`coredns_cache_entries${labels('success')} 1`);
    expect(text).toContain(`coredns_cache_entries${labels('denial')} 0`);
  });

  it('counts TTLs down in the answers it serves', async () => {
    const { server } = await rig('cache', counting(300));
    expect(ttls(await server.query('www.example.test.', 'A'))).toEqual([300]);
    await sleep(1100);
    expect(ttls(await server.query('www.example.test.', 'A'))).toEqual([299]);
  });

  it.skipIf(!hasTool('dig'))('shows dig a counted-down TTL, the flags and the upstream data', async () => {
    const { server, up } = await rig('cache', counting(120));
    const first = await dig(['www.example.test', 'A'], { target: server.target });
    expect(first.answer.map((rr) => [rr.ttl, rr.rdata])).toEqual([[120, '192.0.2.1']]);
    await sleep(2100);
    const second = await dig(['www.example.test', 'A'], { target: server.target });
    expect(second.status).toBe('NOERROR');
    expect(second.flags).toEqual(expect.arrayContaining(['qr', 'aa', 'rd', 'ra']));
    expect(second.answer[0].rdata).toBe('192.0.2.1');
    expect(second.answer[0].ttl).toBeLessThanOrEqual(118);
    expect(second.answer[0].ttl).toBeGreaterThanOrEqual(117);
    expect(up.count('www.example.test.')).toBe(1);
  });

  it('answers with the query ID and the question in the letter case asked', async () => {
    const { server, up } = await rig('cache', counting(300));
    await server.query('www.example.test.', 'A');
    const m = await exchange(server.target, buildQuery('WwW.ExAmPlE.TeSt.', 'A', { id: 0x1234 }));
    expect(m.id).toBe(0x1234);
    expect(m.questions).toEqual([{ name: 'WwW.ExAmPlE.TeSt.', type: 'A', class: 'IN' }]);
    expect(up.count('www.example.test.')).toBe(1);
  });

  it('never answers a DO or CD query with a plain answer, nor the reverse', async () => {
    const { server, up } = await rig('cache', (q) => {
      const opt = q.additionals.find((rr) => rr.type === 'OPT');
      const dnssecOk = opt !== undefined && opt.type === 'OPT' && (opt.flags & EDNS_DO) !== 0;
      const cd = (q.flags & Flag.CD) !== 0;
      return replyTo(q, {
        answers: [a(q.questions[0].name, 300, `192.0.2.${10 + (dnssecOk ? 1 : 0) + (cd ? 2 : 0)}`)],
      });
    });
    const variants = [{}, { do: true }, { cd: true }, { do: true, cd: true }];
    for (let round = 0; round < 2; round++) {
      const got = [];
      for (const v of variants) got.push(firstData(await server.query('www.example.test.', 'A', v)));
      expect(got).toEqual(['192.0.2.10', '192.0.2.11', '192.0.2.12', '192.0.2.13']);
    }
    expect(up.count('www.example.test.')).toBe(4);
  });

  it('caches NXDOMAIN for the SOA TTL bounded by its MINIMUM', async () => {
    const { server, up, cache } = await rig('cache', (q) =>
      replyTo(q, { rcode: Rcode.NXDOMAIN, authorities: [soa(3600, 60)] }),
    );
    const first = await server.query('nope.example.test.', 'A');
    expect(getRcode(first)).toBe(Rcode.NXDOMAIN);
    expect(ttls(first)).toEqual([60]);
    await sleep(1100);
    const second = await server.query('nope.example.test.', 'A');
    expect(getRcode(second)).toBe(Rcode.NXDOMAIN);
    expect(ttls(second)).toEqual([59]);
    expect(up.count('nope.example.test.')).toBe(1);
    expect(cache.metrics.hits.denial).toBe(1);
  });

  it.skipIf(!hasTool('kdig'))('shows kdig a cached NODATA with its SOA', async () => {
    const { server, up } = await rig('cache', (q) => replyTo(q, { authorities: [soa(30, 30)] }));
    await kdig(['www.example.test', 'AAAA'], { target: server.target });
    const r = await kdig(['www.example.test', 'AAAA'], { target: server.target });
    expect(r.status).toBe('NOERROR');
    expect(r.answer).toEqual([]);
    expect(r.authority.map((rr) => rr.type)).toEqual(['SOA']);
    expect(up.count('www.example.test.', 'AAAA')).toBe(1);
  });

  it('caches SERVFAIL only for the servfail duration', async () => {
    const { server, up } = await rig('cache {\n    servfail 1s\n  }', (q) =>
      replyTo(q, { rcode: Rcode.SERVFAIL }),
    );
    expect(getRcode(await server.query('www.example.test.', 'A'))).toBe(Rcode.SERVFAIL);
    expect(getRcode(await server.query('www.example.test.', 'A'))).toBe(Rcode.SERVFAIL);
    expect(up.count('www.example.test.')).toBe(1);
    await sleep(1100);
    await server.query('www.example.test.', 'A');
    expect(up.count('www.example.test.')).toBe(2);
  });

  it('does not cache a truncated answer; the TCP retry is cached', async () => {
    const { server, up } = await rig('cache', (q, transport) =>
      transport === 'udp'
        ? replyTo(q, { flags: Flag.TC })
        : replyTo(q, { answers: [a(q.questions[0].name, 300, '192.0.2.77')] }),
    );
    const udp = await server.query('www.example.test.', 'A');
    expect(udp.flags & Flag.TC).toBe(Flag.TC);
    const tcp = await server.query('www.example.test.', 'A', { transport: 'tcp' });
    expect(firstData(tcp)).toBe('192.0.2.77');
    const again = await server.query('www.example.test.', 'A');
    expect(again.flags & Flag.TC).toBe(0);
    expect(firstData(again)).toBe('192.0.2.77');
    expect(up.received.map((q) => q.transport)).toEqual(['udp', 'tcp']);
  });

  it('keepttl serves the original TTL', async () => {
    const { server } = await rig('cache {\n    keepttl\n  }', counting(300));
    await server.query('www.example.test.', 'A');
    await sleep(1100);
    expect(ttls(await server.query('www.example.test.', 'A'))).toEqual([300]);
  });

  it('disable success leaves a zone uncached', async () => {
    const { server, up } = await rig('cache {\n    disable success live.example.test\n  }', counting(300));
    for (let i = 0; i < 2; i++) {
      await server.query('www.example.test.', 'A');
      await server.query('a.live.example.test.', 'A');
    }
    expect(up.count('www.example.test.')).toBe(1);
    expect(up.count('a.live.example.test.')).toBe(2);
  });

  it('evicts the oldest entries at capacity', async () => {
    const { server, up, cache } = await rig('cache {\n    success 1024\n  }', counting(300));
    const tcp = await TcpClient.connect(server.target);
    try {
      for (let start = 0; start < 1030; start += 103) {
        await Promise.all(
          Array.from({ length: 103 }, (_, j) =>
            tcp.query(`n${start + j}.example.test.`, 'A', { id: start + j }),
          ),
        );
      }
    } finally {
      tcp.close();
    }
    expect(cache.metrics.entries('success')).toBe(1024);
    expect(cache.metrics.evictions.success).toBe(6);
    expect(up.received).toHaveLength(1030);
    await server.query('n1029.example.test.', 'A');
    expect(up.received).toHaveLength(1030);
  });

  it('prefetches a popular entry: the upstream sees the refresh before the entry expires', async () => {
    let serial = 0;
    const { server, up, cache } = await rig(
      'cache {\n    success 1024 3600 0\n    prefetch 2 1m 50%\n  }',
      (q) => replyTo(q, { answers: [a(q.questions[0].name, 4, `192.0.2.${++serial}`)] }),
    );
    const start = Date.now();
    expect(firstData(await server.query('hot.example.test.', 'A'))).toBe('192.0.2.1');
    await server.query('hot.example.test.', 'A');
    await sleep(2100);
    // Two hits, and two of four seconds left: this hit is served and triggers the refresh.
    const hit = await server.query('hot.example.test.', 'A');
    expect(firstData(hit)).toBe('192.0.2.1');
    await expect.poll(() => up.count('hot.example.test.'), { timeout: 1000 }).toBe(2);
    expect(Date.now() - start).toBeLessThan(4000);
    expect(up.received[1].transport).toBe('tcp');
    expect(cache.metrics.prefetch).toBe(1);
    const after = await server.query('hot.example.test.', 'A');
    expect(firstData(after)).toBe('192.0.2.2');
    expect(up.count('hot.example.test.')).toBe(2);
  });

  it('serve_stale: answers an expired entry with TTL 0 while the upstream is down, then refreshes', async () => {
    const { server, up, cache } = await rig(
      'cache {\n    success 1024 3600 0\n    serve_stale 1h\n  }',
      counting(1),
    );
    expect(firstData(await server.query('www.example.test.', 'A'))).toBe('192.0.2.1');
    await up.stop();
    await sleep(1100);
    const stale = await server.query('www.example.test.', 'A');
    expect(getRcode(stale)).toBe(Rcode.NOERROR);
    expect(stale.answers).toEqual([a('www.example.test.', 0, '192.0.2.1')]);
    await sleep(600);
    expect(cache.metrics.servedStale).toBe(1);
    // Back up: the next stale answer starts a refresh that replaces the entry.
    await up.listen();
    expect(firstData(await server.query('www.example.test.', 'A'))).toBe('192.0.2.1');
    await expect
      .poll(async () => firstData(await server.query('www.example.test.', 'A')), { timeout: 2000 })
      .toBe('192.0.2.2');
  });

  it('serve_stale verify: answers fresh when the upstream works and stale when it is down', async () => {
    const { server, up } = await rig(
      'cache {\n    success 1024 3600 0\n    serve_stale 1h verify\n  }',
      counting(1),
    );
    await server.query('www.example.test.', 'A');
    await sleep(1100);
    const fresh = await server.query('www.example.test.', 'A');
    expect(fresh.answers).toEqual([a('www.example.test.', 1, '192.0.2.2')]);
    await up.stop();
    await sleep(1100);
    const stale = await server.query('www.example.test.', 'A', { timeout: 3000 });
    expect(stale.answers).toEqual([a('www.example.test.', 0, '192.0.2.2')]);
  });

  it('without serve_stale an expired entry is asked for again, and a dead upstream means SERVFAIL', async () => {
    const { server, up } = await rig('cache {\n    success 1024 3600 0\n  }', counting(1));
    await server.query('www.example.test.', 'A');
    await up.stop();
    await sleep(1100);
    expect(getRcode(await server.query('www.example.test.', 'A', { timeout: 3000 }))).toBe(Rcode.SERVFAIL);
  });
});
