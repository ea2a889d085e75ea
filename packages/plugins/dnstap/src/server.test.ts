import { createSocket } from 'node:dgram';
import { mkdtempSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { networkInterfaces, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  Flag,
  Rcode,
  definePlugin,
  encodeMessage,
  isMessageTap,
  nextOrFailure,
  type MessageTap,
  type PluginDefinition,
} from '@tsdns/core';
import { FrameReader, buildQuery, frameMessage, startTestServer, type TestServer } from '@tsdns/testing';
import dnstap from './index.js';
import { MessageType, SocketFamily, SocketProtocol, type Dnstap, type DnstapMessage } from './proto.js';
import { Collector } from './test-support/collector.js';

/** Sends raw query bytes over UDP from a socket whose port the test knows. */
function udpAsk(
  host: string,
  port: number,
  bytes: Uint8Array,
): Promise<{ reply: Uint8Array; clientPort: number }> {
  return new Promise((resolve, reject) => {
    const socket = createSocket(host.includes(':') ? 'udp6' : 'udp4');
    const timer = setTimeout(() => {
      socket.close();
      reject(new Error('no UDP answer'));
    }, 2000);
    socket.on('message', (reply) => {
      clearTimeout(timer);
      const clientPort = socket.address().port;
      socket.close();
      resolve({ reply: new Uint8Array(reply), clientPort });
    });
    socket.bind(0, host, () => socket.send(bytes, port, host));
  });
}

function tcpAsk(
  host: string,
  port: number,
  bytes: Uint8Array,
): Promise<{ reply: Uint8Array; clientPort: number }> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host, port });
    const reader = new FrameReader();
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error('no TCP answer'));
    }, 2000);
    socket.on('error', reject);
    socket.on('connect', () => socket.write(frameMessage(bytes)));
    socket.on('data', (chunk) => {
      const frames = reader.push(chunk);
      if (frames.length === 0) return;
      clearTimeout(timer);
      const clientPort = socket.localPort as number;
      socket.destroy();
      // a plain Uint8Array like the tap's bytes, whatever view type the frame reader returns
      resolve({ reply: Uint8Array.from(frames[0]), clientPort });
    });
  });
}

const hasIPv6Loopback = Object.values(networkInterfaces()).some((list) =>
  list?.some((i) => i.address === '::1'),
);

/**
 * Stands in for forward: finds the chain's taps at startup, as core's MessageTap contract
 * says, and reports one upstream exchange per query before the rest of the chain answers.
 */
const fakeUpstream = definePlugin({
  name: 'upstreamtap',
  setup(c) {
    while (c.next());
    let taps: MessageTap[] = [];
    c.onStartup(() => {
      taps = c.handlers().filter(isMessageTap);
    });
    c.addHandler((next) => ({
      name: 'upstreamtap',
      serveDNS(req, w) {
        const query = encodeMessage({ ...req.msg, id: 0x4321 });
        const response = encodeMessage({ ...req.reply(), id: 0x4321 });
        const sent = performance.now();
        for (const t of taps)
          t.tapForwarder({
            req,
            protocol: 'tcp',
            upstreamAddress: '127.0.0.53',
            upstreamPort: 5353,
            localAddress: '127.0.0.1',
            localPort: 41000,
            queryTime: sent,
            query: t.full ? query : undefined,
            responseTime: sent + 1.5,
            response: t.full ? response : undefined,
          });
        return nextOrFailure('upstreamtap', next, req, w);
      },
    }));
  },
});

/** Answers every query with an A record of the client's address (whoami's idea, in brief). */
const whoami = definePlugin({
  name: 'whoami',
  setup(c) {
    while (c.next());
    c.addHandler(() => ({
      name: 'whoami',
      serveDNS(req, w) {
        const reply = req.reply();
        reply.flags |= Flag.AA;
        if (req.family === 4)
          reply.answers.push({ name: req.qname, type: 'A', class: 'IN', ttl: 0, data: req.ip });
        w.write(reply);
        return Rcode.NOERROR;
      },
    }));
  },
});

const plugins: PluginDefinition[] = [dnstap, fakeUpstream, whoami];
const bytes = (...b: number[]): Uint8Array => Uint8Array.from(b);
const text = (b: Uint8Array | undefined): string | undefined =>
  b === undefined ? undefined : new TextDecoder().decode(b);

function messagesOf(c: Collector): DnstapMessage[] {
  return c.messages.map((d) => d.message as DnstapMessage);
}

function toMs(sec: number | undefined, nsec: number | undefined): number {
  return (sec as number) * 1000 + (nsec as number) / 1e6;
}

describe('dnstap through the server', () => {
  let dir: string;
  let collector: Collector;
  let server: TestServer;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'tsdns-dnstap-'));
    collector = await Collector.start({ path: join(dir, 'tap.sock') });
    server = await startTestServer({
      corefile: ([port]) =>
        `example.org:${port} {\n` +
        `  dnstap unix://${dir}/tap.sock full {\n    identity ns-test\n    version test-1.0\n    extra "{type} {name}"\n  }\n` +
        `  upstreamtap\n  whoami\n}\n`,
      plugins,
    });
  });
  afterAll(async () => {
    await server.stop();
    await collector.stop();
    rmSync(dir, { recursive: true, force: true });
  });
  afterEach(() => {
    collector.messages.length = 0;
  });

  it('sends CLIENT_QUERY, the forwarder exchange and CLIENT_RESPONSE for a UDP query, with the wire bytes', async () => {
    const query = encodeMessage(buildQuery('www.example.org.', 'A', { bufsize: 1232 }));
    const before = performance.timeOrigin + performance.now();
    const { reply, clientPort } = await udpAsk('127.0.0.1', server.port, query);
    const after = performance.timeOrigin + performance.now();
    await collector.waitFor(4);
    const [cq, fq, fr, cr] = messagesOf(collector);

    expect(cq).toMatchObject({
      type: MessageType.CLIENT_QUERY,
      socketFamily: SocketFamily.INET,
      socketProtocol: SocketProtocol.UDP,
      queryAddress: bytes(127, 0, 0, 1),
      queryPort: clientPort,
      queryMessage: query,
    });
    expect(cq.responseMessage).toBeUndefined();
    const queryTime = toMs(cq.queryTimeSec, cq.queryTimeNsec);
    expect(queryTime).toBeGreaterThanOrEqual(before - 1);
    expect(queryTime).toBeLessThanOrEqual(after + 1);

    expect(cr).toMatchObject({
      type: MessageType.CLIENT_RESPONSE,
      socketFamily: SocketFamily.INET,
      socketProtocol: SocketProtocol.UDP,
      queryAddress: bytes(127, 0, 0, 1),
      queryPort: clientPort,
      queryTimeSec: cq.queryTimeSec,
      queryTimeNsec: cq.queryTimeNsec,
      responseMessage: reply,
    });
    expect(toMs(cr.responseTimeSec, cr.responseTimeNsec)).toBeGreaterThanOrEqual(queryTime);
    expect(toMs(cr.responseTimeSec, cr.responseTimeNsec)).toBeLessThanOrEqual(after + 1);

    expect(fq).toMatchObject({
      type: MessageType.FORWARDER_QUERY,
      socketFamily: SocketFamily.INET,
      socketProtocol: SocketProtocol.TCP,
      queryAddress: bytes(127, 0, 0, 1),
      queryPort: 41000,
      responseAddress: bytes(127, 0, 0, 53),
      responsePort: 5353,
    });
    expect(fq.queryMessage?.subarray(0, 2)).toEqual(bytes(0x43, 0x21));
    expect(fq.responseMessage).toBeUndefined();
    expect(fr).toMatchObject({
      type: MessageType.FORWARDER_RESPONSE,
      responseAddress: bytes(127, 0, 0, 53),
      responsePort: 5353,
      queryTimeSec: fq.queryTimeSec,
      queryTimeNsec: fq.queryTimeNsec,
    });
    expect(
      toMs(fr.responseTimeSec, fr.responseTimeNsec) - toMs(fq.queryTimeSec, fq.queryTimeNsec),
    ).toBeCloseTo(1.5, 1);
    expect(fr.responseMessage?.[2]).toBe(0x81);

    for (const d of collector.messages) {
      expect(text(d.identity)).toBe('ns-test');
      expect(text(d.version)).toBe('test-1.0');
      expect(text(d.extra)).toBe('A www.example.org.');
      expect(d.type).toBe(1);
    }
  });

  it('reports TCP queries as TCP, with the connection port', async () => {
    const query = encodeMessage(buildQuery('example.org.', 'TXT'));
    const { reply, clientPort } = await tcpAsk('127.0.0.1', server.port, query);
    await collector.waitFor(4);
    const all = messagesOf(collector);
    const cq = all.find((m) => m.type === MessageType.CLIENT_QUERY) as DnstapMessage;
    const cr = all.find((m) => m.type === MessageType.CLIENT_RESPONSE) as DnstapMessage;
    expect(cq).toMatchObject({
      socketProtocol: SocketProtocol.TCP,
      queryPort: clientPort,
      queryMessage: query,
    });
    expect(cr).toMatchObject({
      socketProtocol: SocketProtocol.TCP,
      queryPort: clientPort,
      responseMessage: reply,
    });
  });

  it.skipIf(!hasIPv6Loopback)('stores an IPv6 client address in 16 octets with family INET6', async () => {
    const query = encodeMessage(buildQuery('example.org.', 'AAAA'));
    const { clientPort } = await udpAsk('::1', server.port, query);
    await collector.waitFor(4);
    const cq = messagesOf(collector).find((m) => m.type === MessageType.CLIENT_QUERY) as DnstapMessage;
    expect(cq.socketFamily).toBe(SocketFamily.INET6);
    expect(cq.queryAddress).toEqual(bytes(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1));
    expect(cq.queryPort).toBe(clientPort);
  });

  it('answers queries outside its zone without tapping them (they never reach the chain)', async () => {
    await udpAsk('127.0.0.1', server.port, encodeMessage(buildQuery('example.net.', 'A')));
    await udpAsk('127.0.0.1', server.port, encodeMessage(buildQuery('example.org.', 'A')));
    await collector.waitFor(4);
    expect(collector.messages).toHaveLength(4);
  });
});

describe('dnstap without full, over TCP, two taps in one block', () => {
  it('sends no wire messages, and each tap gets every message', async () => {
    const a = await Collector.start();
    const b = await Collector.start();
    const server = await startTestServer({
      corefile: ([port]) =>
        `example.org:${port} {\n  dnstap tcp://127.0.0.1:${a.port}\n  dnstap tcp://127.0.0.1:${b.port} full\n  whoami\n}\n`,
      plugins,
    });
    try {
      await server.query('example.org.', 'A');
      await a.waitFor(2);
      await b.waitFor(2);
      const [aq, ar] = a.messages.map((d: Dnstap) => d.message as DnstapMessage);
      expect(aq.type).toBe(MessageType.CLIENT_QUERY);
      expect(ar.type).toBe(MessageType.CLIENT_RESPONSE);
      expect(aq.queryMessage).toBeUndefined();
      expect(ar.responseMessage).toBeUndefined();
      expect(a.messages[0].extra).toBeUndefined();
      const [bq, br] = b.messages.map((d: Dnstap) => d.message as DnstapMessage);
      expect(bq.queryMessage).toBeDefined();
      expect(br.responseMessage).toBeDefined();
    } finally {
      await server.stop();
      await a.stop();
      await b.stop();
    }
    // Shutdown sent STOP on both connections.
    expect(a.connections[0].controls).toEqual(['READY', 'START', 'STOP']);
    expect(b.connections[0].controls).toEqual(['READY', 'START', 'STOP']);
  });
});
