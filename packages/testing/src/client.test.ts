import { createSocket, type Socket } from 'node:dgram';
import { createServer, type Server } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EDNS_DO, Flag, decodeMessage, encodeMessage, getOpt, type Message } from '@tsdns/core';
import { exchange, query, sendRaw } from './client.js';
import { FrameReader, frameMessage } from './frame.js';
import { freePorts } from './ports.js';
import { ConnectionClosedError, QueryTimeoutError, buildQuery, type Target } from './query-message.js';
import { TcpClient } from './tcp.js';

/**
 * A scripted responder on UDP and TCP: answers A queries with 192.0.2.1 and echoes what it
 * received in a TXT record, so tests can check both directions of the client. Names steer it:
 * "slow.*" answers after 150 ms, "silent.*" never answers, "close.*" closes the TCP
 * connection, "stray.*" first sends a datagram with another id.
 */
function answer(q: Message, transport: string): Message {
  const opt = getOpt(q);
  const echo = `${transport} id=${q.id} flags=${q.flags} opt=${opt ? `${opt.udpPayloadSize}/${opt.ednsVersion}/${opt.flags}` : '-'}`;
  return {
    id: q.id,
    flags: q.flags | Flag.QR | Flag.AA,
    questions: q.questions,
    answers: [
      { name: q.questions[0].name, type: 'A', class: 'IN', ttl: 60, data: '192.0.2.1' },
      {
        name: q.questions[0].name,
        type: 'TXT',
        class: 'IN',
        ttl: 60,
        data: [new TextEncoder().encode(echo)],
      },
    ],
    authorities: [],
    additionals: [],
  };
}

let udp: Socket;
let tcp: Server;
let target: Target;
let udpReceived: Uint8Array[] = [];

beforeAll(async () => {
  const [port] = await freePorts(1);
  target = { host: '127.0.0.1', port };
  udp = createSocket('udp4');
  udp.on('message', (data, rinfo) => {
    udpReceived.push(new Uint8Array(data));
    let q: Message;
    try {
      q = decodeMessage(data);
    } catch {
      udp.send(new Uint8Array([data[0] ?? 0, data[1] ?? 0, 0x80, 0x01]), rinfo.port, rinfo.address);
      return;
    }
    const name = q.questions[0]?.name ?? '';
    if (name.startsWith('silent.')) return;
    if (name.startsWith('stray.')) {
      udp.send(encodeMessage({ ...answer(q, 'udp'), id: (q.id + 1) & 0xffff }), rinfo.port, rinfo.address);
    }
    udp.send(encodeMessage(answer(q, 'udp')), rinfo.port, rinfo.address);
  });
  await new Promise<void>((resolve) => udp.bind(port, '127.0.0.1', resolve));
  tcp = createServer((conn) => {
    const reader = new FrameReader();
    conn.on('error', () => {});
    conn.on('data', (chunk) => {
      for (const frame of reader.push(chunk)) {
        let q: Message;
        try {
          q = decodeMessage(frame);
        } catch {
          conn.write(frameMessage(new Uint8Array([frame[0] ?? 0, frame[1] ?? 0, 0x80, 0x01])));
          continue;
        }
        const name = q.questions[0]?.name ?? '';
        if (name.startsWith('silent.')) continue;
        if (name.startsWith('close.')) {
          conn.destroy();
          return;
        }
        const out = frameMessage(encodeMessage(answer(q, 'tcp')));
        if (name.startsWith('slow.')) setTimeout(() => conn.write(out), 150);
        else conn.write(out);
      }
    });
  });
  await new Promise<void>((resolve) => tcp.listen(port, '127.0.0.1', resolve));
});

afterAll(async () => {
  udp.close();
  await new Promise((resolve) => tcp.close(resolve));
});

function echoOf(msg: Message): string {
  const txt = msg.answers.find((a) => a.type === 'TXT');
  if (txt?.type !== 'TXT') throw new Error('no TXT echo');
  return new TextDecoder().decode(txt.data[0]);
}

describe('buildQuery', () => {
  it('sets RD by default and adds EDNS only when an EDNS option asks', () => {
    const plain = buildQuery('example.org', 'A', { id: 7 });
    expect(plain).toMatchObject({
      id: 7,
      flags: Flag.RD,
      questions: [{ name: 'example.org.', type: 'A', class: 'IN' }],
    });
    expect(plain.additionals).toEqual([]);
    const edns = buildQuery('example.org.', 'AAAA', { do: true, cd: true, rd: false, opcode: 2 });
    expect(edns.flags).toBe(Flag.CD | (2 << 11));
    expect(getOpt(edns)).toMatchObject({ udpPayloadSize: 1232, ednsVersion: 0, flags: EDNS_DO });
    expect(getOpt(buildQuery('x.', 'A', { bufsize: 512, ednsVersion: 1 }))).toMatchObject({
      udpPayloadSize: 512,
      ednsVersion: 1,
      flags: 0,
    });
  });
});

describe('query', () => {
  it('asks over UDP by default and decodes the answer', async () => {
    const r = await query(target, 'example.org', 'A', { id: 4242 });
    expect(r.id).toBe(4242);
    expect(r.answers[0]).toMatchObject({ name: 'example.org.', type: 'A', data: '192.0.2.1' });
    expect(echoOf(r)).toBe(`udp id=4242 flags=${Flag.RD} opt=-`);
  });

  it('asks over TCP and sends the EDNS options given', async () => {
    const r = await query(target, 'example.org', 'A', {
      transport: 'tcp',
      do: true,
      bufsize: 4096,
      cd: true,
    });
    expect(echoOf(r)).toBe(`tcp id=${r.id} flags=${Flag.RD | Flag.CD} opt=4096/0/${EDNS_DO}`);
  });

  it('ignores a datagram with another id and waits for its own', async () => {
    const r = await query(target, 'stray.example.org', 'A', { id: 100 });
    expect(r.id).toBe(100);
  });

  it('rejects with QueryTimeoutError when nobody answers', async () => {
    for (const transport of ['udp', 'tcp'] as const) {
      const started = Date.now();
      await expect(query(target, 'silent.example.org', 'A', { transport, timeout: 200 })).rejects.toThrow(
        QueryTimeoutError,
      );
      expect(Date.now() - started).toBeGreaterThanOrEqual(190);
    }
  });

  it('rejects when the port is closed (TCP) or times out (UDP)', async () => {
    const [closed] = await freePorts(1);
    await expect(
      query({ port: closed }, 'x.', 'A', { transport: 'tcp', timeout: 500 }),
    ).rejects.toMatchObject({
      code: 'ECONNREFUSED',
    });
    await expect(query({ port: closed }, 'x.', 'A', { timeout: 200 })).rejects.toThrow(QueryTimeoutError);
  });
});

describe('sendRaw', () => {
  it('sends bytes unchanged and returns the raw reply', async () => {
    udpReceived = [];
    const garbage = new Uint8Array([0x12, 0x34, 1, 2, 3]);
    const reply = await sendRaw(target, garbage);
    expect(udpReceived.map((b) => [...b])).toEqual([[...garbage]]);
    expect([...(reply ?? [])]).toEqual([0x12, 0x34, 0x80, 0x01]);
    const tcpReply = await sendRaw(target, garbage, 'tcp');
    expect([...(tcpReply ?? [])]).toEqual([0x12, 0x34, 0x80, 0x01]);
  });

  it('returns undefined when no reply comes, or the connection closes', async () => {
    const silent = encodeMessage(buildQuery('silent.example.org', 'A'));
    expect(await sendRaw(target, silent, 'udp', { timeout: 150 })).toBeUndefined();
    expect(await sendRaw(target, silent, 'tcp', { timeout: 150 })).toBeUndefined();
    const close = encodeMessage(buildQuery('close.example.org', 'A'));
    expect(await sendRaw(target, close, 'tcp', { timeout: 2000 })).toBeUndefined();
  });
});

describe('TcpClient', () => {
  it('pipelines queries on one connection and matches answers arriving out of order', async () => {
    const client = await TcpClient.connect(target);
    try {
      const order: string[] = [];
      const names = ['slow.a.example.', 'b.example.', 'c.example.', 'slow.d.example.', 'e.example.'];
      const answers = await Promise.all(
        names.map((n, i) =>
          client.query(n, 'A', { id: 1000 + i }).then((m) => {
            order.push(m.questions[0].name);
            return m;
          }),
        ),
      );
      answers.forEach((m, i) => {
        expect(m.id).toBe(1000 + i);
        expect(m.questions[0].name).toBe(names[i]);
      });
      // The slow answers were written later, so they arrived last: matching was by id.
      expect(order.slice(0, 3)).toEqual(['b.example.', 'c.example.', 'e.example.']);
    } finally {
      client.close();
    }
  });

  it('refuses an id already in flight and rejects outstanding queries when the server closes', async () => {
    const client = await TcpClient.connect(target);
    const first = client.query('slow.example.', 'A', { id: 5 });
    await expect(client.query('again.example.', 'A', { id: 5 })).rejects.toThrow(/already in flight/);
    await first;
    const pending = client.query('silent.example.', 'A', { id: 6, timeout: 5000 });
    const closing = client.query('close.example.', 'A', { id: 7 });
    await expect(pending).rejects.toThrow(ConnectionClosedError);
    await expect(closing).rejects.toThrow(ConnectionClosedError);
    expect(client.isClosed).toBe(true);
    await expect(client.query('x.', 'A')).rejects.toThrow(ConnectionClosedError);
  });

  it('writes stream bytes as given, so a frame may arrive in pieces', async () => {
    const client = await TcpClient.connect(target);
    try {
      const framed = frameMessage(encodeMessage(buildQuery('split.example.', 'A', { id: 77 })));
      const reply = client.writeStream(framed.subarray(0, 5));
      await new Promise((r) => setTimeout(r, 50));
      await client.writeStream(framed.subarray(5), { timeout: 50 });
      const bytes = await reply;
      expect(bytes && decodeMessage(bytes).id).toBe(77);
    } finally {
      client.close();
    }
  });

  it('exchange sends a prepared message over either transport', async () => {
    const msg = buildQuery('prepared.example.', 'A', { id: 31337 });
    msg.flags |= Flag.AD;
    for (const transport of ['udp', 'tcp'] as const) {
      const r = await exchange(target, msg, { transport });
      expect(echoOf(r)).toBe(`${transport} id=31337 flags=${Flag.RD | Flag.AD} opt=-`);
    }
  });
});
