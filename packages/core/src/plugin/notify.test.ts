import { createSocket, type RemoteInfo, type Socket } from 'node:dgram';
import { networkInterfaces } from 'node:os';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { captureLog, type LogCapture } from '../log.js';
import { Flag, Opcode, Rcode } from '../wire/constants.js';
import { decodeMessage } from '../wire/decode.js';
import { encodeMessage } from '../wire/encode.js';
import { getOpcode, setRcode } from '../wire/header.js';
import type { Message } from '../wire/types.js';
import { Notifier, formatTarget, notifyMessage, sendNotify } from './notify.js';
import { soa } from './test-support/transfer.js';

const Z = 'example.org.';
const hasIPv6Loopback = Object.values(networkInterfaces()).some((l) => l?.some((i) => i.address === '::1'));
const fast = { timeoutMs: 30, maxTimeoutMs: 60 };

/**
 * A secondary's NOTIFY port: records each NOTIFY; `answer` decides per NOTIFY (1-based)
 * whether to answer and with which rcode (undefined: stay silent).
 */
class Secondary {
  readonly received: { msg: Message; at: number }[] = [];
  answer: (n: number, msg: Message) => number | undefined = () => Rcode.NOERROR;
  /** Answers sent from a different socket (wrong source port) instead, when set. */
  spoof: Socket | undefined;

  private constructor(
    readonly socket: Socket,
    readonly host: string,
  ) {
    socket.on('message', (buf: Buffer, rinfo: RemoteInfo) => {
      const msg = decodeMessage(buf);
      this.received.push({ msg, at: performance.now() });
      const rcode = this.answer(this.received.length, msg);
      if (rcode === undefined) return;
      const reply: Message = { ...msg, flags: (msg.flags | Flag.QR) & ~0xf, answers: [] };
      setRcode(reply, rcode);
      (this.spoof ?? socket).send(encodeMessage(reply), rinfo.port, rinfo.address);
    });
  }

  static async start(host = '127.0.0.1'): Promise<Secondary> {
    const socket = createSocket(host.includes(':') ? 'udp6' : 'udp4');
    await new Promise<void>((resolve) => socket.bind(0, host, resolve));
    return new Secondary(socket, host);
  }

  get target(): { host: string; port: number } {
    return { host: this.host, port: this.socket.address().port };
  }

  close(): void {
    this.socket.close();
    this.spoof?.close();
  }
}

let logs: LogCapture;
const secondaries: Secondary[] = [];
beforeEach(() => {
  logs = captureLog();
});
afterEach(() => {
  logs.restore();
  for (const s of secondaries.splice(0)) s.close();
});

async function secondary(host?: string): Promise<Secondary> {
  const s = await Secondary.start(host);
  secondaries.push(s);
  return s;
}

describe('notifyMessage', () => {
  it('is opcode NOTIFY with AA and the zone SOA question (RFC 1996 3.3), the SOA optional', () => {
    const m = notifyMessage(Z, 77);
    expect(getOpcode(m)).toBe(Opcode.NOTIFY);
    expect(m.flags & Flag.AA).toBe(Flag.AA);
    expect(m.flags & Flag.QR).toBe(0);
    expect(m.questions).toEqual([{ name: Z, type: 'SOA', class: 'IN' }]);
    expect(m.answers).toEqual([]);
    expect(notifyMessage(Z, 77, soa(Z, 5)).answers).toEqual([soa(Z, 5)]);
  });
});

describe('sendNotify', () => {
  it('sends one NOTIFY and is done at the first NOERROR answer', async () => {
    const s = await secondary();
    const r = await sendNotify(Z, s.target, fast);
    expect(r).toEqual({ target: s.target, ok: true, attempts: 1 });
    expect(s.received).toHaveLength(1);
    const m = s.received[0].msg;
    expect(getOpcode(m)).toBe(Opcode.NOTIFY);
    expect(m.questions[0]).toEqual({ name: Z, type: 'SOA', class: 'IN' });
  });

  it('retransmits the same message with a doubling wait until answered', async () => {
    const s = await secondary();
    s.answer = (n) => (n < 4 ? undefined : Rcode.NOERROR);
    const r = await sendNotify(Z, s.target, { timeoutMs: 40, maxTimeoutMs: 1000, attempts: 5 });
    expect(r.ok).toBe(true);
    expect(r.attempts).toBe(4);
    expect(new Set(s.received.map((x) => x.msg.id)).size).toBe(1);
    const gaps = s.received.slice(1).map((x, i) => x.at - s.received[i].at);
    expect(gaps[0]).toBeGreaterThanOrEqual(35);
    expect(gaps[1]).toBeGreaterThanOrEqual(75);
    expect(gaps[2]).toBeGreaterThanOrEqual(155);
  });

  it('gives up after the attempts when nobody answers', async () => {
    const s = await secondary();
    s.answer = () => undefined;
    const r = await sendNotify(Z, s.target, { ...fast, attempts: 3 });
    expect(r).toEqual({ target: s.target, ok: false, attempts: 3, reason: 'no answer after 3 attempts' });
    expect(s.received).toHaveLength(3);
  });

  it('stops at a refusal without retrying', async () => {
    const s = await secondary();
    s.answer = () => Rcode.NOTAUTH;
    const r = await sendNotify(Z, s.target, fast);
    expect(r).toMatchObject({ ok: false, attempts: 1, reason: 'rcode was NOTAUTH', rcode: Rcode.NOTAUTH });
  });

  it('ignores answers from another port', async () => {
    const s = await secondary();
    s.spoof = createSocket('udp4');
    const r = await sendNotify(Z, s.target, { ...fast, attempts: 2 });
    expect(r.ok).toBe(false);
    expect(s.received).toHaveLength(2);
  });

  it('carries the SOA when given', async () => {
    const s = await secondary();
    await sendNotify(Z, s.target, { ...fast, soa: soa(Z, 2024) });
    expect(s.received[0].msg.answers).toEqual([soa(Z, 2024)]);
  });

  it.skipIf(!hasIPv6Loopback)('notifies IPv6 targets', async () => {
    const s = await secondary('::1');
    expect((await sendNotify(Z, s.target, fast)).ok).toBe(true);
  });

  it('sends from the source address when one is given', async () => {
    const s = await secondary();
    let from = '';
    s.answer = () => Rcode.NOERROR;
    s.socket.once('message', (_b, rinfo) => (from = rinfo.address));
    expect((await sendNotify(Z, s.target, { ...fast, source: '127.0.0.1' })).ok).toBe(true);
    expect(from).toBe('127.0.0.1');
  });
});

describe('Notifier', () => {
  it('notifies every target in parallel and logs the ones that fail, in CoreDNS words', async () => {
    const good = await secondary();
    const silent = await secondary();
    silent.answer = () => undefined;
    const refusing = await secondary();
    refusing.answer = () => Rcode.REFUSED;
    const n = new Notifier([good.target, silent.target, refusing.target], { ...fast, attempts: 2 });
    const results = await n.notify(Z);
    expect(results.map((r) => r.ok)).toEqual([true, false, false]);
    expect(logs.lines).toEqual([
      `[ERROR] plugin/transfer: notify for zone "${Z}" was not accepted by "${formatTarget(silent.target)}": no answer after 2 attempts`,
      `[ERROR] plugin/transfer: notify for zone "${Z}" was not accepted by "${formatTarget(refusing.target)}": rcode was REFUSED`,
    ]);
  });

  it('drops the retries of an older change of the same zone', async () => {
    const s = await secondary();
    s.answer = (count) => (count < 3 ? undefined : Rcode.NOERROR);
    const n = new Notifier([s.target], { timeoutMs: 200, attempts: 5 });
    const first = n.notify(Z);
    await new Promise((r) => setTimeout(r, 20));
    const second = n.notify(Z);
    const [r1] = await first;
    expect(r1).toMatchObject({ ok: false, reason: 'superseded' });
    expect((await second)[0].ok).toBe(true);
    expect(logs.lines.filter((l) => l.includes('[ERROR]'))).toEqual([]);
  });

  it('stops everything on close', async () => {
    const s = await secondary();
    s.answer = () => undefined;
    const n = new Notifier([s.target], { timeoutMs: 1000, attempts: 5 });
    const pending = n.notify(Z);
    await new Promise((r) => setTimeout(r, 20));
    n.close();
    expect((await pending)[0]).toMatchObject({ ok: false, reason: 'closed' });
    expect(await n.notify(Z)).toEqual([]);
    expect(s.received).toHaveLength(1);
  });
});
