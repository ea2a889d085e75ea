import { describe, expect, it, onTestFinished } from 'vitest';
import { Dispenser, Flag, HandlerError, Rcode, Request, getRcode, tokenize, type Message } from '@tsdns/core';
import { CaptureWriter, buildQuery, dig, hasTool, kdig, replyTo, FakeUpstream } from '@tsdns/testing';
import { Forward } from './forward.js';
import { parseForward } from './setup.js';
import { answerData, answerPlugin, server, upstream } from './test-support/harness.js';
import { answerA, queries } from './test-support/upstream.js';

/** Thirty A records: about 500 bytes of answer, more than fits in 512 with the question. */
function bigAnswer(query: Message): Message {
  const msg = replyTo(query);
  for (let i = 1; i <= 30; i++) {
    msg.answers.push({
      name: query.questions[0].name,
      type: 'A',
      class: 'IN',
      ttl: 60,
      data: `198.51.100.${i}`,
    });
  }
  return msg;
}

/** Like an authoritative server with a 512-byte UDP limit: over UDP a too-big answer is truncated. */
function truncatingOverUdp(query: Message, transport: 'udp' | 'tcp'): Message {
  if (transport === 'tcp') return bigAnswer(query);
  const msg = replyTo(query);
  msg.flags |= Flag.TC;
  return msg;
}

describe('forward: the exchange', () => {
  it("answers with the upstream's answer under the client's ID; the upstream sees random IDs", async () => {
    const up = await upstream((q) => answerA(q, '192.0.2.1'));
    const { server: s } = await server(`forward . ${up.addr}`);
    for (let i = 0; i < 20; i++) {
      const r = await s.query('www.example.org', 'A', { id: 4242 });
      expect(r.id).toBe(4242);
      expect(r.answers).toEqual([
        { name: 'www.example.org.', type: 'A', class: 'IN', ttl: 300, data: '192.0.2.1' },
      ]);
    }
    const ids = new Set(queries(up).map((q) => q.msg.id));
    expect(ids.size).toBeGreaterThan(15);
  });

  it("uses the client's transport: UDP to UDP, TCP to TCP", async () => {
    const up = await upstream((q) => answerA(q, '192.0.2.1'));
    const { server: s } = await server(`forward . ${up.addr}`);
    await s.query('a.example.org', 'A');
    await s.query('b.example.org', 'A', { transport: 'tcp' });
    expect(queries(up).map((q) => [q.msg.questions[0].name, q.transport])).toEqual([
      ['a.example.org.', 'udp'],
      ['b.example.org.', 'tcp'],
    ]);
  });

  it('passes the query on unchanged apart from its ID: flags, EDNS and DO bit', async () => {
    const up = await upstream((q) => answerA(q, '192.0.2.1'));
    const { server: s } = await server(`forward . ${up.addr}`);
    await s.query('www.example.org', 'AAAA', { do: true, cd: true, bufsize: 1400 });
    const q = queries(up)[0].msg;
    expect(q.flags & (Flag.RD | Flag.CD)).toBe(Flag.RD | Flag.CD);
    expect(q.questions).toEqual([{ name: 'www.example.org.', type: 'AAAA', class: 'IN' }]);
    const opt = q.additionals.find((rr) => rr.type === 'OPT');
    expect(opt).toMatchObject({ udpPayloadSize: 1400, flags: 0x8000 });
  });

  it("force_tcp sends UDP clients' queries over TCP", async () => {
    const up = await upstream((q) => answerA(q, '192.0.2.1'));
    const { server: s } = await server(`forward . ${up.addr} {\n force_tcp\n}`);
    const r = await s.query('www.example.org', 'A');
    expect(r.answers).toHaveLength(1);
    expect(queries(up).map((q) => q.transport)).toEqual(['tcp']);
  });

  it("prefer_udp sends TCP clients' queries over UDP; force_tcp wins over it", async () => {
    const up = await upstream((q) => answerA(q, '192.0.2.1'));
    const { server: s } = await server(`forward . ${up.addr} {\n prefer_udp\n}`);
    await s.query('www.example.org', 'A', { transport: 'tcp' });
    expect(queries(up).map((q) => q.transport)).toEqual(['udp']);

    const up2 = await upstream((q) => answerA(q, '192.0.2.1'));
    const { server: s2 } = await server(`forward . ${up2.addr} {\n prefer_udp\n force_tcp\n}`);
    await s2.query('www.example.org', 'A');
    expect(queries(up2).map((q) => q.transport)).toEqual(['tcp']);
  });

  it('answers FORMERR when the reply is for another question', async () => {
    const up = await upstream((q) => {
      const r = answerA(q, '192.0.2.1');
      r.questions = [{ name: 'other.example.org.', type: 'A', class: 'IN' }];
      return r;
    });
    const { server: s } = await server(`forward . ${up.addr}`);
    const r = await s.query('www.example.org', 'A', { id: 7 });
    expect(r.id).toBe(7);
    expect(getRcode(r)).toBe(Rcode.FORMERR);
    expect(r.questions[0].name).toBe('www.example.org.');
    expect(r.answers).toEqual([]);
  });

  it('ignores an answer with a wrong ID and uses the next upstream', async () => {
    const liar = await upstream((q) => ({
      kind: 'reply',
      msg: { ...answerA(q, '192.0.2.66'), id: (q.id + 1) & 0xffff },
    }));
    const good = await upstream((q) => answerA(q, '192.0.2.1'));
    const { server: s } = await server(
      `forward . ${liar.addr} ${good.addr} {\n policy sequential\n read_timeout 200ms\n}`,
    );
    const r = await s.query('www.example.org', 'A', { timeout: 3000 });
    expect(answerData(r)).toEqual(['192.0.2.1']);
    expect(queries(liar)).toHaveLength(1);
  });

  it('answers SERVFAIL when no upstream answers, after two tries per upstream', async () => {
    const silent = await upstream(() => ({ kind: 'drop' }));
    const { server: s } = await server(`forward . ${silent.addr} {\n read_timeout 150ms\n max_fails 0\n}`);
    const started = Date.now();
    const r = await s.query('www.example.org', 'A', { timeout: 3000 });
    expect(getRcode(r)).toBe(Rcode.SERVFAIL);
    expect(queries(silent)).toHaveLength(2);
    expect(Date.now() - started).toBeLessThan(1500);
  });

  it('fails over at once when the upstream port is closed (ICMP port unreachable)', async () => {
    const gone = await FakeUpstream.start(() => ({ kind: 'drop' }));
    const goneAddr = gone.addr;
    await gone.stop();
    const good = await upstream((q) => answerA(q, '192.0.2.1'));
    const { server: s } = await server(`forward . ${goneAddr} ${good.addr} {\n policy sequential\n}`);
    const started = Date.now();
    const r = await s.query('www.example.org', 'A');
    expect(answerData(r)).toEqual(['192.0.2.1']);
    // Well below the 2 s read timeout: the refusal is noticed, not waited out.
    expect(Date.now() - started).toBeLessThan(1000);
  });

  it('passes a truncated UDP answer on; dig and kdig then retry over TCP and get it whole', async () => {
    const up = await upstream(truncatingOverUdp);
    const { server: s } = await server(`forward . ${up.addr}`);
    const r = await s.query('big.example.org', 'A');
    expect(r.flags & Flag.TC).toBe(Flag.TC);
    expect(r.answers).toEqual([]);
    for (const tool of [dig, kdig]) {
      const name = tool === dig ? 'dig' : 'kdig';
      if (!hasTool(name)) continue;
      const out = await tool(['+noedns', 'big.example.org', 'A'], { target: s.target });
      expect(out.answer, name).toHaveLength(30);
    }
    expect(queries(up).some((q) => q.transport === 'tcp')).toBe(true);
  });

  it('prefer_udp: a truncated UDP answer is asked again over TCP by forward itself', async () => {
    const up = await upstream(truncatingOverUdp);
    const { server: s } = await server(`forward . ${up.addr} {\n prefer_udp\n}`);
    const r = await s.query('big.example.org', 'A', { transport: 'tcp' });
    expect(r.flags & Flag.TC).toBe(0);
    expect(r.answers).toHaveLength(30);
    expect(queries(up).map((q) => q.transport)).toEqual(['udp', 'tcp']);
  });
});

describe('forward: which names', () => {
  it('forwards only names in FROM; others go to the next plugin', async () => {
    const up = await upstream((q) => answerA(q, '192.0.2.1'));
    const next = answerPlugin();
    const { server: s } = await server(`forward example.org ${up.addr}\nanswer 192.0.2.99`, [next]);
    expect(answerData(await s.query('www.Example.ORG', 'A'))[0]).toBe('192.0.2.1');
    expect(answerData(await s.query('example.org', 'A'))[0]).toBe('192.0.2.1');
    expect(answerData(await s.query('www.example.net', 'A'))[0]).toBe('192.0.2.99');
    expect(answerData(await s.query('notexample.org', 'A'))[0]).toBe('192.0.2.99');
    expect(next.calls).toEqual(['www.example.net.', 'notexample.org.']);
  });

  it('except: names in an ignored zone go to the next plugin, or SERVFAIL when there is none', async () => {
    const up = await upstream((q) => answerA(q, '192.0.2.1'));
    const next = answerPlugin();
    const { server: s } = await server(
      `forward . ${up.addr} {\n except internal.example.org lan\n}\nanswer 192.0.2.99`,
      [next],
    );
    expect(answerData(await s.query('www.example.org', 'A'))[0]).toBe('192.0.2.1');
    expect(answerData(await s.query('db.internal.example.org', 'A'))[0]).toBe('192.0.2.99');
    expect(answerData(await s.query('internal.example.org', 'A'))[0]).toBe('192.0.2.99');
    expect(answerData(await s.query('printer.lan', 'A'))[0]).toBe('192.0.2.99');
    expect(queries(up).map((q) => q.msg.questions[0].name)).toEqual(['www.example.org.']);

    const { server: alone } = await server(`forward . ${up.addr} {\n except lan\n}`);
    expect(getRcode(await alone.query('printer.lan', 'A'))).toBe(Rcode.SERVFAIL);
  });

  it('FROM itself is forwarded even when an except zone covers it', () => {
    const [config] = parseForward(
      new Dispenser(tokenize('forward example.org 127.0.0.1 {\n except example.org\n}', 'Corefile')),
    );
    const f = new Forward(config);
    expect(f.handles('example.org.')).toBe(true);
    expect(f.handles('www.example.org.')).toBe(false);
    expect(f.handles('example.net.')).toBe(false);
  });
});

function handlerFor(text: string): Forward {
  const [config] = parseForward(new Dispenser(tokenize(text, 'Corefile')));
  const f = new Forward(config);
  onTestFinished(async () => f.stop());
  return f;
}

describe('forward: errors for the errors plugin', () => {
  it("rejects with a HandlerError in CoreDNS's words when the upstream does not answer", async () => {
    const silent = await upstream(() => ({ kind: 'drop' }));
    const f = handlerFor(`forward . ${silent.addr} {\n read_timeout 100ms\n max_fails 0\n}`);
    const w = new CaptureWriter();
    const req = new Request(buildQuery('www.example.org', 'A'), w);
    const err = await Promise.resolve(f.serveDNS(req, w)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(HandlerError);
    expect((err as HandlerError).rcode).toBe(Rcode.SERVFAIL);
    expect((err as HandlerError).plugin).toBe('forward');
    expect((err as HandlerError).message).toMatch(
      new RegExp(`^read udp 127\\.0\\.0\\.1:\\d+->${silent.addr.replace(/\./g, '\\.')}: i/o timeout$`),
    );
    expect(w.written).toEqual([]);
    expect(f.inflight).toBe(0);
  });

  it('reports a refused TCP connection as a dial error', async () => {
    const gone = await FakeUpstream.start(() => ({ kind: 'drop' }));
    const addr = gone.addr;
    await gone.stop();
    const f = handlerFor(`forward . ${addr} {\n force_tcp\n max_fails 0\n}`);
    const w = new CaptureWriter();
    const err = await Promise.resolve(f.serveDNS(new Request(buildQuery('a.example', 'A'), w), w)).catch(
      (e: unknown) => e,
    );
    expect((err as Error).message).toBe(`dial tcp ${addr}: connection refused`);
  });

  it('answers FORMERR for a query that cannot be encoded', () => {
    const f = handlerFor('forward . 127.0.0.1');
    const w = new CaptureWriter();
    const bad = buildQuery('www.example.org', 'A');
    bad.questions[0].type = 'NOT-A-TYPE';
    expect(() => f.serveDNS(new Request(bad, w), w)).toThrow(HandlerError);
    try {
      f.serveDNS(new Request(bad, w), w);
    } catch (e) {
      expect((e as HandlerError).rcode).toBe(Rcode.FORMERR);
    }
  });

  it('counts requests and responses per rcode with durations', async () => {
    let n = 0;
    const up = await upstream((q) =>
      n++ % 2 === 0 ? answerA(q, '192.0.2.1') : replyTo(q, { rcode: Rcode.NXDOMAIN }),
    );
    const f = handlerFor(`forward . ${up.addr}`);
    for (let i = 0; i < 4; i++) {
      const w = new CaptureWriter();
      await f.serveDNS(new Request(buildQuery(`n${i}.example.org`, 'A'), w), w);
      expect(w.written).toHaveLength(1);
    }
    const stats = f.upstreams[0].stats;
    expect(stats.requests).toBe(4);
    expect(stats.responses.get(Rcode.NOERROR)?.count).toBe(2);
    expect(stats.responses.get(Rcode.NXDOMAIN)?.count).toBe(2);
    expect(stats.responses.get(Rcode.NOERROR)?.sum).toBeGreaterThan(0);
    expect(stats.connCacheMisses.udp).toBe(1);
    expect(stats.connCacheHits.udp).toBe(3);
    expect(f.healthyUpstreams).toBe(1);
  });
});
