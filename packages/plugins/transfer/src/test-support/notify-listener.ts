import { createSocket, type Socket } from 'node:dgram';
import { Flag, decodeMessage, encodeMessage, type Message } from '@tsdns/core';

/** A secondary's NOTIFY port: records every NOTIFY and acknowledges it (NOERROR). */
export class NotifyListener {
  readonly received: Message[] = [];
  #waiters: (() => void)[] = [];

  private constructor(readonly socket: Socket) {
    socket.on('message', (buf, rinfo) => {
      const msg = decodeMessage(buf);
      this.received.push(msg);
      socket.send(
        encodeMessage({ ...msg, flags: msg.flags | Flag.QR, answers: [] }),
        rinfo.port,
        rinfo.address,
      );
      for (const w of this.#waiters.splice(0)) w();
    });
  }

  static async start(): Promise<NotifyListener> {
    const socket = createSocket('udp4');
    await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
    return new NotifyListener(socket);
  }

  get port(): number {
    return this.socket.address().port;
  }

  /** Waits until `count` NOTIFYs arrived; rejects after `timeoutMs`. */
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

  close(): void {
    this.socket.close();
  }
}
