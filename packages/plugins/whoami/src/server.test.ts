import { createSocket } from 'node:dgram';
import { connect } from 'node:net';
import { networkInterfaces } from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeMessage, encodeMessage, type Message } from '@tsdns/core';
import {
  FrameReader,
  buildQuery,
  dig,
  frameMessage,
  hasTool,
  kdig,
  startTestServer,
  type TestServer,
} from '@tsdns/testing';
import whoami from './index.js';

/** Sends a query over UDP from a socket whose port the test knows; returns the reply and that port. */
function udpAsk(host: string, port: number, msg: Message): Promise<{ reply: Message; clientPort: number }> {
  return new Promise((resolve, reject) => {
    const socket = createSocket(host.includes(':') ? 'udp6' : 'udp4');
    const timer = setTimeout(() => {
      socket.close();
      reject(new Error('no UDP answer'));
    }, 2000);
    socket.on('message', (bytes) => {
      clearTimeout(timer);
      const clientPort = socket.address().port;
      socket.close();
      resolve({ reply: decodeMessage(bytes), clientPort });
    });
    socket.bind(0, host, () => socket.send(encodeMessage(msg), port, host));
  });
}

/** The same over TCP. */
function tcpAsk(host: string, port: number, msg: Message): Promise<{ reply: Message; clientPort: number }> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host, port });
    const reader = new FrameReader();
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error('no TCP answer'));
    }, 2000);
    socket.on('error', reject);
    socket.on('connect', () => socket.write(frameMessage(encodeMessage(msg))));
    socket.on('data', (chunk) => {
      const frames = reader.push(chunk);
      if (frames.length === 0) return;
      clearTimeout(timer);
      const clientPort = socket.localPort as number;
      socket.destroy();
      resolve({ reply: decodeMessage(frames[0]), clientPort });
    });
  });
}

const hasIPv6Loopback = Object.values(networkInterfaces()).some((list) => list?.some((i) => i.address === '::1'));

function additionalSummary(reply: Message): unknown[] {
  return reply.additionals.map((rr) => (rr.type === 'OPT' ? 'OPT' : [rr.name, rr.type, rr.ttl, rr.data]));
}

describe('whoami through the server', () => {
  let server: TestServer;

  beforeAll(async () => {
    server = await startTestServer({
      corefile: ([port]) => `example.org:${port} {\n  whoami\n}\n`,
      plugins: [whoami],
    });
  });
  afterAll(() => server.stop());

  for (const [transport, ask] of [
    ['udp', udpAsk],
    ['tcp', tcpAsk],
  ] as const) {
    it(`tells an IPv4 client its address and ${transport} port`, async () => {
      const { reply, clientPort } = await ask('127.0.0.1', server.port, buildQuery('www.example.org.', 'A'));
      expect(reply.flags & 0xf).toBe(0);
      expect(reply.answers).toEqual([]);
      expect(additionalSummary(reply)).toEqual([
        ['www.example.org.', 'A', 0, '127.0.0.1'],
        [`_${transport}.www.example.org.`, 'SRV', 0, { priority: 0, weight: 0, port: clientPort, target: '.' }],
      ]);
    });

    it.skipIf(!hasIPv6Loopback)(`tells an IPv6 client on ::1 its address and ${transport} port`, async () => {
      const { reply, clientPort } = await ask('::1', server.port, buildQuery('example.org.', 'AAAA'));
      expect(additionalSummary(reply)).toEqual([
        ['example.org.', 'AAAA', 0, '::1'],
        [`_${transport}.example.org.`, 'SRV', 0, { priority: 0, weight: 0, port: clientPort, target: '.' }],
      ]);
    });
  }

  it('adds an OPT record to the reply of an EDNS query', async () => {
    const reply = await server.query('example.org.', 'A', { bufsize: 4096 });
    expect(additionalSummary(reply).at(-1)).toBe('OPT');
    expect(reply.additionals).toHaveLength(3);
  });

  it.skipIf(!hasTool('dig'))('gives dig the same records', async () => {
    const result = await dig(['example.org', 'A'], { target: server.target });
    expect(result.status).toBe('NOERROR');
    expect(result.flags).toContain('aa');
    expect(result.answer).toEqual([]);
    expect(result.additional.map((r) => [r.name, r.ttl, r.class, r.type])).toEqual([
      ['example.org.', 0, 'IN', 'A'],
      ['_udp.example.org.', 0, 'IN', 'SRV'],
    ]);
    expect(result.additional[0].rdata).toBe('127.0.0.1');
    expect(result.additional[1].rdata).toMatch(/^0 0 \d+ \.$/);
  });

  it.skipIf(!hasTool('kdig'))('gives kdig over TCP the _tcp record', async () => {
    const result = await kdig(['+tcp', 'example.org', 'A'], { target: server.target });
    expect(result.status).toBe('NOERROR');
    expect(result.additional.map((r) => r.name)).toEqual(['example.org.', '_tcp.example.org.']);
  });

  it('refuses names outside its zone (the server routes by zone)', async () => {
    const reply = await server.query('example.net.', 'A');
    expect(reply.flags & 0xf).toBe(5);
  });
});

describe('whoami setup through the server', () => {
  it('fails to start with an argument, citing the Corefile line', async () => {
    await expect(
      startTestServer({ corefile: ([port]) => `.:${port} {\n  whoami please\n}\n`, plugins: [whoami] }),
    ).rejects.toThrow(/Corefile:2 - Error during parsing: Wrong argument count/);
  });
});
