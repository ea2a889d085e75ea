import { setTimeout as sleep } from 'node:timers/promises';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  getRcode,
  Rcode,
  type Handler,
  type PluginDefinition,
  type Request,
  type ResponseWriter,
} from '@tsdns/core';
import { waitFor, replyTo, FakeUpstream } from '@tsdns/testing';
import { answerData, answerPlugin, server, upstream } from './test-support/harness.js';
import { answerA, isHealthCheck, queries } from './test-support/upstream.js';

const dir = mkdtempSync(join(tmpdir(), 'tsdns-forward-options-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Three upstreams that answer with 192.0.2.1, .2 and .3. */
async function three(): Promise<FakeUpstream[]> {
  return Promise.all([1, 2, 3].map((i) => upstream((q) => answerA(q, `192.0.2.${i}`))));
}

describe('forward: policy', () => {
  it('sequential sends everything to the first healthy upstream', async () => {
    const ups = await three();
    const { server: s, forwards } = await server(
      `forward . ${ups.map((u) => u.addr).join(' ')} {\n policy sequential\n}`,
    );
    for (let i = 0; i < 9; i++)
      expect(answerData(await s.query(`s${i}.example.org`, 'A'))).toEqual(['192.0.2.1']);
    forwards[0].upstreams[0].fails = 3;
    for (let i = 0; i < 3; i++)
      expect(answerData(await s.query(`t${i}.example.org`, 'A'))).toEqual(['192.0.2.2']);
    expect(ups.map((u) => queries(u).length)).toEqual([9, 3, 0]);
  });

  it('round_robin starts each query at the next upstream', async () => {
    const ups = await three();
    const { server: s } = await server(
      `forward . ${ups.map((u) => u.addr).join(' ')} {\n policy round_robin\n}`,
    );
    const firsts: unknown[] = [];
    for (let i = 0; i < 6; i++) firsts.push(answerData(await s.query(`r${i}.example.org`, 'A'))[0]);
    expect(firsts).toEqual(['192.0.2.2', '192.0.2.3', '192.0.2.1', '192.0.2.2', '192.0.2.3', '192.0.2.1']);
  });

  it('random (the default) spreads queries over all upstreams', async () => {
    const ups = await three();
    const { server: s } = await server(`forward . ${ups.map((u) => u.addr).join(' ')}`);
    // In batches: a burst of hundreds of datagrams overflows the server socket's receive buffer.
    for (let batch = 0; batch < 6; batch++) {
      await Promise.all(Array.from({ length: 50 }, (_, i) => s.query(`x${batch}-${i}.example.org`, 'A')));
    }
    for (const u of ups) {
      expect(queries(u).length).toBeGreaterThan(60);
      expect(queries(u).length).toBeLessThan(140);
    }
  });
});

describe('forward: max_concurrent', () => {
  it('answers REFUSED beyond MAX queries in flight, and forwards again once they are done', async () => {
    const slow = await upstream((q) => ({ kind: 'reply', msg: answerA(q, '192.0.2.1'), delayMs: 400 }));
    const { server: s, forwards } = await server(`forward . ${slow.addr} {\n max_concurrent 2\n}`);
    const replies = await Promise.all(Array.from({ length: 5 }, (_, i) => s.query(`c${i}.example.org`, 'A')));
    const rcodes = replies.map(getRcode).sort();
    expect(rcodes).toEqual([Rcode.NOERROR, Rcode.NOERROR, Rcode.REFUSED, Rcode.REFUSED, Rcode.REFUSED]);
    expect(forwards[0].stats.maxConcurrentRejects).toBe(3);
    expect(queries(slow)).toHaveLength(2);
    expect(forwards[0].inflight).toBe(0);
    expect(getRcode(await s.query('after.example.org', 'A'))).toBe(Rcode.NOERROR);
  });
});

describe('forward: next, next_on_nodata, failover', () => {
  it('next RCODE hands the query to the following forward', async () => {
    const first = await upstream((q) =>
      q.questions[0].name.startsWith('missing')
        ? replyTo(q, { rcode: Rcode.NXDOMAIN })
        : answerA(q, '192.0.2.1'),
    );
    const second = await upstream((q) => answerA(q, '192.0.2.2'));
    const { server: s } = await server(
      `forward . ${first.addr} {\n next NXDOMAIN\n}\nforward . ${second.addr}`,
    );
    expect(answerData(await s.query('missing.example.org', 'A'))).toEqual(['192.0.2.2']);
    expect(answerData(await s.query('present.example.org', 'A'))).toEqual(['192.0.2.1']);
    expect(queries(second).map((q) => q.msg.questions[0].name)).toEqual(['missing.example.org.']);
  });

  it('next is ignored when the next plugin is not a forward', async () => {
    const first = await upstream((q) => replyTo(q, { rcode: Rcode.NXDOMAIN }));
    const after = answerPlugin();
    const { server: s } = await server(`forward . ${first.addr} {\n next NXDOMAIN\n}\nanswer 192.0.2.99`, [
      after,
    ]);
    expect(getRcode(await s.query('missing.example.org', 'A'))).toBe(Rcode.NXDOMAIN);
    expect(after.calls).toEqual([]);
  });

  it('next_on_nodata hands an empty NOERROR answer to the following forward', async () => {
    const first = await upstream((q) => replyTo(q));
    const second = await upstream((q) => answerA(q, '192.0.2.2'));
    const { server: s } = await server(
      `forward . ${first.addr} {\n next_on_nodata\n}\nforward . ${second.addr}`,
    );
    expect(answerData(await s.query('empty.example.org', 'A'))).toEqual(['192.0.2.2']);
  });

  it('failover RCODE tries the next upstream; the last answer is used when all give it', async () => {
    const broken = await upstream((q) => replyTo(q, { rcode: Rcode.SERVFAIL }));
    const good = await upstream((q) => answerA(q, '192.0.2.2'));
    const { server: s } = await server(
      `forward . ${broken.addr} ${good.addr} {\n policy sequential\n failover SERVFAIL REFUSED\n}`,
    );
    expect(answerData(await s.query('f.example.org', 'A'))).toEqual(['192.0.2.2']);

    const broken2 = await upstream((q) => replyTo(q, { rcode: Rcode.REFUSED }));
    const { server: s2 } = await server(
      `forward . ${broken.addr} ${broken2.addr} {\n policy sequential\n failover SERVFAIL REFUSED\n}`,
    );
    expect(getRcode(await s2.query('f.example.org', 'A'))).toBe(Rcode.REFUSED);

    // Without failover an upstream's SERVFAIL is the answer.
    const { server: s3 } = await server(`forward . ${broken.addr} ${good.addr} {\n policy sequential\n}`);
    expect(getRcode(await s3.query('f.example.org', 'A'))).toBe(Rcode.SERVFAIL);
  });

  it('max_connect_attempts caps the exchanges of one query', async () => {
    const a = await upstream(() => ({ kind: 'drop' }));
    const b = await upstream(() => ({ kind: 'drop' }));
    const { server: s } = await server(
      `forward . ${a.addr} ${b.addr} {\n policy sequential\n max_connect_attempts 1\n read_timeout 100ms\n max_fails 0\n}`,
    );
    expect(getRcode(await s.query('m.example.org', 'A'))).toBe(Rcode.SERVFAIL);
    expect([queries(a).length, queries(b).length]).toEqual([1, 0]);
  });
});

describe('forward: connection reuse', () => {
  it('reuses a TCP connection and dials again once it has been idle for expire', async () => {
    const up = await upstream((q) => answerA(q, '192.0.2.1'));
    const { server: s, forwards } = await server(`forward . ${up.addr} {\n force_tcp\n expire 400ms\n}`);
    const stats = forwards[0].upstreams[0].stats;
    await s.query('a.example.org', 'A');
    await s.query('b.example.org', 'A');
    await s.query('c.example.org', 'A');
    expect(up.tcpAccepts).toBe(1);
    expect([stats.connCacheMisses.tcp, stats.connCacheHits.tcp]).toEqual([1, 2]);
    await sleep(600);
    await s.query('d.example.org', 'A');
    expect(up.tcpAccepts).toBe(2);
    expect([stats.connCacheMisses.tcp, stats.connCacheHits.tcp]).toEqual([2, 2]);
    // The expired connection is closed (by the first query after expiry, or the sweeper).
    await waitFor(() => up.tcpCloses >= 1, { timeout: 2000, what: 'the expired connection to be closed' });
  });

  it('closes idle connections in the background once they expire', async () => {
    const up = await upstream((q) => answerA(q, '192.0.2.1'));
    const { server: s, forwards } = await server(`forward . ${up.addr} {\n force_tcp\n expire 200ms\n}`);
    await s.query('a.example.org', 'A');
    expect(forwards[0].upstreams[0].idleConnections).toBe(1);
    await waitFor(() => up.tcpCloses === 1, {
      timeout: 2500,
      what: 'the sweeper to close the idle connection',
    });
    expect(forwards[0].upstreams[0].idleConnections).toBe(0);
  });

  it('keeps connections for 10 s by default', async () => {
    const up = await upstream((q) => answerA(q, '192.0.2.1'));
    const { server: s } = await server(`forward . ${up.addr} {\n force_tcp\n}`);
    await s.query('a.example.org', 'A');
    await sleep(600);
    await s.query('b.example.org', 'A');
    expect(up.tcpAccepts).toBe(1);
  });

  it('max_age closes a connection after its age, however busy', async () => {
    const up = await upstream((q) => answerA(q, '192.0.2.1'));
    const { server: s } = await server(
      `forward . ${up.addr} {\n force_tcp\n expire 500ms\n max_age 500ms\n}`,
    );
    await s.query('a.example.org', 'A');
    await sleep(300);
    await s.query('b.example.org', 'A');
    expect(up.tcpAccepts).toBe(1);
    await sleep(300);
    await s.query('c.example.org', 'A');
    expect(up.tcpAccepts).toBe(2);
  });

  it('max_idle_conns bounds the idle connections kept', async () => {
    const up = await upstream((q) => ({ kind: 'reply', msg: answerA(q, '192.0.2.1'), delayMs: 100 }));
    const { server: s, forwards } = await server(`forward . ${up.addr} {\n force_tcp\n max_idle_conns 1\n}`);
    await Promise.all([
      s.query('a.example.org', 'A'),
      s.query('b.example.org', 'A'),
      s.query('c.example.org', 'A'),
    ]);
    expect(up.tcpAccepts).toBe(3);
    expect(forwards[0].upstreams[0].idleConnections).toBe(1);
    await waitFor(() => up.tcpCloses === 2, { timeout: 1000, what: 'the surplus connections to be closed' });
  });

  it('sends the query again on a new connection when a pooled one was closed by the upstream', async () => {
    // The upstream closes a connection, unanswered, on its second query: the pooled
    // connection looks fine until it is used.
    const up = await upstream((q, _t, nth) => (nth === 2 ? { kind: 'close' } : answerA(q, '192.0.2.1')));
    const { server: s } = await server(`forward . ${up.addr} {\n force_tcp\n}`);
    expect(answerData(await s.query('a.example.org', 'A'))).toEqual(['192.0.2.1']);
    expect(answerData(await s.query('b.example.org', 'A'))).toEqual(['192.0.2.1']);
    expect(up.tcpAccepts).toBe(2);
    expect(queries(up).map((q) => q.msg.questions[0].name)).toEqual([
      'a.example.org.',
      'b.example.org.',
      'b.example.org.',
    ]);
  });

  it('an idle connection the upstream closes is dropped from the pool', async () => {
    const up = await upstream((q) => answerA(q, '192.0.2.1'));
    const { server: s, forwards } = await server(`forward . ${up.addr} {\n force_tcp\n}`);
    await s.query('a.example.org', 'A');
    up.dropConnections();
    await waitFor(() => forwards[0].upstreams[0].idleConnections === 0, {
      timeout: 1000,
      what: 'the pool to notice',
    });
    expect(answerData(await s.query('b.example.org', 'A'))).toEqual(['192.0.2.1']);
    expect(up.tcpAccepts).toBe(2);
  });

  it('expire 0: every UDP query gets a socket (and source port) of its own', async () => {
    const up = await upstream((q) => answerA(q, '192.0.2.1'));
    const { server: s } = await server(`forward . ${up.addr} {\n expire 0s\n}`);
    for (let i = 0; i < 5; i++) await s.query(`e${i}.example.org`, 'A');
    expect(new Set(queries(up).map((q) => q.port)).size).toBe(5);
  });

  it('rotates the UDP socket (new source port) after a few hundred queries', async () => {
    const up = await upstream((q) => answerA(q, '192.0.2.1'));
    const { server: s } = await server(`forward . ${up.addr}`);
    for (let batch = 0; batch < 12; batch++) {
      await Promise.all(Array.from({ length: 50 }, (_, i) => s.query(`p${batch}-${i}.example.org`, 'A')));
    }
    const ports = new Set(queries(up).map((q) => q.port));
    expect(ports.size).toBe(2);
  });
});

describe('forward: lifecycle', () => {
  it("a reload closes the old instance's idle connections and stops its health checks", async () => {
    // Health checks go unanswered, so a round of checks stays active until stopped.
    const up = await upstream((q) => (isHealthCheck(q) ? { kind: 'drop' } : answerA(q, '192.0.2.1')));
    const fwd = await server(`forward . ${up.addr} {\n force_tcp\n}`);
    await fwd.server.query('a.example.org', 'A');
    const [old] = fwd.forwards;
    expect(old.upstreams[0].idleConnections).toBe(1);
    old.upstreams[0].healthcheck();
    expect(old.upstreams[0].checking).toBe(true);
    await fwd.server.reload((ports) => `.:${ports[0]} {\nforward . ${up.addr} {\n force_tcp\n}\n}`);
    expect(old.upstreams[0].idleConnections).toBe(0);
    expect(old.upstreams[0].checking).toBe(false);
    expect(fwd.forwards).toHaveLength(2);
    expect(answerData(await fwd.server.query('b.example.org', 'A'))).toEqual(['192.0.2.1']);
    // The pooled connection, the check's own connection, and the new instance's connection.
    expect(up.tcpAccepts).toBe(3);
    expect(fwd.forwards[1].upstreams[0].idleConnections).toBe(1);
  });
});

describe('forward: addresses', () => {
  it('source_address sets the source of UDP and TCP queries', async () => {
    const up = await upstream((q) => answerA(q, '192.0.2.1'));
    const { server: s } = await server(`forward . ${up.addr} {\n source_address 127.0.0.2\n}`);
    await s.query('a.example.org', 'A');
    await s.query('b.example.org', 'A', { transport: 'tcp' });
    expect(queries(up).map((q) => [q.transport, q.address])).toEqual([
      ['udp', '127.0.0.2'],
      ['tcp', '127.0.0.2'],
    ]);
  });

  const isRoot = process.getuid?.() === 0;
  it.skipIf(!isRoot)("uses a resolv.conf file's nameservers (on port 53)", async () => {
    const up = await upstream((q) => answerA(q, '192.0.2.53'), { host: '127.84.0.1', port: 53 });
    const resolv = join(dir, 'resolv.conf');
    writeFileSync(resolv, '# test\nsearch example.org\nnameserver 127.84.0.1\n');
    const { server: s, forwards } = await server(`forward . ${resolv}`);
    expect(forwards[0].upstreams.map((u) => u.addr)).toEqual(['127.84.0.1:53']);
    expect(answerData(await s.query('www.example.org', 'A'))).toEqual(['192.0.2.53']);
    expect(queries(up)).toHaveLength(1);
  });
});

/** A stand-in `metadata` plugin: after the chain has answered, reads forward's metadata. */
function metadataReader(seen: (string | undefined)[]): PluginDefinition {
  return {
    name: 'metadata',
    setup(c) {
      c.next();
      c.addHandler(
        (next): Handler => ({
          name: 'metadata',
          async serveDNS(req: Request, w: ResponseWriter) {
            const rcode = await (next as Handler).serveDNS(req, w);
            seen.push(req.metadata('forward/upstream'));
            return rcode;
          },
        }),
      );
    },
  };
}

describe('forward: metadata', () => {
  it('publishes forward/upstream when the chain has the metadata plugin', async () => {
    const up = await upstream((q) => answerA(q, '192.0.2.1'));
    const seen: (string | undefined)[] = [];
    const { server: s, forwards } = await server(`metadata\nforward . ${up.addr}`, [], {
      before: [metadataReader(seen)],
    });
    expect(forwards[0].publishMetadata).toBe(true);
    await s.query('a.example.org', 'A');
    expect(seen).toEqual([up.addr]);
  });

  it('does not without it', async () => {
    const up = await upstream((q) => answerA(q, '192.0.2.1'));
    const { forwards } = await server(`forward . ${up.addr}`);
    expect(forwards[0].publishMetadata).toBe(false);
  });
});
