import { createSocket, type Socket } from 'node:dgram';
import { isIPv6 } from 'node:net';
import { UpstreamError, UpstreamTimeoutError, socketErrorText } from './errors.js';
import { HEADER_LENGTH, formatSocketAddress, type Endpoint, type ExchangeWaiter } from './exchange.js';
import { messageId, randomId, setMessageId } from './ids.js';
import type { UpstreamStats } from './stats.js';

/**
 * How many queries one UDP socket sends before it is replaced by a socket on a new random
 * source port.
 *
 * Why sockets are shared and rotated rather than opened for every query: an off-path
 * attacker who wants to slip in a forged answer must hit the source port and the 16-bit ID
 * of a query in flight, so a fresh random port per query is the strongest defence; but in
 * Node a socket per exchange (create, connect, close) managed about 40% of the exchanges per
 * second of a shared socket on loopback. CoreDNS, too, keeps its UDP sockets in its
 * connection cache and reuses them while they are used within `expire`. Here a connected
 * socket carries many queries at once, told apart by random IDs, and is retired after
 * ROTATE_AFTER queries (or `expire` of idleness), so the port still changes every few
 * hundred queries; a connected socket only accepts datagrams from the upstream's address
 * and port; and an answer must also repeat the question (checked by the caller).
 */
export const ROTATE_AFTER = 512;

/** One query waiting for its answer on a UDP socket. */
class PendingUdp {
  timer: NodeJS.Timeout | undefined = undefined;
  constructor(
    readonly channel: UdpChannel,
    readonly id: number,
    readonly query: Uint8Array,
    readonly waiter: ExchangeWaiter,
  ) {}
}

function onTimeout(p: PendingUdp): void {
  p.channel.timedOut(p);
}

/** A connected UDP socket to one upstream with the queries in flight on it. */
class UdpChannel {
  readonly #socket: Socket;
  readonly #pending = new Map<number, PendingUdp>();
  /** Queries accepted before the socket was connected; undefined once it is. */
  #queue: PendingUdp[] | undefined = [];
  #retired = false;
  #closed = false;
  /** Queries sent so far. */
  uses = 0;
  /** performance.now() of the last query. */
  lastUsed = performance.now();
  readonly created = this.lastUsed;
  #local = '?';

  constructor(
    readonly endpoint: Endpoint,
    /** A one-shot socket takes the first reply whatever its ID, and closes after it. */
    readonly oneShot: boolean,
  ) {
    const socket = createSocket(isIPv6(stripScope(endpoint.host)) ? 'udp6' : 'udp4');
    this.#socket = socket;
    socket.on('message', (bytes: Buffer) => this.#receive(bytes));
    socket.on('error', (err: Error) => this.#error(err));
    if (endpoint.localAddress !== undefined) {
      socket.bind({ address: endpoint.localAddress, port: 0 }, () => this.#connect());
    } else {
      this.#connect();
    }
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** Whether this socket may take another query, given `expire` and `max_age` (0: none). */
  usable(now: number, expireMs: number, maxAgeMs: number): boolean {
    return (
      !this.#retired &&
      !this.#closed &&
      this.uses < ROTATE_AFTER &&
      now - this.lastUsed <= expireMs &&
      (maxAgeMs === 0 || now - this.created <= maxAgeMs)
    );
  }

  send(query: Uint8Array, waiter: ExchangeWaiter, timeoutMs: number): void {
    let id = randomId();
    while (this.#pending.has(id)) id = randomId();
    setMessageId(query, id);
    const p = new PendingUdp(this, id, query, waiter);
    this.#pending.set(id, p);
    this.uses++;
    this.lastUsed = performance.now();
    p.timer = setTimeout(onTimeout, timeoutMs, p);
    if (this.#queue !== undefined) this.#queue.push(p);
    else this.#socket.send(query);
  }

  timedOut(p: PendingUdp): void {
    if (this.#pending.get(p.id) !== p) return;
    this.#settle(p);
    p.waiter.failed(new UpstreamTimeoutError(`read udp ${this.#local}->${this.endpoint.addr}: i/o timeout`));
  }

  /** No new queries; the socket closes once the ones in flight are settled. */
  retire(): void {
    this.#retired = true;
    if (this.#pending.size === 0) this.#close();
  }

  #connect(): void {
    if (this.#closed) return;
    this.#socket.connect(this.endpoint.port, this.endpoint.host, () => {
      const a = this.#socket.address();
      this.#local = formatSocketAddress(a.address, a.port);
      const queue = this.#queue ?? [];
      this.#queue = undefined;
      // Queries that timed out while the socket was connecting are not sent late.
      for (const p of queue) if (this.#pending.get(p.id) === p) this.#socket.send(p.query);
    });
  }

  #receive(bytes: Buffer): void {
    // Too short to carry a header: not an answer to anything (CoreDNS keeps reading).
    if (bytes.length < HEADER_LENGTH) return;
    let p: PendingUdp | undefined;
    if (this.oneShot) {
      for (const first of this.#pending.values()) {
        p = first;
        break;
      }
    } else {
      // An unknown ID is a late answer to a query given up on, or a forgery: dropped.
      p = this.#pending.get(messageId(bytes));
    }
    if (p === undefined) return;
    this.#settle(p);
    p.waiter.answered(bytes);
  }

  /**
   * A connected UDP socket reports ICMP errors for what it sent (port unreachable comes
   * back as ECONNREFUSED). They cannot be tied to one query, so every query in flight here
   * fails now instead of waiting out its timeout; all went to the same unreachable place.
   */
  #error(err: Error): void {
    const failure = new UpstreamError(
      `read udp ${this.#local}->${this.endpoint.addr}: ${socketErrorText(err)}`,
      {
        cause: err,
      },
    );
    const waiting = [...this.#pending.values()];
    this.#retired = true;
    for (const p of waiting) this.#settle(p);
    if (!this.#closed) this.#close();
    for (const p of waiting) p.waiter.failed(failure);
  }

  #settle(p: PendingUdp): void {
    this.#pending.delete(p.id);
    clearTimeout(p.timer);
    if ((this.#retired || this.oneShot) && this.#pending.size === 0) this.#close();
  }

  #close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#queue = undefined;
    try {
      this.#socket.close();
    } catch {
      // already closed by Node after an error
    }
  }
}

function stripScope(host: string): string {
  const percent = host.indexOf('%');
  return percent < 0 ? host : host.slice(0, percent);
}

/** The UDP side of one upstream: a current socket, and those being retired. */
export class UdpPool {
  #current: UdpChannel | undefined;
  #sweeper: NodeJS.Timeout | undefined;
  #stopped = false;

  constructor(
    readonly endpoint: Endpoint,
    readonly stats: UpstreamStats,
    /** Idle time after which the socket is closed: the `expire` option. */
    readonly expireMs: number,
    /** Age after which the socket is replaced however busy: `max_age` (0: never). */
    readonly maxAgeMs: number,
  ) {}

  /** Sends `query` (its ID is overwritten) and reports to `waiter`. */
  exchange(query: Uint8Array, waiter: ExchangeWaiter, timeoutMs: number): void {
    let ch = this.#current;
    if (ch !== undefined && !ch.usable(performance.now(), this.expireMs, this.maxAgeMs)) {
      ch.retire();
      ch = undefined;
    }
    if (ch === undefined) {
      this.stats.connCacheMiss('udp');
      ch = new UdpChannel(this.endpoint, false);
      if (!this.#stopped) {
        this.#current = ch;
        this.#startSweeper();
      }
    } else {
      this.stats.connCacheHit('udp');
    }
    ch.send(query, waiter, timeoutMs);
    if (this.#stopped) ch.retire();
  }

  /** An exchange on a socket of its own that takes the first reply (health checks). */
  oneShot(query: Uint8Array, waiter: ExchangeWaiter, timeoutMs: number): void {
    new UdpChannel(this.endpoint, true).send(query, waiter, timeoutMs);
  }

  /** Closes the sockets once the queries in flight are answered; later queries get their own. */
  stop(): void {
    this.#stopped = true;
    this.#current?.retire();
    this.#current = undefined;
    clearInterval(this.#sweeper);
    this.#sweeper = undefined;
  }

  #startSweeper(): void {
    if (this.#sweeper !== undefined) return;
    this.#sweeper = setInterval(() => this.#sweep(), sweepInterval(this.expireMs));
    this.#sweeper.unref();
  }

  #sweep(): void {
    const ch = this.#current;
    if (ch === undefined || ch.usable(performance.now(), this.expireMs, this.maxAgeMs)) return;
    ch.retire();
    this.#current = undefined;
    clearInterval(this.#sweeper);
    this.#sweeper = undefined;
  }
}

/**
 * How often idle sockets are looked for: the expire time itself, kept between 1 s and 10 s
 * (CoreDNS sweeps every 10 s; a shorter `expire` is still honoured when a socket is taken).
 */
export function sweepInterval(expireMs: number): number {
  return Math.min(Math.max(expireMs, 1000), 10_000);
}
