/**
 * The transfer mechanism behind the real server: TCP streams of several messages through
 * the server's writers, UDP refusals, and our own transfer client (transferIn, querySoa)
 * against it.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { captureLog, type LogCapture } from '../log.js';
import { startServer } from '../server/instance.js';
import type { ServerInstance } from '../server/types.js';
import { TcpTestClient, frame, udpExchange, udpExchangeRaw } from '../server/test-support/client.js';
import { Flag, Opcode, Rcode } from '../wire/constants.js';
import { encodeMessage } from '../wire/encode.js';
import { getRcode } from '../wire/header.js';
import type { ResourceRecord } from '../wire/types.js';
import { AddressAcl } from './acl.js';
import { definePlugin } from './define.js';
import { nextOrFailure } from './handler.js';
import { serveTransfer, isTransferQuery } from './transfer.js';
import { TransferError, querySoa, transferIn, transferQuery } from './transfer-in.js';
import { notifyMessage } from './notify.js';
import { MemoryTransferer, hosts, ns, soa, txt } from './test-support/transfer.js';

const Z = 'example.org.';
let zones: MemoryTransferer;
/** Queries that reached the xfr handler. */
let served = 0;

/** `xfr TO...`: serves the zones of `zones`: SOA queries, and transfers to TO. */
const xfrPlugin = definePlugin({
  name: 'xfr',
  setup(c) {
    c.next();
    const acl = AddressAcl.parse(c.remainingArgs());
    c.addHandler((next) => ({
      name: 'xfr',
      serveDNS(req, w) {
        served++;
        if (isTransferQuery(req)) {
          const r = serveTransfer(req, w, zones, { acl, plugin: 'xfr' });
          if (r !== undefined) return r;
        } else if (req.qtype === 'SOA' && zones.zones.has(req.name)) {
          const msg = req.reply();
          msg.flags |= Flag.AA;
          msg.answers = [(zones.zones.get(req.name) as { soa: ResourceRecord }).soa];
          w.write(msg);
          return Rcode.NOERROR;
        }
        return nextOrFailure('xfr', next, req, w);
      },
    }));
  },
});

let logs: LogCapture;
let server: ServerInstance;
let port: number;

async function start(to: string): Promise<void> {
  server = await startServer(
    { text: `${Z} {\n  xfr ${to}\n}\n`, filename: 'Corefile' },
    { plugins: [xfrPlugin], quiet: true, defaultPort: '0' },
  );
  port = server.listeners[0].port;
}

beforeEach(() => {
  logs = captureLog();
  zones = new MemoryTransferer();
  zones.batchSize = 1000;
});
afterEach(async () => {
  await server?.stop();
  logs.restore();
});

const peer = (): { host: string; port: number } => ({ host: '127.0.0.1', port });

describe('zone transfers through the server', () => {
  it('streams a large zone in several messages that transferIn reads back whole', async () => {
    const records = [ns(Z, `ns1.${Z}`), ...hosts(Z, 20_000)];
    zones.set(Z, 2024010101, records);
    await start('127.0.0.1');

    const client = await TcpTestClient.connect(port);
    try {
      await client.write(frame(encodeMessage(transferQuery(Z, 31))));
      for (let n = 1; ; n++) {
        const msgs = await client.waitFor(n, 5000);
        const last = msgs[msgs.length - 1];
        if (msgs.length > 1 && last.answers[last.answers.length - 1]?.type === 'SOA') break;
      }
      const msgs = client.answers;
      expect(msgs.length).toBeGreaterThan(3);
      for (const m of msgs) {
        expect(m.id).toBe(31);
        expect(encodeMessage(m).length).toBeLessThanOrEqual(64_000);
      }
      expect(msgs.reduce((n, m) => n + m.answers.length, 0)).toBe(records.length + 2);
    } finally {
      client.close();
    }

    const got = await transferIn(Z, peer());
    expect(got.kind).toBe('axfr');
    if (got.kind !== 'axfr') return;
    expect(got.soa.data.serial).toBe(2024010101);
    expect(got.records).toHaveLength(records.length + 1);
    expect(got.records.slice(1)).toEqual(records);
  });

  it('pulls an IXFR, then "current", and falls back to the whole zone for an unknown serial', async () => {
    zones.set(Z, 1, [ns(Z, `ns1.${Z}`), txt(Z, 'v1')]);
    zones.set(Z, 2, [ns(Z, `ns1.${Z}`), txt(Z, 'v2')]);
    await start('*');
    const ixfr = await transferIn(Z, peer(), { ixfrFromSerial: 1 });
    expect(ixfr).toEqual({
      kind: 'ixfr',
      soa: soa(Z, 2),
      steps: [{ from: soa(Z, 1), to: soa(Z, 2), deleted: [txt(Z, 'v1')], added: [txt(Z, 'v2')] }],
    });
    expect(await transferIn(Z, peer(), { ixfrFromSerial: 2 })).toEqual({ kind: 'current', soa: soa(Z, 2) });
    const full = await transferIn(Z, peer(), { ixfrFromSerial: 100 });
    expect(full).toEqual({ kind: 'current', soa: soa(Z, 2) });
    const old = await transferIn(Z, peer(), { ixfrFromSerial: 0 });
    expect(old).toEqual({
      kind: 'axfr',
      soa: soa(Z, 2),
      records: [soa(Z, 2), ns(Z, `ns1.${Z}`), txt(Z, 'v2')],
    });
  });

  it('refuses clients outside the list, and AXFR over UDP', async () => {
    zones.set(Z, 1, [ns(Z, `ns1.${Z}`)]);
    await start('192.0.2.1 10.0.0.0/8');
    const err = await transferIn(Z, peer()).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TransferError);
    expect((err as TransferError).rcode).toBe(Rcode.REFUSED);

    const udp = await udpExchange(port, transferQuery(Z, 5));
    expect(getRcode(udp)).toBe(Rcode.REFUSED);
  });

  it('answers IXFR over UDP', async () => {
    zones.set(Z, 1, [ns(Z, `ns1.${Z}`), txt(Z, 'v1')]);
    zones.set(Z, 2, [ns(Z, `ns1.${Z}`), txt(Z, 'v2')]);
    await start('127.0.0.1');
    const reply = await udpExchange(port, transferQuery(Z, 6, 1));
    expect(reply.answers).toEqual([soa(Z, 2), soa(Z, 1), txt(Z, 'v1'), soa(Z, 2), txt(Z, 'v2'), soa(Z, 2)]);
  });

  it('answers a transfer of a zone it does not serve with what the rest of the chain says', async () => {
    await start('*');
    const err = await transferIn('other.org.', peer()).catch((e: unknown) => e);
    // No server block for other.org.: the server refuses.
    expect((err as TransferError).rcode).toBe(Rcode.REFUSED);
  });

  it('drops NOTIFY answers that reach it instead of serving them as queries', async () => {
    zones.set(Z, 1, []);
    await start('*');
    served = 0;
    const answer = notifyMessage(Z, 77);
    answer.flags |= Flag.QR;
    expect((answer.flags >> 11) & 0xf).toBe(Opcode.NOTIFY);
    expect(await udpExchangeRaw(port, encodeMessage(answer), '127.0.0.1', 300)).toBeUndefined();
    expect(served).toBe(0);
  });

  it('queries the SOA', async () => {
    zones.set(Z, 77, []);
    await start('*');
    expect(await querySoa(Z, peer())).toEqual(soa(Z, 77));
    await expect(querySoa('sub.example.org.', peer())).rejects.toThrow(TransferError);
    await expect(querySoa(Z, { host: '127.0.0.1', port: 9 }, { timeoutMs: 50, attempts: 2 })).rejects.toThrow(
      /no answer|ECONNREFUSED/,
    );
  });
});
