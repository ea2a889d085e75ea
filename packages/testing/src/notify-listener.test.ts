import { createSocket } from 'node:dgram';
import { afterEach, describe, expect, it } from 'vitest';
import {
  Flag,
  decodeMessage,
  encodeMessage,
  notifyMessage,
  parseZone,
  type Message,
  type SoaRecord,
} from '@tsdns/core';
import { NotifyListener } from './notify-listener.js';
import { buildQuery } from './query-message.js';

let listener: NotifyListener | undefined;
afterEach(async () => {
  await listener?.close();
  listener = undefined;
});

/** A NOTIFY for example.org. carrying the zone's new SOA, as a primary sends it. */
function notify(id: number, serial: number): Message {
  const [soa] = parseZone(`example.org. 300 IN SOA ns.example.org. h.example.org. ${serial} 1 1 1 1`);
  return notifyMessage('example.org.', id, soa as SoaRecord);
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
