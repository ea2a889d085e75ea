/**
 * A secondary's NOTIFY port for tests of servers that send NOTIFY (RFC 1996): it records
 * every NOTIFY that arrives on 127.0.0.1 over UDP and acknowledges it, as a secondary does.
 */
import { createSocket, type Socket } from 'node:dgram';
import { Flag, Opcode, decodeMessage, encodeMessage, getOpcode, type Message } from '@tsdns/core';

export class NotifyListener {
  /** The NOTIFY messages received, in order. */
  readonly received: Message[] = [];
  #waiters: (() => void)[] = [];

  private constructor(readonly socket: Socket) {
    socket.on('message', (buf, rinfo) => {
      let msg: Message;
      try {
        msg = decodeMessage(buf);
      } catch {
        return;
      }
      if (getOpcode(msg) !== Opcode.NOTIFY || (msg.flags & Flag.QR) !== 0) return;
      this.received.push(msg);
      socket.send(
        encodeMessage({ ...msg, flags: msg.flags | Flag.QR, answers: [] }),
        rinfo.port,
        rinfo.address,
      );
      for (const w of this.#waiters.splice(0)) w();
    });
  }

  /** Listens on a free UDP port of 127.0.0.1. */
  static async start(): Promise<NotifyListener> {
    const socket = createSocket('udp4');
    await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
    return new NotifyListener(socket);
  }

  get port(): number {
    return this.socket.address().port;
  }

  /** The SOA serials the NOTIFYs carried (undefined for one without an SOA answer). */
  serials(): (number | undefined)[] {
    return this.received.map((m) => {
      const soa = m.answers[0];
      return soa?.type === 'SOA' ? soa.data.serial : undefined;
    });
  }

  /** Resolves with all NOTIFYs once `count` have arrived; rejects after `timeoutMs`. */
  async waitFor(count: number, timeoutMs = 5000): Promise<Message[]> {
    const deadline = Date.now() + timeoutMs;
    while (this.received.length < count) {
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`expected ${count} NOTIFYs, got ${this.received.length}`);
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, left);
        this.#waiters.push(() => {
          clearTimeout(t);
          resolve();
        });
      });
    }
    return this.received;
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.socket.close(() => resolve()));
  }
}
