import type { Socket } from 'node:net';
import { frameMessage } from '../wire/frame.js';
import { dispatch, type QueryTracker } from './dispatch.js';
import { ServerWriter } from './writer.js';
import type { Router } from './router.js';

const HEADER_LENGTH = 12;

/** What a connection needs from the listener that accepted it. */
export interface TcpHost {
  readonly router: Router;
  /** False once the listener is closing: frames that arrive then are ignored. */
  readonly accepting: boolean;
  readonly inflight: QueryTracker;
  readonly localAddress: string;
  readonly localPort: number;
  connectionClosed(conn: TcpConnection): void;
}

export interface TcpConnectionLimits {
  readonly idleTimeoutMs: number;
  readonly maxInflight: number;
}

/**
 * One DNS-over-TCP client connection (RFC 7766): messages framed by a two-byte length,
 * reassembled across chunk boundaries; many queries per connection, answered as each
 * completes (pipelining, possibly out of order). Reading pauses while too many queries
 * are in flight or the client is not reading its answers. A frame shorter than a DNS
 * header closes the connection; other bad messages get FORMERR like over UDP.
 */
export class TcpConnection implements QueryTracker {
  #inflight = 0;
  #paused = false;
  /** Unread input kept while paused. */
  #backlog: Buffer | null = null;
  /** The frame being filled when it spans chunks, and how much of it is there. */
  #frame: Buffer | null = null;
  #filled = 0;
  /** The first length byte when a chunk ended between the two. */
  #lengthHigh = -1;
  readonly #remoteAddress: string;
  readonly #remotePort: number;

  constructor(
    private readonly host: TcpHost,
    readonly socket: Socket,
    private readonly limits: TcpConnectionLimits,
  ) {
    this.#remoteAddress = socket.remoteAddress ?? '';
    this.#remotePort = socket.remotePort ?? 0;
    socket.setNoDelay(true);
    socket.setTimeout(limits.idleTimeoutMs);
    socket.on('timeout', () => {
      // Idle means no traffic and nothing being answered (socket activity re-arms the timer).
      if (this.#inflight === 0) socket.destroy();
    });
    socket.on('data', (chunk: Buffer) => this.#onData(chunk));
    socket.on('drain', () => this.#maybeResume());
    // Resets and aborted connections are the client's business; the socket closes after.
    socket.on('error', () => {});
    socket.on('close', () => host.connectionClosed(this));
  }

  get inflight(): number {
    return this.#inflight;
  }

  begin(): void {
    this.#inflight++;
    this.host.inflight.begin();
  }

  end(): void {
    this.#inflight--;
    this.host.inflight.end();
    this.#maybeResume();
  }

  /** Sends one framed response. */
  send(bytes: Uint8Array): void {
    const socket = this.socket;
    if (socket.destroyed || socket.writableEnded) return;
    socket.write(frameMessage(bytes));
  }

  /**
   * True when the socket can take more now; otherwise a Promise that settles true once
   * it drained, or false when it closed first (a transfer then stops producing).
   */
  whenWritable(): boolean | Promise<boolean> {
    const socket = this.socket;
    if (socket.destroyed || socket.writableEnded) return false;
    if (!socket.writableNeedDrain) return true;
    return new Promise((resolve) => {
      const done = (ok: boolean): void => {
        socket.off('drain', onDrain);
        socket.off('close', onClose);
        resolve(ok);
      };
      const onDrain = (): void => done(true);
      const onClose = (): void => done(false);
      socket.on('drain', onDrain);
      socket.on('close', onClose);
    });
  }

  #overloaded(): boolean {
    return this.#inflight >= this.limits.maxInflight || this.socket.writableNeedDrain;
  }

  #onData(chunk: Buffer): void {
    if (this.#backlog !== null) {
      this.#backlog = Buffer.concat([this.#backlog, chunk]);
      return;
    }
    this.#consume(chunk, 0);
  }

  #maybeResume(): void {
    if (!this.#paused || this.#overloaded() || this.socket.destroyed) return;
    this.#paused = false;
    const backlog = this.#backlog;
    this.#backlog = null;
    if (backlog !== null) this.#consume(backlog, 0);
    if (!this.#paused) this.socket.resume();
  }

  #consume(buf: Buffer, off: number): void {
    const n = buf.length;
    while (off < n) {
      if (this.#overloaded()) {
        this.#backlog = buf.subarray(off);
        this.#paused = true;
        this.socket.pause();
        return;
      }
      if (this.#frame === null) {
        let length: number;
        if (this.#lengthHigh >= 0) {
          length = (this.#lengthHigh << 8) | buf[off];
          this.#lengthHigh = -1;
          off += 1;
        } else if (n - off >= 2) {
          length = (buf[off] << 8) | buf[off + 1];
          off += 2;
        } else {
          this.#lengthHigh = buf[off];
          return;
        }
        if (n - off >= length) {
          // The whole message is in this chunk: hand it on without copying.
          const message = buf.subarray(off, off + length);
          off += length;
          if (!this.#handle(message)) return;
          continue;
        }
        this.#frame = Buffer.allocUnsafe(length);
        this.#filled = 0;
      }
      const frame = this.#frame;
      const take = Math.min(frame.length - this.#filled, n - off);
      buf.copy(frame, this.#filled, off, off + take);
      this.#filled += take;
      off += take;
      if (this.#filled < frame.length) return;
      this.#frame = null;
      if (!this.#handle(frame)) return;
    }
  }

  /** Answers one message; false when the connection is done with. */
  #handle(message: Buffer): boolean {
    if (this.socket.destroyed) return false;
    if (message.length < HEADER_LENGTH) {
      this.socket.destroy();
      return false;
    }
    if (!this.host.accepting) return true;
    const w = new TcpWriter(
      this,
      this.#remoteAddress,
      this.#remotePort,
      this.host.localAddress,
      this.host.localPort,
    );
    dispatch(this.host.router, this, message, w);
    return !this.socket.destroyed;
  }
}

/** Writes one framed response on the connection the query came in on. */
export class TcpWriter extends ServerWriter {
  readonly transport = 'tcp' as const;

  constructor(
    private readonly conn: TcpConnection,
    remoteAddress: string,
    remotePort: number,
    localAddress: string,
    localPort: number,
  ) {
    super(remoteAddress, remotePort, localAddress, localPort);
  }

  protected send(bytes: Uint8Array): void {
    this.conn.send(bytes);
  }

  override whenWritable(): boolean | Promise<boolean> {
    return this.conn.whenWritable();
  }
}
