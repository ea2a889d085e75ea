import { createSocket } from 'node:dgram';
import { connect, type Socket } from 'node:net';
import { decodeMessage } from '../../wire/decode.js';
import { encodeMessage } from '../../wire/encode.js';
import { createOpt } from '../../wire/edns.js';
import { Flag } from '../../wire/constants.js';
import type { Message } from '../../wire/types.js';

/** A query message for tests. */
export function makeQuery(
  name: string,
  type = 'A',
  opts: {
    id?: number;
    flags?: number;
    edns?: boolean;
    dnssecOk?: boolean;
    udpSize?: number;
    ednsVersion?: number;
  } = {},
): Message {
  const msg: Message = {
    id: opts.id ?? Math.floor(Math.random() * 0x10000),
    flags: opts.flags ?? Flag.RD,
    questions: [{ name, type, class: 'IN' }],
    answers: [],
    authorities: [],
    additionals: [],
  };
  if (
    opts.edns === true ||
    opts.dnssecOk !== undefined ||
    opts.udpSize !== undefined ||
    opts.ednsVersion !== undefined
  ) {
    msg.additionals.push(
      createOpt({
        dnssecOk: opts.dnssecOk ?? false,
        udpPayloadSize: opts.udpSize ?? 1232,
        ednsVersion: opts.ednsVersion ?? 0,
      }),
    );
  }
  return msg;
}

/** Sends raw bytes over UDP; resolves with the answer's bytes, or undefined after `timeoutMs`. */
export function udpExchangeRaw(
  port: number,
  bytes: Uint8Array,
  host = '127.0.0.1',
  timeoutMs = 2000,
): Promise<Uint8Array | undefined> {
  return new Promise((resolve, reject) => {
    const socket = createSocket(host.includes(':') ? 'udp6' : 'udp4');
    const timer = setTimeout(() => {
      socket.close();
      resolve(undefined);
    }, timeoutMs);
    socket.on('message', (buf) => {
      clearTimeout(timer);
      socket.close();
      resolve(new Uint8Array(buf));
    });
    socket.on('error', (e) => {
      clearTimeout(timer);
      socket.close();
      reject(e);
    });
    socket.send(bytes, port, host);
  });
}

/** Sends a query over UDP and decodes the answer; rejects when none comes. */
export async function udpExchange(
  port: number,
  msg: Message,
  host = '127.0.0.1',
  timeoutMs = 2000,
): Promise<Message> {
  const answer = await udpExchangeRaw(port, encodeMessage(msg), host, timeoutMs);
  if (answer === undefined) throw new Error(`no UDP answer from ${host}:${port} within ${timeoutMs} ms`);
  return decodeMessage(answer);
}

/** Frames a message for TCP. */
export function frame(bytes: Uint8Array): Buffer {
  const out = Buffer.alloc(bytes.length + 2);
  out.writeUInt16BE(bytes.length, 0);
  out.set(bytes, 2);
  return out;
}

/** A DNS-over-TCP test client: write raw bytes, read whole answers as they arrive. */
export class TcpTestClient {
  readonly answers: Message[] = [];
  closed = false;
  #buf = Buffer.alloc(0);
  #waiters: (() => void)[] = [];

  private constructor(readonly socket: Socket) {
    socket.on('data', (chunk: Buffer) => {
      this.#buf = Buffer.concat([this.#buf, chunk]);
      while (this.#buf.length >= 2) {
        const n = this.#buf.readUInt16BE(0);
        if (this.#buf.length < n + 2) break;
        this.answers.push(decodeMessage(new Uint8Array(this.#buf.subarray(2, n + 2))));
        this.#buf = this.#buf.subarray(n + 2);
      }
      this.#wake();
    });
    socket.on('close', () => {
      this.closed = true;
      this.#wake();
    });
    socket.on('error', () => {});
  }

  static connect(port: number, host = '127.0.0.1'): Promise<TcpTestClient> {
    return new Promise((resolve, reject) => {
      const socket = connect({ port, host }, () => {
        socket.off('error', reject);
        resolve(new TcpTestClient(socket));
      });
      socket.once('error', reject);
    });
  }

  write(bytes: Uint8Array): Promise<void> {
    return new Promise((resolve, reject) => this.socket.write(bytes, (e) => (e ? reject(e) : resolve())));
  }

  /** Waits until `count` answers arrived (or the connection closed, or the timeout). */
  async waitFor(count: number, timeoutMs = 3000): Promise<Message[]> {
    const deadline = Date.now() + timeoutMs;
    while (this.answers.length < count && !this.closed) {
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`expected ${count} TCP answers, got ${this.answers.length}`);
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, left);
        this.#waiters.push(() => {
          clearTimeout(t);
          resolve();
        });
      });
    }
    return this.answers;
  }

  /** Resolves when the server closes the connection (or after the timeout, with false). */
  async waitClosed(timeoutMs = 3000): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    while (!this.closed) {
      const left = deadline - Date.now();
      if (left <= 0) return false;
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, left);
        this.#waiters.push(() => {
          clearTimeout(t);
          resolve();
        });
      });
    }
    return true;
  }

  close(): void {
    this.socket.destroy();
  }

  #wake(): void {
    const waiters = this.#waiters;
    this.#waiters = [];
    for (const w of waiters) w();
  }
}

/** Asks one question over a fresh TCP connection. */
export async function tcpExchange(port: number, msg: Message, host = '127.0.0.1'): Promise<Message> {
  const client = await TcpTestClient.connect(port, host);
  try {
    await client.write(frame(encodeMessage(msg)));
    const [answer] = await client.waitFor(1);
    if (answer === undefined) throw new Error('TCP connection closed without an answer');
    return answer;
  } finally {
    client.close();
  }
}
