import { createSocket } from 'node:dgram';
import { afterEach, describe, expect, it } from 'vitest';
import { Flag, Opcode, decodeMessage, encodeMessage, setOpcode, type Message } from '@tsdns/core';
import { NotifyListener } from './notify-listener.js';
import { buildQuery } from './query-message.js';

let listener: NotifyListener | undefined;
afterEach(async () => {
  await listener?.close();
  listener = undefined;
});

function notify(id: number, serial: number): Message {
  const msg = buildQuery('example.org.', 'SOA', { id, rd: false });
  setOpcode(msg, Opcode.NOTIFY);
  msg.flags |= Flag.AA;
  msg.answers.push({
    name: 'example.org.',
    type: 'SOA',
    class: 'IN',
    ttl: 300,
    data: {
      mname: 'ns.example.org.',
      rname: 'h.example.org.',
      serial,
      refresh: 1,
      retry: 1,
      expire: 1,
      minimum: 1,
    },
  });
  return msg;
}

/** Sends `msg` from a new socket; resolves with the reply, or undefined after 300 ms. */
function send(port: number, msg: Message | Uint8Array): Promise<Message | undefined> {
  return new Promise((resolve) => {
    const s = createSocket('udp4');
    const done = (m: Message | undefined) => {
      clearTimeout(t);
      s.close();
      resolve(m);
    };
    const t = setTimeout(() => done(undefined), 300);
    s.on('message', (b) => done(decodeMessage(b)));
    s.send(msg instanceof Uint8Array ? msg : encodeMessage(msg), port, '127.0.0.1');
  });
}

describe('NotifyListener', () => {
  it('records and acknowledges NOTIFYs, and ignores other messages', async () => {
    listener = await NotifyListener.start();
    const waiting = listener.waitFor(2, 2000);
    const ack = await send(listener.port, notify(7, 1));
    expect(ack).toMatchObject({ id: 7 });
    expect((ack as Message).flags & Flag.QR).toBe(Flag.QR);
    expect(await send(listener.port, buildQuery('example.org.', 'A'))).toBeUndefined();
    expect(await send(listener.port, new Uint8Array([1, 2, 3]))).toBeUndefined();
    await send(listener.port, notify(8, 2));
    expect((await waiting).map((m) => m.id)).toEqual([7, 8]);
    expect(listener.serials()).toEqual([1, 2]);
  });

  it('rejects a wait that is not met in time', async () => {
    listener = await NotifyListener.start();
    await expect(listener.waitFor(1, 50)).rejects.toThrow('expected 1 NOTIFYs, got 0');
  });
});
