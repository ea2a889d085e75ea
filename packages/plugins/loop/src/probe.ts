import { createSocket, type Socket } from 'node:dgram';
import { isIPv6 } from 'node:net';
import { encodeMessage, type Message } from '@tsdns/core';
import type { Loop } from './loop.js';

/** How long and how often the probe is tried (CoreDNS: 30 s, once a second, 2 s per try). */
export interface ProbeTiming {
  readonly deadlineMs: number;
  readonly retryMs: number;
  readonly timeoutMs: number;
}

export const DEFAULT_TIMING: ProbeTiming = { deadlineMs: 30_000, retryMs: 1000, timeoutMs: 2000 };

/** The address a probe goes to: an unspecified or missing listen address means this host. */
export function probeTarget(listenHost: string | undefined): string {
  if (listenHost === undefined || listenHost === '' || listenHost === '0.0.0.0') return '127.0.0.1';
  if (listenHost === '::') return '::1';
  return listenHost;
}

/**
 * Sends the loop probe to this server until a try gets an answer or the deadline passes,
 * then disables the plugin (CoreDNS's startup goroutine). A try that gets no answer resets
 * the count: the server may not have been listening yet.
 */
export class LoopProbe {
  #timer: NodeJS.Timeout | undefined;
  #socket: Socket | undefined;
  #stopped = false;
  readonly #deadline: number;
  readonly #query: Uint8Array;
  readonly #id: number;

  constructor(
    readonly loop: Loop,
    readonly host: string,
    readonly port: number,
    readonly timing: ProbeTiming = DEFAULT_TIMING,
  ) {
    this.#deadline = Date.now() + timing.deadlineMs;
    this.#id = Math.floor(Math.random() * 0x10000);
    const msg: Message = {
      id: this.#id,
      flags: 0x0100, // RD, as miekg/dns's SetQuestion leaves it for Exchange
      questions: [{ name: loop.qname, type: 'HINFO', class: 'IN' }],
      answers: [],
      authorities: [],
      additionals: [],
    };
    // A copy: encodeMessage's result is a view of a shared slab, and this one is kept.
    this.#query = new Uint8Array(encodeMessage(msg));
  }

  /** Starts trying; the first try waits a tick so the listeners can come up. */
  start(): void {
    this.#schedule(0);
  }

  stop(): void {
    this.#stopped = true;
    clearTimeout(this.#timer);
    this.#closeSocket();
  }

  #schedule(ms: number): void {
    if (this.#stopped) return;
    this.#timer = setTimeout(() => this.#try(), ms);
  }

  #try(): void {
    if (this.#stopped) return;
    if (Date.now() >= this.#deadline) {
      this.loop.disabled = true;
      return;
    }
    const socket = createSocket(isIPv6(this.host) ? 'udp6' : 'udp4');
    this.#socket = socket;
    const timeout = setTimeout(() => this.#failed(), this.timing.timeoutMs);
    socket.on('error', () => {
      clearTimeout(timeout);
      this.#failed();
    });
    socket.on('message', (bytes: Buffer) => {
      if (bytes.length < 12 || ((bytes[0] << 8) | bytes[1]) !== this.#id) return;
      clearTimeout(timeout);
      this.#closeSocket();
      // Answered, whatever the answer: there was no loop, and the probe is never sent again.
      this.loop.disabled = true;
    });
    socket.connect(this.port, this.host, () => socket.send(this.#query));
  }

  #failed(): void {
    if (this.#socket === undefined) return;
    this.#closeSocket();
    this.loop.seen = 0;
    if (Date.now() >= this.#deadline) {
      this.loop.disabled = true;
      return;
    }
    this.#schedule(this.timing.retryMs);
  }

  #closeSocket(): void {
    const s = this.#socket;
    this.#socket = undefined;
    if (s === undefined) return;
    try {
      s.close();
    } catch {
      // already closed
    }
  }
}
