import { connect as tcpConnect, type Socket } from 'node:net';
import { connect as tlsConnect, type ConnectionOptions, type TLSSocket } from 'node:tls';
import { FrameDecoder, frameMessage } from '@tsdns/core';
import {
  CachedConnectionClosedError,
  UpstreamError,
  UpstreamTimeoutError,
  socketErrorText,
} from './errors.js';
import { HEADER_LENGTH, formatSocketAddress, type Endpoint, type ExchangeWaiter } from './exchange.js';
import { messageId, randomId, setMessageId } from './ids.js';
import type { UpstreamStats } from './stats.js';
import { sweepInterval } from './udp.js';

/** What kind of stream a pool opens. */
export type StreamKind = 'tcp' | 'tls';

/** Pool limits, from the forward options. */
export interface StreamPoolSettings {
  /** An idle connection is closed after this long (`expire`). */
  readonly expireMs: number;
  /** A connection is closed after this long whatever its use (`max_age`); 0: no limit. */
  readonly maxAgeMs: number;
  /** At most this many idle connections are kept (`max_idle_conns`); 0: no limit. */
  readonly maxIdle: number;
  /** TLS settings (certificates, server name) for a `tls` pool. */
  readonly tls?: ConnectionOptions;
}

// CoreDNS's adaptive dial timeout: twice the running average of recent dial times, between
// 1 s and 30 s, starting from the top.
const MIN_DIAL_MS = 1000;
const MAX_DIAL_MS = 30_000;
const DIAL_AVERAGE_WEIGHT = 4;

/** One query on a connection. */
class PendingStream {
  timer: NodeJS.Timeout | undefined = undefined;
  constructor(
    readonly id: number,
    readonly framed: Uint8Array,
    readonly waiter: ExchangeWaiter,
    readonly readTimeoutMs: number,
  ) {}
}

function onDialTimeout(conn: StreamConn): void {
  conn.dialTimedOut();
}

function onReadTimeout(conn: StreamConn): void {
  conn.readTimedOut();
}

/**
 * A TCP or TLS connection to an upstream that carries one query at a time (as CoreDNS's
 * persistent connections do: not every upstream answers pipelined queries out of order).
 */
class StreamConn {
  readonly socket: Socket | TLSSocket;
  readonly #decoder = new FrameDecoder();
  readonly #onFrame = (f: Uint8Array): void => this.#frame(f);
  pending: PendingStream | undefined = undefined;
  connected = false;
  closed = false;
  /** Taken from the pool rather than freshly dialled, for the current query. */
  reused = false;
  /** Bytes arrived for the current query. */
  #answering = false;
  #lastError: Error | undefined;
  #dialTimer: NodeJS.Timeout | undefined;
  readonly created = performance.now();
  used = this.created;
  #local = '?';

  constructor(
    readonly pool: StreamPool,
    /** A one-shot connection takes the first reply whatever its ID and is then closed. */
    readonly oneShot: boolean,
    dialTimeoutMs: number,
  ) {
    const e = pool.endpoint;
    const tls = pool.kind === 'tls';
    const tcp = (): Socket => tcpConnect({ host: e.host, port: e.port, localAddress: e.localAddress });
    // A source address needs the TCP socket made first; TLS then runs over it.
    const socket = tls
      ? tlsConnect({
          ...pool.settings.tls,
          host: e.host,
          port: e.port,
          session: pool.tlsSession,
          socket: e.localAddress === undefined ? undefined : tcp(),
        })
      : tcp();
    this.socket = socket;
    socket.setNoDelay(true);
    this.#dialTimer = setTimeout(onDialTimeout, dialTimeoutMs, this);
    socket.once(tls ? 'secureConnect' : 'connect', () => this.#connected());
    if (tls) socket.on('session', (session: Buffer) => (pool.tlsSession = session));
    socket.on('data', (chunk: Buffer) => {
      this.#answering = true;
      this.#decoder.push(chunk, this.#onFrame);
    });
    socket.on('error', (err: Error) => (this.#lastError = err));
    socket.on('close', () => this.#closed());
  }

  /** Sends a query on this connection now or, while it is being opened, once it is. */
  start(p: PendingStream): void {
    this.pending = p;
    this.#answering = false;
    if (this.connected) this.#write(p);
  }

  dialTimedOut(): void {
    this.#dialTimer = undefined;
    if (this.connected) return;
    this.#lastError = new UpstreamTimeoutError(
      `dial ${this.#network()} ${this.pool.endpoint.addr}: i/o timeout`,
    );
    this.socket.destroy();
  }

  readTimedOut(): void {
    const p = this.pending;
    if (p === undefined) return;
    this.#lastError = new UpstreamTimeoutError(
      `read ${this.#network()} ${this.#local}->${this.pool.endpoint.addr}: i/o timeout`,
    );
    // An answer may still come on this connection; it is not given back to the pool.
    this.socket.destroy();
  }

  #network(): string {
    return this.pool.kind === 'tls' ? 'tcp-tls' : 'tcp';
  }

  #connected(): void {
    this.connected = true;
    clearTimeout(this.#dialTimer);
    this.#dialTimer = undefined;
    this.pool.dialled(performance.now() - this.created);
    this.#local = formatSocketAddress(this.socket.localAddress, this.socket.localPort);
    if (this.pending !== undefined) this.#write(this.pending);
  }

  #write(p: PendingStream): void {
    this.socket.write(p.framed);
    p.timer = setTimeout(onReadTimeout, p.readTimeoutMs, this);
  }

  #frame(f: Uint8Array): void {
    const p = this.pending;
    // Nothing asked, or an answer to something else: dropped, as CoreDNS drops out-of-order replies.
    if (p === undefined || f.length < HEADER_LENGTH || (!this.oneShot && messageId(f) !== p.id)) return;
    clearTimeout(p.timer);
    this.pending = undefined;
    this.used = performance.now();
    if (this.oneShot) this.socket.destroy();
    else this.pool.release(this);
    p.waiter.answered(f);
  }

  #closed(): void {
    this.closed = true;
    clearTimeout(this.#dialTimer);
    this.pool.forget(this);
    const p = this.pending;
    if (p === undefined) return;
    clearTimeout(p.timer);
    this.pending = undefined;
    p.waiter.failed(this.#failure());
  }

  #failure(): Error {
    const err = this.#lastError;
    if (err instanceof UpstreamError) return err;
    // A pooled connection the upstream had closed while it sat idle: try a fresh one.
    if (this.reused && !this.#answering) return new CachedConnectionClosedError();
    const network = this.#network();
    if (err === undefined) {
      return new UpstreamError(`read ${network} ${this.#local}->${this.pool.endpoint.addr}: EOF`);
    }
    if (!this.connected) {
      return new UpstreamError(`dial ${network} ${this.pool.endpoint.addr}: ${socketErrorText(err)}`, {
        cause: err,
      });
    }
    return new UpstreamError(
      `read ${network} ${this.#local}->${this.pool.endpoint.addr}: ${socketErrorText(err)}`,
      {
        cause: err,
      },
    );
  }
}

/**
 * The TCP (or TLS) connections of one upstream: idle ones wait in a queue and are reused
 * oldest first, as CoreDNS does, until they have been idle for `expire`.
 */
export class StreamPool {
  readonly #idle: StreamConn[] = [];
  #stopped = false;
  #sweeper: NodeJS.Timeout | undefined;
  /** Running average of dial times, in ms. */
  #avgDialMs = MAX_DIAL_MS / 2;
  /** The newest TLS session ticket, to resume instead of a full handshake. */
  tlsSession: Buffer | undefined;

  constructor(
    readonly endpoint: Endpoint,
    readonly kind: StreamKind,
    readonly settings: StreamPoolSettings,
    readonly stats: UpstreamStats,
  ) {}

  /** Idle connections kept right now. */
  get idleCount(): number {
    return this.#idle.length;
  }

  /**
   * Sends `query` (its ID is overwritten) on an idle connection or a new one. The dial
   * timeout is CoreDNS's adaptive one, but never more than `dialBudgetMs`.
   */
  exchange(query: Uint8Array, waiter: ExchangeWaiter, readTimeoutMs: number, dialBudgetMs: number): void {
    const id = randomId();
    setMessageId(query, id);
    const p = new PendingStream(id, frameMessage(query), waiter, readTimeoutMs);
    const proto = this.kind === 'tls' ? 'tcp-tls' : 'tcp';
    const conn = this.#takeIdle();
    if (conn !== undefined) {
      this.stats.connCacheHit(proto);
      conn.reused = true;
      conn.start(p);
      return;
    }
    this.stats.connCacheMiss(proto);
    new StreamConn(this, false, Math.min(this.#dialTimeout(), dialBudgetMs)).start(p);
  }

  /** An exchange on a fresh connection that takes the first reply and closes (health checks). */
  oneShot(query: Uint8Array, waiter: ExchangeWaiter, readTimeoutMs: number, dialTimeoutMs: number): void {
    new StreamConn(this, true, dialTimeoutMs).start(
      new PendingStream(messageId(query), frameMessage(query), waiter, readTimeoutMs),
    );
  }

  /** Closes the idle connections; connections in use close when their query is done. */
  stop(): void {
    this.#stopped = true;
    for (const conn of this.#idle.splice(0)) conn.socket.destroy();
    clearInterval(this.#sweeper);
    this.#sweeper = undefined;
  }

  /** Takes back a connection whose query was answered. */
  release(conn: StreamConn): void {
    if (
      this.#stopped ||
      conn.closed ||
      (this.settings.maxIdle > 0 && this.#idle.length >= this.settings.maxIdle)
    ) {
      conn.socket.destroy();
      return;
    }
    this.#idle.push(conn);
    if (this.#sweeper === undefined) {
      this.#sweeper = setInterval(() => this.#sweep(), sweepInterval(this.settings.expireMs));
      this.#sweeper.unref();
    }
  }

  /** A connection closed: it must not be handed out again. */
  forget(conn: StreamConn): void {
    const i = this.#idle.indexOf(conn);
    if (i >= 0) this.#idle.splice(i, 1);
  }

  /** Records how long a dial took, for the adaptive dial timeout. */
  dialled(ms: number): void {
    this.#avgDialMs += (ms - this.#avgDialMs) / DIAL_AVERAGE_WEIGHT;
  }

  #dialTimeout(): number {
    const avg = this.#avgDialMs;
    if (avg < MIN_DIAL_MS) return MIN_DIAL_MS;
    if (avg < MAX_DIAL_MS / 2) return 2 * avg;
    return MAX_DIAL_MS;
  }

  #stale(conn: StreamConn, now: number): boolean {
    const { expireMs, maxAgeMs } = this.settings;
    return now - conn.used > expireMs || (maxAgeMs > 0 && now - conn.created > maxAgeMs);
  }

  #takeIdle(): StreamConn | undefined {
    const now = performance.now();
    while (this.#idle.length > 0) {
      const conn = this.#idle.shift() as StreamConn;
      if (conn.closed) continue;
      if (this.#stale(conn, now)) {
        conn.socket.destroy();
        continue;
      }
      return conn;
    }
    return undefined;
  }

  #sweep(): void {
    const now = performance.now();
    for (let i = this.#idle.length - 1; i >= 0; i--) {
      const conn = this.#idle[i];
      if (this.#stale(conn, now)) {
        this.#idle.splice(i, 1);
        conn.socket.destroy();
      }
    }
    if (this.#idle.length === 0) {
      clearInterval(this.#sweeper);
      this.#sweeper = undefined;
    }
  }
}
