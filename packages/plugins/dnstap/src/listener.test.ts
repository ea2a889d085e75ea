import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { connect as tlsConnect } from 'node:tls';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { definePlugin, Rcode, type Logger } from '@tsdns/core';
import { freePorts, startTestServer } from '@tsdns/testing';
import dnstap from './index.js';
import { ControlType, DNSTAP_CONTENT_TYPE, FrameStreamParser, encodeControl } from './framestream.js';
import { DATA_FRAME_HEADER_LENGTH, sealDataFrame } from './framestream.js';
import { DnstapListener } from './listener.js';
import { DNSTAP_TYPE_MESSAGE, MessageType, decodeDnstap, encodeDnstap } from './proto.js';
import { Collector } from './test-support/collector.js';

const silent: Logger = {
  debug() {},
  info() {},
  warning() {},
  error() {},
  fatal(m: string): never {
    throw new Error(m);
  },
};

function frame(n: number, padding = 0): Uint8Array {
  return sealDataFrame(
    encodeDnstap(
      {
        type: DNSTAP_TYPE_MESSAGE,
        extra: padding > 0 ? new Uint8Array(padding) : undefined,
        message: { type: MessageType.CLIENT_QUERY, queryPort: n },
      },
      DATA_FRAME_HEADER_LENGTH,
    ),
  );
}

async function until(cond: () => boolean, timeoutMs = 3000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 10));
  }
}

let dir: string;
const cleanup: (() => Promise<void> | void)[] = [];
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'tsdns-dnstap-listen-'));
});
afterEach(async () => {
  for (const f of cleanup.splice(0).reverse()) await f();
  rmSync(dir, { recursive: true, force: true });
});

describe('DnstapListener', () => {
  it('makes nothing without collectors, and sends every message to each collector after its handshake', async () => {
    const path = join(dir, 'listen.sock');
    const l = new DnstapListener({
      endpoint: { kind: 'unix', path },
      writeBufferBytes: 1 << 20,
      log: silent,
    });
    cleanup.push(() => l.close());
    await l.start();
    expect(l.admit()).toBe(false);
    const a = await Collector.connect({ path });
    const b = await Collector.connect({ path });
    cleanup.push(
      () => a.stop(),
      () => b.stop(),
    );
    await until(() => l.collectors === 2);
    expect(l.admit()).toBe(true);
    for (let i = 1; i <= 100; i++) l.enqueue(frame(i));
    await a.waitFor(100);
    await b.waitFor(100);
    for (const c of [a, b]) {
      expect(c.messages.map((m) => m.message?.queryPort)).toEqual(
        Array.from({ length: 100 }, (_, i) => i + 1),
      );
      expect(c.connections[0].readyContentTypes).toEqual([DNSTAP_CONTENT_TYPE]);
      expect(c.protocolErrors).toEqual([]);
    }
    expect(l.stats.sent).toBe(200);
    await l.close();
    await until(() => a.connections[0].controls.includes('STOP'));
  });

  it('drops messages for a collector that does not read, and only for it', async () => {
    const [port] = await freePorts(1);
    const l = new DnstapListener({
      endpoint: { kind: 'tcp', host: '127.0.0.1', port },
      writeBufferBytes: 64 * 1024,
      log: silent,
    });
    cleanup.push(() => l.close());
    await l.start();
    const reader = await Collector.connect({ port });
    const stuck = await Collector.connect({ port });
    cleanup.push(
      () => reader.stop(),
      () => stuck.stop(),
    );
    await until(() => l.collectors === 2);
    [...stuck.sockets][0].pause();
    let sent = 0;
    while (l.stats.dropped === 0 && sent < 50_000) {
      for (let i = 0; i < 10; i++) l.enqueue(frame(sent++ % 60000, 2000));
      await new Promise((r) => setImmediate(r));
    }
    expect(l.stats.dropped).toBeGreaterThan(0);
    await reader.waitFor(sent, 10_000);
    expect(reader.messages).toHaveLength(sent);
  });
});

/** Answers every query; what dnstap watches. */
const answer = definePlugin({
  name: 'answer',
  setup(c) {
    while (c.next());
    c.addHandler(() => ({
      name: 'answer',
      serveDNS(req, w) {
        w.write(req.reply());
        return Rcode.NOERROR;
      },
    }));
  },
});

describe('dnstap listen through the server', () => {
  it('serves collectors that connect, and keeps them connected across a reload', async () => {
    const path = join(dir, 'tap.sock');
    const corefile = ([port]: readonly number[]): string =>
      `example.org:${port} {\n  dnstap listen unix://${path} full\n  answer\n}\n`;
    const server = await startTestServer({ corefile, plugins: [dnstap, answer] });
    cleanup.push(() => server.stop());
    const c = await Collector.connect({ path });
    cleanup.push(() => c.stop());
    await new Promise((r) => setTimeout(r, 50));
    await server.query('example.org.', 'A');
    await c.waitFor(2);
    await server.reload(corefile);
    await server.query('www.example.org.', 'A');
    await c.waitFor(4);
    expect(c.messages.map((m) => m.message?.type)).toEqual([
      MessageType.CLIENT_QUERY,
      MessageType.CLIENT_RESPONSE,
      MessageType.CLIENT_QUERY,
      MessageType.CLIENT_RESPONSE,
    ]);
    expect(c.connections).toHaveLength(1);
    expect(c.messages[1].message?.responseMessage).toBeDefined();
  });

  const hasOpenssl = spawnSync('openssl', ['version'], { stdio: 'ignore' }).error === undefined;

  it.skipIf(!hasOpenssl)('listens with TLS', async () => {
    const cert = join(dir, 'cert.pem');
    const key = join(dir, 'key.pem');
    const made = spawnSync('openssl', [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-keyout',
      key,
      '-out',
      cert,
      '-days',
      '1',
      '-subj',
      '/CN=localhost',
      '-addext',
      'subjectAltName=IP:127.0.0.1',
    ]);
    expect(made.status).toBe(0);
    const [dnsPort, tapPort] = await freePorts(2);
    const server = await startTestServer({
      corefile: `example.org:${dnsPort} {\n  dnstap listen tls://127.0.0.1:${tapPort} {\n    tls ${cert} ${key}\n  }\n  answer\n}\n`,
      plugins: [dnstap, answer],
    });
    cleanup.push(() => server.stop());
    const socket = tlsConnect({ host: '127.0.0.1', port: tapPort, ca: readFileSync(cert) });
    cleanup.push(() => void socket.destroy());
    const parser = new FrameStreamParser();
    const types: number[] = [];
    let started = false;
    socket.on('data', (chunk: Buffer) => {
      for (const f of parser.push(chunk)) {
        if (f.kind === 'control' && f.type === ControlType.READY)
          socket.write(encodeControl(ControlType.ACCEPT, [DNSTAP_CONTENT_TYPE]));
        else if (f.kind === 'control' && f.type === ControlType.START) started = true;
        else if (f.kind === 'data') types.push(decodeDnstap(f.payload).message?.type ?? 0);
      }
    });
    await until(() => started);
    await server.query('example.org.', 'A');
    await until(() => types.length === 2);
    expect(types).toEqual([MessageType.CLIENT_QUERY, MessageType.CLIENT_RESPONSE]);
    expect(socket.authorized).toBe(true);
  });
});
