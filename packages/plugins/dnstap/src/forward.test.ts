import { createSocket, type Socket } from 'node:dgram';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Flag, decodeMessage, encodeMessage } from '@tsdns/core';
import { startTestServer, type TestServer } from '@tsdns/testing';
import forward from '@tsdns/plugin-forward';
import dnstap from './index.js';
import { MessageType, SocketFamily, SocketProtocol, type DnstapMessage } from './proto.js';
import { Collector } from './test-support/collector.js';

/** An upstream on UDP that answers every query with one A record and remembers its bytes. */
async function upstream(): Promise<{ socket: Socket; port: number; replies: Uint8Array[] }> {
  const socket = createSocket('udp4');
  const replies: Uint8Array[] = [];
  socket.on('message', (bytes, rinfo) => {
    const q = decodeMessage(bytes);
    const reply = encodeMessage({
      id: q.id,
      flags: Flag.QR | Flag.RA | (q.flags & Flag.RD),
      questions: q.questions,
      answers: [{ name: q.questions[0].name, type: 'A', class: 'IN', ttl: 60, data: '192.0.2.80' }],
      authorities: [],
      additionals: [],
    });
    replies.push(reply);
    socket.send(reply, rinfo.port, rinfo.address);
  });
  socket.bind(0, '127.0.0.1');
  await once(socket, 'listening');
  return { socket, port: socket.address().port, replies };
}

describe('dnstap with forward', () => {
  let dir: string;
  let collector: Collector;
  let up: Awaited<ReturnType<typeof upstream>>;
  let server: TestServer;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'tsdns-dnstap-'));
    collector = await Collector.start({ path: join(dir, 'tap.sock') });
    up = await upstream();
    server = await startTestServer({
      corefile: ([port]) =>
        `.:${port} {\n  dnstap ${dir}/tap.sock full\n  forward . 127.0.0.1:${up.port} {\n    max_fails 0\n  }\n}\n`,
      plugins: [dnstap, forward],
    });
  });
  afterAll(async () => {
    await server.stop();
    await collector.stop();
    up.socket.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('sends CLIENT_QUERY, FORWARDER_QUERY, FORWARDER_RESPONSE and CLIENT_RESPONSE, in that order', async () => {
    const reply = await server.query('www.example.com.', 'A');
    expect(reply.answers).toHaveLength(1);
    await collector.waitFor(4);
    const messages = collector.messages.map((d) => d.message as DnstapMessage);
    expect(messages.map((m) => m.type)).toEqual([
      MessageType.CLIENT_QUERY,
      MessageType.FORWARDER_QUERY,
      MessageType.FORWARDER_RESPONSE,
      MessageType.CLIENT_RESPONSE,
    ]);
    const [, fq, fr] = messages;
    for (const m of [fq, fr]) {
      expect(m).toMatchObject({
        socketFamily: SocketFamily.INET,
        socketProtocol: SocketProtocol.UDP,
        responseAddress: Uint8Array.from([127, 0, 0, 1]),
        responsePort: up.port,
      });
    }
    expect(decodeMessage(fq.queryMessage as Uint8Array).questions).toEqual([
      { name: 'www.example.com.', type: 'A', class: 'IN' },
    ]);
    // The upstream's reply, byte for byte.
    expect(fr.responseMessage).toEqual(up.replies[0]);
    const sent = (fq.queryTimeSec as number) * 1e3 + (fq.queryTimeNsec as number) / 1e6;
    const received = (fr.responseTimeSec as number) * 1e3 + (fr.responseTimeNsec as number) / 1e6;
    expect(received).toBeGreaterThanOrEqual(sent);
  });
});
