import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { captureLog, type LogCapture } from '../log.js';
import { Flag, Rcode } from '../wire/constants.js';
import { encodeMessage } from '../wire/encode.js';
import { getRcode } from '../wire/header.js';
import type { Message, ResourceRecord } from '../wire/types.js';
import { AddressAcl } from './acl.js';
import { HandlerError } from './handler.js';
import { Request } from './request.js';
import { serveTransfer, isTransferQuery, type TransferOptions } from './transfer.js';
import {
  CaptureWriter,
  MemoryTransferer,
  a,
  hosts,
  ns,
  soa,
  transferRequest,
  txt,
} from './test-support/transfer.js';

const Z = 'example.org.';
const everyone: TransferOptions = { acl: AddressAcl.parse(['*']) };
let logs: LogCapture;

beforeEach(() => {
  logs = captureLog();
});
afterEach(() => logs.restore());

function zoneOf(count: number): ResourceRecord[] {
  return [ns(Z, `ns1.${Z}`), ...hosts(Z, count)];
}

function source(serial = 10, count = 50): MemoryTransferer {
  const t = new MemoryTransferer();
  t.set(Z, serial, zoneOf(count));
  return t;
}

function rrKey(rr: ResourceRecord): string {
  return JSON.stringify(rr);
}

/** Checks the RFC 5936 framing of an AXFR answer and returns its records without the closing SOA. */
function checkAxfr(msgs: readonly Message[], id: number, serial: number): ResourceRecord[] {
  expect(msgs.length).toBeGreaterThan(0);
  for (const m of msgs) {
    expect(m.id).toBe(id);
    expect(m.flags & Flag.QR).toBe(Flag.QR);
    expect(m.flags & Flag.AA).toBe(Flag.AA);
    expect(m.flags & Flag.TC).toBe(0);
    expect(getRcode(m)).toBe(Rcode.NOERROR);
    expect(m.questions).toEqual([{ name: Z, type: 'AXFR', class: 'IN' }]);
  }
  const all = msgs.flatMap((m) => m.answers);
  expect(all[0]).toEqual(soa(Z, serial));
  expect(all[all.length - 1]).toEqual(soa(Z, serial));
  expect(all.filter((r) => r.type === 'SOA')).toHaveLength(2);
  return all.slice(0, -1);
}

describe('serveTransfer: AXFR', () => {
  it('is for AXFR and IXFR queries only', () => {
    const w = new CaptureWriter();
    expect(isTransferQuery(transferRequest(Z, w))).toBe(true);
    expect(isTransferQuery(transferRequest(Z, w, { serial: 1 }))).toBe(true);
    const q = new Request(
      {
        id: 1,
        flags: 0,
        questions: [{ name: Z, type: 'SOA', class: 'IN' }],
        answers: [],
        authorities: [],
        additionals: [],
      },
      w,
    );
    expect(isTransferQuery(q)).toBe(false);
  });

  it('streams the zone with SOA first and last, in one message when it fits', async () => {
    const w = new CaptureWriter();
    const rcode = await serveTransfer(transferRequest(Z, w, { id: 7 }), w, source(10, 20), everyone);
    expect(rcode).toBe(Rcode.NOERROR);
    expect(w.messages).toHaveLength(1);
    const records = checkAxfr(w.messages, 7, 10);
    expect(records.map(rrKey).sort()).toEqual([soa(Z, 10), ...zoneOf(20)].map(rrKey).sort());
    expect(logs.lines).toContain(
      `[INFO] plugin/transfer: Outgoing transfer of 23 records of zone "${Z}" to 127.0.0.1 for 10 SOA serial`,
    );
  });

  it('splits a large zone into compressed messages that each fit the size', async () => {
    const w = new CaptureWriter();
    const t = source(10, 3000);
    t.batchSize = 777;
    await serveTransfer(transferRequest(Z, w), w, t, { ...everyone, messageSize: 4096 });
    expect(w.messages.length).toBeGreaterThan(10);
    let total = 0;
    for (const m of w.messages) {
      const size = encodeMessage(m).length;
      expect(size).toBeLessThanOrEqual(4096);
      total += size;
      // Compression: far smaller than the records uncompressed.
      expect(size).toBeLessThan(encodeMessage(m, { compress: false }).length * 0.8);
    }
    // Messages come out nearly full (the last one aside).
    expect(total / w.messages.length).toBeGreaterThan(4096 * 0.85);
    const records = checkAxfr(w.messages, 4242, 10);
    expect(records).toHaveLength(3002);
    expect(new Set(records.map(rrKey)).size).toBe(3002);
  });

  it('copies EDNS into every message when the query had it', async () => {
    const w = new CaptureWriter();
    await serveTransfer(transferRequest(Z, w, { edns: true }), w, source(10, 500), {
      ...everyone,
      messageSize: 2048,
    });
    expect(w.messages.length).toBeGreaterThan(1);
    for (const m of w.messages) expect(m.additionals.filter((r) => r.type === 'OPT')).toHaveLength(1);
  });

  it('refuses AXFR over UDP', () => {
    const w = new CaptureWriter('udp');
    expect(serveTransfer(transferRequest(Z, w), w, source(), everyone)).toBe(Rcode.REFUSED);
    expect(w.messages).toHaveLength(0);
  });

  it('returns undefined for a zone no source serves (the caller passes it on)', () => {
    const w = new CaptureWriter();
    expect(serveTransfer(transferRequest(`www.${Z}`, w), w, source(), everyone)).toBeUndefined();
    expect(
      serveTransfer(transferRequest('other.org.', w), w, [source(), source()], everyone),
    ).toBeUndefined();
    expect(w.messages).toHaveLength(0);
  });

  it('uses the first source that serves the zone', async () => {
    const other = new MemoryTransferer();
    other.set('other.org.', 3, []);
    const w = new CaptureWriter();
    await serveTransfer(transferRequest(Z, w), w, [other, source(77)], everyone);
    checkAxfr(w.messages, 4242, 77);
  });

  it('stops without error when the client goes away', async () => {
    const w = new CaptureWriter();
    let n = 0;
    w.writable = () => (++n < 3 ? true : Promise.resolve(false));
    const rcode = await serveTransfer(transferRequest(Z, w), w, source(10, 5000), {
      ...everyone,
      messageSize: 1024,
    });
    expect(rcode).toBe(Rcode.NOERROR);
    expect(w.messages).toHaveLength(3);
    expect(logs.lines.some((l) => l.includes('abandoned after') && l.includes('went away'))).toBe(true);
  });

  it('waits for a slow reader, and gives up on a stalled one', async () => {
    const w = new CaptureWriter();
    w.writable = () => new Promise((resolve) => setTimeout(() => resolve(true), 1));
    await serveTransfer(transferRequest(Z, w), w, source(10, 2000), { ...everyone, messageSize: 4096 });
    checkAxfr(w.messages, 4242, 10);

    const stalled = new CaptureWriter();
    stalled.writable = () => new Promise(() => {});
    await serveTransfer(transferRequest(Z, stalled), stalled, source(10, 2000), {
      ...everyone,
      messageSize: 4096,
      stallTimeoutMs: 20,
    });
    expect(stalled.messages).toHaveLength(1);
    expect(logs.lines.some((l) => l.includes('stopped reading'))).toBe(true);
  });

  it('ends the stream with SERVFAIL when the source breaks, and reports it', async () => {
    const t = source(10, 3000);
    t.failAfterBatches = 5;
    const w = new CaptureWriter();
    await expect(
      serveTransfer(transferRequest(Z, w), w, t, { ...everyone, messageSize: 2048 }),
    ).rejects.toThrow(HandlerError);
    const last = w.messages[w.messages.length - 1];
    expect(getRcode(last)).toBe(Rcode.SERVFAIL);
    expect(last.answers).toHaveLength(0);
    expect(w.messages.length).toBeGreaterThan(1);
  });

  it('ends the stream with SERVFAIL when the source forgets the closing SOA', async () => {
    const t = source(10, 10);
    t.omitClosingSoa = true;
    const w = new CaptureWriter();
    await expect(serveTransfer(transferRequest(Z, w), w, t, everyone)).rejects.toThrow(
      'did not end with its SOA',
    );
    expect(w.messages.map(getRcode)).toEqual([Rcode.SERVFAIL]);
  });

  it('fails before writing when the source does not start with the SOA', async () => {
    const w = new CaptureWriter();
    const bad = { transfer: () => [[a(`www.${Z}`, '192.0.2.1')]] };
    await expect(serveTransfer(transferRequest(Z, w), w, bad, everyone)).rejects.toThrow('is not its SOA');
    expect(w.messages).toHaveLength(0);
  });

  it('rejects records after the closing SOA', async () => {
    const w = new CaptureWriter();
    const bad = {
      transfer: () => [[soa(Z, 1), a(`www.${Z}`, '192.0.2.1'), soa(Z, 1), a(`x.${Z}`, '192.0.2.2')]],
    };
    await expect(serveTransfer(transferRequest(Z, w), w, bad, everyone)).rejects.toThrow(
      'after the closing SOA',
    );
  });

  it('accepts synchronous sources', async () => {
    const w = new CaptureWriter();
    const sync = { transfer: () => [[soa(Z, 3), txt(Z, 'v=1')], [soa(Z, 3)]] };
    await serveTransfer(transferRequest(Z, w), w, sync, everyone);
    expect(checkAxfr(w.messages, 4242, 3)).toEqual([soa(Z, 3), txt(Z, 'v=1')]);
  });
});

describe('serveTransfer: who may transfer', () => {
  const cases: [string[], string, boolean][] = [
    [['192.0.2.1'], '192.0.2.1', true],
    [['192.0.2.1'], '192.0.2.2', false],
    [['192.0.2.1'], '::ffff:192.0.2.1', true],
    [['2001:db8::53'], '2001:db8::53', true],
    [['2001:db8::53'], '2001:db8::54', false],
    [['10.0.0.0/8'], '10.9.8.7', true],
    [['10.0.0.0/8'], '11.0.0.1', false],
    [['2001:db8::/32'], '2001:db8:ffff::1', true],
    [['2001:db8::/32'], '2001:db9::1', false],
    [['*'], '198.51.100.7', true],
    [['*'], '2001:db8::1', true],
    [[], '127.0.0.1', false],
  ];
  it.each(cases)('to %j: client %s allowed=%s', async (to, client, allowed) => {
    const w = new CaptureWriter('tcp', client);
    const rcode = await serveTransfer(transferRequest(Z, w), w, source(), { acl: AddressAcl.parse(to) });
    expect(rcode).toBe(Rcode.NOERROR);
    if (allowed) checkAxfr(w.messages, 4242, 10);
    else {
      expect(w.messages).toHaveLength(1);
      expect(getRcode(w.messages[0])).toBe(Rcode.REFUSED);
      expect(w.messages[0].answers).toHaveLength(0);
    }
  });

  it('refuses IXFR to clients not allowed, over UDP too', async () => {
    const w = new CaptureWriter('udp', '192.0.2.9');
    await serveTransfer(transferRequest(Z, w, { serial: 1 }), w, source(), {
      acl: AddressAcl.parse(['192.0.2.1']),
    });
    expect(w.messages.map(getRcode)).toEqual([Rcode.REFUSED]);
  });
});

describe('serveTransfer: IXFR', () => {
  /** Versions 1..4: 2 adds host2; 3 drops host0, adds host3 and www; 4 changes www's TTL. */
  function versions(): MemoryTransferer {
    const t = new MemoryTransferer();
    t.set(Z, 1, zoneOf(2));
    t.set(Z, 2, zoneOf(3));
    t.set(Z, 3, [ns(Z, `ns1.${Z}`), ...hosts(Z, 3, 1), a(`www.${Z}`, '192.0.2.80', 60)]);
    t.set(Z, 4, [ns(Z, `ns1.${Z}`), ...hosts(Z, 3, 1), a(`www.${Z}`, '192.0.2.80', 120)]);
    return t;
  }

  it('answers a current client with the SOA alone', async () => {
    const w = new CaptureWriter();
    await serveTransfer(transferRequest(Z, w, { serial: 4 }), w, versions(), everyone);
    expect(w.messages).toHaveLength(1);
    expect(w.messages[0].answers).toEqual([soa(Z, 4)]);
    expect(w.messages[0].flags & Flag.AA).toBe(Flag.AA);
    expect(logs.lines).toContain(
      `[INFO] plugin/transfer: Outgoing noop, incremental transfer for up to date zone "${Z}" to 127.0.0.1 for 4 SOA serial`,
    );
  });

  it('answers a client claiming a newer serial with the SOA alone', async () => {
    const w = new CaptureWriter();
    await serveTransfer(transferRequest(Z, w, { serial: 9 }), w, versions(), everyone);
    expect(w.messages.flatMap((m) => m.answers)).toEqual([soa(Z, 4)]);
  });

  it('sends the steps since the client serial (RFC 1995 section 4 layout)', async () => {
    const w = new CaptureWriter();
    await serveTransfer(transferRequest(Z, w, { serial: 2 }), w, versions(), everyone);
    const all = w.messages.flatMap((m) => m.answers);
    expect(all).toEqual([
      soa(Z, 4),
      soa(Z, 2),
      hosts(Z, 1)[0],
      soa(Z, 3),
      hosts(Z, 1, 3)[0],
      a(`www.${Z}`, '192.0.2.80', 60),
      soa(Z, 3),
      a(`www.${Z}`, '192.0.2.80', 60),
      soa(Z, 4),
      a(`www.${Z}`, '192.0.2.80', 120),
      soa(Z, 4),
    ]);
    for (const m of w.messages) expect(m.questions).toEqual([{ name: Z, type: 'IXFR', class: 'IN' }]);
    expect(
      logs.lines.some(
        (l) => l.includes('Outgoing incremental transfer of 11 records') && l.includes('from 2 to 4'),
      ),
    ).toBe(true);
  });

  it('falls back to the whole zone for a serial the history does not reach', async () => {
    const w = new CaptureWriter();
    await serveTransfer(transferRequest(Z, w, { serial: 0 }), w, versions(), everyone);
    const all = w.messages.flatMap((m) => m.answers);
    expect(all[0]).toEqual(soa(Z, 4));
    expect(all[1].type).not.toBe('SOA');
    expect(all[all.length - 1]).toEqual(soa(Z, 4));
    expect(all).toHaveLength(7);
  });

  it('falls back to the whole zone when the source keeps no history', async () => {
    const w = new CaptureWriter();
    const t = versions();
    const plain = { transfer: (zone: string) => t.transfer(zone) };
    await serveTransfer(transferRequest(Z, w, { serial: 3 }), w, plain, everyone);
    expect(w.messages.flatMap((m) => m.answers)).toHaveLength(7);
  });

  it('falls back to the whole zone when the steps do not reach the version being sent', async () => {
    const w = new CaptureWriter();
    const t = versions();
    const stale = { transfer: (zone: string) => t.transfer(zone), ixfr: () => t.ixfr(Z, 2)?.slice(0, 1) };
    await serveTransfer(transferRequest(Z, w, { serial: 2 }), w, stale, everyone);
    expect(w.messages.flatMap((m) => m.answers)).toHaveLength(7);
  });

  it('streams long differences over several messages', async () => {
    const t = new MemoryTransferer();
    t.set(Z, 1, hosts(Z, 1000));
    t.set(Z, 2, hosts(Z, 1000, 500));
    const w = new CaptureWriter();
    await serveTransfer(transferRequest(Z, w, { serial: 1 }), w, t, { ...everyone, messageSize: 2048 });
    expect(w.messages.length).toBeGreaterThan(5);
    const all = w.messages.flatMap((m) => m.answers);
    expect(all).toHaveLength(2 + 2 + 500 + 500);
    for (const m of w.messages) expect(encodeMessage(m).length).toBeLessThanOrEqual(2048);
  });

  it('answers over UDP when the answer fits one datagram', async () => {
    const w = new CaptureWriter('udp');
    await serveTransfer(transferRequest(Z, w, { serial: 3 }), w, versions(), everyone);
    expect(w.messages).toHaveLength(1);
    expect(w.messages[0].answers).toEqual([
      soa(Z, 4),
      soa(Z, 3),
      a(`www.${Z}`, '192.0.2.80', 60),
      soa(Z, 4),
      a(`www.${Z}`, '192.0.2.80', 120),
      soa(Z, 4),
    ]);
  });

  it('answers over UDP with the SOA alone when the answer would not fit', async () => {
    const t = new MemoryTransferer();
    t.set(Z, 1, hosts(Z, 10));
    t.set(Z, 2, hosts(Z, 60));
    const w = new CaptureWriter('udp');
    await serveTransfer(transferRequest(Z, w, { serial: 1 }), w, t, everyone);
    expect(w.messages.map((m) => m.answers)).toEqual([[soa(Z, 2)]]);

    // The AXFR form over UDP: the SOA alone for a zone too large, the zone when small.
    const big = new CaptureWriter('udp');
    await serveTransfer(transferRequest(Z, big, { serial: 0 }), big, source(5, 500), everyone);
    expect(big.messages.map((m) => m.answers)).toEqual([[soa(Z, 5)]]);
    const small = new CaptureWriter('udp');
    await serveTransfer(transferRequest(Z, small, { serial: 0 }), small, source(5, 2), everyone);
    expect(small.messages[0].answers).toHaveLength(5);
  });

  it('FORMERRs an IXFR without exactly one SOA of the zone in the authority section', () => {
    for (const authorities of [[], [soa(Z, 1), soa(Z, 2)], [soa('other.org.', 1)], [a(Z, '192.0.2.1')]]) {
      const w = new CaptureWriter();
      const req = transferRequest(Z, w, { serial: 1 });
      req.msg.authorities = authorities;
      expect(serveTransfer(req, w, versions(), everyone)).toBe(Rcode.FORMERR);
    }
  });
});
