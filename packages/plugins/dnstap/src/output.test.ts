import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { metricFamily, type Logger } from '@tsdns/core';
import { DATA_FRAME_HEADER_LENGTH, DNSTAP_CONTENT_TYPE, sealDataFrame } from './framestream.js';
import { DnstapOutput, type DnstapEndpoint, type DnstapOutputOptions } from './output.js';
import { DNSTAP_TYPE_MESSAGE, MessageType, encodeDnstap } from './proto.js';
import { Collector } from './test-support/collector.js';

/** A frame whose query_port carries `n`, so the collector can tell the frames apart. */
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

function testLog(lines: string[]): Logger {
  const put = (level: string) => (m: string) => void lines.push(`[${level}] ${m}`);
  return {
    debug: put('DEBUG'),
    info: put('INFO'),
    warning: put('WARNING'),
    error: put('ERROR'),
    fatal: (m: string) => {
      throw new Error(m);
    },
  };
}

const ports = (c: Collector): number[] => c.messages.map((m) => m.message?.queryPort ?? -1);

async function until(cond: () => boolean, timeoutMs = 3000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 10));
  }
}

let dir: string;
const cleanup: (() => Promise<void> | void)[] = [];
let logs: string[];

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'tsdns-dnstap-'));
  logs = [];
});

afterEach(async () => {
  for (const f of cleanup.splice(0).reverse()) await f();
  rmSync(dir, { recursive: true, force: true });
});

function output(endpoint: DnstapEndpoint, extra: Partial<DnstapOutputOptions> = {}): DnstapOutput {
  const o = new DnstapOutput({
    endpoint,
    queueLimit: 10_000,
    writeBufferBytes: 1 << 20,
    reconnectMinMs: 20,
    reconnectMaxMs: 200,
    log: testLog(logs),
    ...extra,
  });
  cleanup.push(() => o.close());
  return o;
}

async function collector(opts: Parameters<typeof Collector.start>[0]): Promise<Collector> {
  const c = await Collector.start(opts);
  cleanup.push(() => c.stop());
  return c;
}

describe('DnstapOutput', () => {
  for (const kind of ['unix', 'tcp'] as const) {
    it(`does the Frame Streams handshake and delivers frames in order over ${kind}`, async () => {
      const path = join(dir, 'tap.sock');
      const c = await collector(kind === 'unix' ? { path } : {});
      const o = output(kind === 'unix' ? { kind, path } : { kind, host: '127.0.0.1', port: c.port });
      // Frames taken before the connection is up wait for it.
      o.enqueue(frame(1));
      o.start();
      for (let i = 2; i <= 500; i++) o.enqueue(frame(i));
      await c.waitFor(500);
      expect(ports(c)).toEqual(Array.from({ length: 500 }, (_, i) => i + 1));
      expect(c.connections[0].controls).toEqual(['READY', 'START']);
      expect(c.connections[0].readyContentTypes).toEqual([DNSTAP_CONTENT_TYPE]);
      expect(c.connections[0].startContentTypes).toEqual([DNSTAP_CONTENT_TYPE]);
      expect(c.protocolErrors).toEqual([]);
      expect(o.stats.sent).toBe(500);
      expect(o.stats.dropped).toBe(0);

      await o.close();
      await until(() => c.connections[0].controls.length === 3);
      expect(c.connections[0].controls).toEqual(['READY', 'START', 'STOP']);
    });
  }

  it('reconnects when the collector restarts, keeping what was queued meanwhile', async () => {
    const path = join(dir, 'tap.sock');
    let c = await Collector.start({ path });
    const o = output({ kind: 'unix', path });
    o.start();
    o.enqueue(frame(1));
    await c.waitFor(1);
    await c.stop();
    await until(() => !o.connected);
    // The collector is away: these wait in the queue.
    o.enqueue(frame(2));
    o.enqueue(frame(3));
    expect(o.queued).toBe(2);
    c = await collector({ path });
    await c.waitFor(2);
    expect(ports(c)).toEqual([2, 3]);
    expect(o.connects).toBe(2);
    expect(o.stats.dropped).toBe(0);
    expect(logs.some((l) => l.startsWith('[INFO] Connected to dnstap endpoint unix://'))).toBe(true);
  });

  it('keeps trying while no collector listens, logging the failure once', async () => {
    const path = join(dir, 'late.sock');
    const o = output({ kind: 'unix', path });
    o.start();
    o.enqueue(frame(7));
    await new Promise((r) => setTimeout(r, 300));
    const c = await collector({ path });
    await c.waitFor(1);
    expect(ports(c)).toEqual([7]);
    expect(logs.filter((l) => l.startsWith('[ERROR] No connection to dnstap endpoint')).length).toBe(1);
  });

  it('never blocks on a collector that stops reading: the queue fills, then drops are counted', async () => {
    const c = await collector({ stalled: true });
    const o = output(
      { kind: 'tcp', host: '127.0.0.1', port: c.port },
      { queueLimit: 100, writeBufferBytes: 64 * 1024, dropReportMs: 50 },
    );
    o.start();
    await until(() => c.connections.length === 1);
    // The stalled collector never sends ACCEPT, so nothing flows: 100 wait, the rest drop.
    const start = performance.now();
    for (let i = 0; i < 5000; i++) o.enqueue(frame(i, 400));
    const elapsed = performance.now() - start;
    expect(o.queued).toBe(100);
    expect(o.stats.dropped).toBe(4900);
    expect(elapsed).toBeLessThan(500);
    await until(() => logs.includes('[WARNING] Dropped dnstap messages: 4900'));
  });

  it('stops handing frames to a socket the collector does not drain, and resumes when it does', async () => {
    const c = await collector({});
    const o = output(
      { kind: 'tcp', host: '127.0.0.1', port: c.port },
      { queueLimit: 1000, writeBufferBytes: 256 * 1024 },
    );
    o.start();
    await until(() => o.connected);
    const conn = [...c.sockets][0];
    conn.pause();
    // Far more than the kernel buffers plus the write buffer limit hold.
    let n = 0;
    const deadline = Date.now() + 5000;
    while (o.stats.dropped === 0 && Date.now() < deadline) {
      for (let i = 0; i < 200; i++) o.enqueue(frame(n++, 1000));
      await new Promise((r) => setImmediate(r));
    }
    expect(o.stats.dropped).toBeGreaterThan(0);
    expect(o.queued).toBe(1000);
    const accepted = n - o.stats.dropped;
    conn.resume();
    await c.waitFor(accepted, 10_000);
    expect(c.messages).toHaveLength(accepted);
    // Delivered in order, with the dropped ones simply missing.
    const got = ports(c);
    expect([...got].sort((a, b) => a - b)).toEqual(got);
  });

  it('reconnects after a handshake the collector answers with another content type', async () => {
    const c = await collector({ accept: ['protobuf:other.Thing'] });
    const o = output({ kind: 'tcp', host: '127.0.0.1', port: c.port });
    o.start();
    await until(() => c.connections.length >= 2);
    expect(o.connected).toBe(false);
    expect(logs.some((l) => l.includes('does not accept protobuf:dnstap.Dnstap'))).toBe(true);
  });

  it('exports sent, dropped and queued as metrics by endpoint', async () => {
    const path = join(dir, 'metrics.sock');
    const endpoint = `unix://${path}`;
    const value = (name: string): number => {
      const series = metricFamily(name)
        ?.series()
        .find((x) => x.values[0] === endpoint);
      return (series?.child as { value: number } | undefined)?.value ?? -1;
    };
    const o = output({ kind: 'unix', path }, { queueLimit: 3 });
    for (let i = 0; i < 5; i++) o.enqueue(frame(i));
    expect(value('coredns_dnstap_queue_length')).toBe(3);
    expect(value('coredns_dnstap_dropped_total')).toBe(2);
    const c = await collector({ path });
    o.start();
    await c.waitFor(3);
    expect(value('coredns_dnstap_sent_total')).toBe(3);
    expect(value('coredns_dnstap_queue_length')).toBe(0);
  });

  it('admits frames while the queue has room, and counts a drop for each it refuses', () => {
    const o = output({ kind: 'unix', path: join(dir, 'admit.sock') }, { queueLimit: 2 });
    expect(o.admit()).toBe(true);
    o.enqueue(frame(1));
    o.enqueue(frame(2));
    expect(o.admit()).toBe(false);
    expect(o.admit()).toBe(false);
    expect(o.stats.dropped).toBe(2);
  });

  it('drops and counts what is still queued when closed without a connection', async () => {
    const o = output({ kind: 'unix', path: join(dir, 'none.sock') });
    o.start();
    o.enqueue(frame(1));
    o.enqueue(frame(2));
    await o.close();
    expect(o.stats.dropped).toBe(2);
    o.enqueue(frame(3));
    expect(o.stats.dropped).toBe(3);
    expect(logs).toContain('[WARNING] Dropped dnstap messages: 2');
  });
});
