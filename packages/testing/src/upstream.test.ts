import { afterEach, describe, expect, it } from 'vitest';
import { Flag, Rcode, getRcode, type Message } from '@tsdns/core';
import { exchange, query, sendRaw } from './client.js';
import { QueryTimeoutError, buildQuery } from './query-message.js';
import { TcpClient } from './tcp.js';
import { FakeUpstream, replyTo } from './upstream.js';

let up: FakeUpstream | undefined;
afterEach(async () => {
  await up?.stop();
  up = undefined;
});

const answer = (q: Message, data: string): Message =>
  replyTo(q, { answers: [{ name: q.questions[0].name, type: 'A', class: 'IN', ttl: 60, data }] });

describe('replyTo', () => {
  it('copies id, question, RD and CD, sets QR and RA, echoes OPT without options', () => {
    const q = buildQuery('www.example.org', 'A', { id: 9, cd: true, bufsize: 4096, do: true });
    const r = replyTo(q, { rcode: Rcode.NXDOMAIN, flags: Flag.AA });
    expect(r.id).toBe(9);
    expect(r.questions).toEqual(q.questions);
    expect(r.flags & (Flag.QR | Flag.RA | Flag.RD | Flag.CD | Flag.AA)).toBe(
      Flag.QR | Flag.RA | Flag.RD | Flag.CD | Flag.AA,
    );
    expect(getRcode(r)).toBe(Rcode.NXDOMAIN);
    expect(r.additionals).toEqual([{ ...q.additionals[0], options: [] }]);
    expect(replyTo(buildQuery('a.', 'A', { rd: false })).additionals).toEqual([]);
  });
});

describe('FakeUpstream', () => {
  it('answers over UDP and TCP as scripted, recording the queries and their positions', async () => {
    const seen: Array<[string, number]> = [];
    up = await FakeUpstream.start((q, transport, nth) => {
      seen.push([transport, nth]);
      return answer(q, '192.0.2.1');
    });
    expect(up.addr).toBe(`127.0.0.1:${up.port}`);
    await query({ port: up.port }, 'a.example.', 'A');
    const tcp = await TcpClient.connect({ port: up.port });
    await tcp.query('B.example.', 'A');
    await tcp.query('b.example.', 'AAAA');
    tcp.close();
    expect(seen).toEqual([
      ['udp', 1],
      ['tcp', 1],
      ['tcp', 2],
    ]);
    expect(up.received.map((r) => r.transport)).toEqual(['udp', 'tcp', 'tcp']);
    expect(up.received[0].address).toBe('127.0.0.1');
    expect(up.count('b.example.')).toBe(2);
    expect(up.count('b.example.', 'AAAA')).toBe(1);
    expect(up.tcpAccepts).toBe(1);
  });

  it('drops, delays, sends raw bytes and closes connections when told to', async () => {
    up = await FakeUpstream.start((q) => {
      const name = q.questions[0].name;
      if (name === 'drop.') return { kind: 'drop' };
      if (name === 'late.') return { kind: 'reply', msg: answer(q, '192.0.2.2'), delayMs: 150 };
      if (name === 'raw.') return { kind: 'raw', bytes: new Uint8Array([1, 2, 3]) };
      return { kind: 'close' };
    });
    const target = { port: up.port };
    await expect(query(target, 'drop.', 'A', { timeout: 200 })).rejects.toBeInstanceOf(QueryTimeoutError);
    const started = Date.now();
    expect((await query(target, 'late.', 'A')).answers).toHaveLength(1);
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
    expect(await sendRaw(target, new Uint8Array(0), 'udp', { timeout: 200 })).toBeUndefined();
    const raw = await exchange(target, buildQuery('raw.', 'A'), { timeout: 200 }).catch((e: unknown) => e);
    expect(raw).toBeInstanceOf(QueryTimeoutError);
    await expect(query(target, 'close.', 'A', { transport: 'tcp' })).rejects.toThrow();
    await new Promise((r) => setTimeout(r, 50));
    expect(up.tcpCloses).toBe(1);
  });

  it('stops and listens again on the same port', async () => {
    up = await FakeUpstream.start((q) => answer(q, '192.0.2.3'));
    const target = { port: up.port };
    await up.stop();
    await expect(query(target, 'a.', 'A', { timeout: 150 })).rejects.toBeInstanceOf(QueryTimeoutError);
    await up.listen();
    expect((await query(target, 'a.', 'A')).answers).toHaveLength(1);
    up.script = (q) => replyTo(q, { rcode: Rcode.REFUSED });
    expect(getRcode(await query(target, 'a.', 'A'))).toBe(Rcode.REFUSED);
  });
});
