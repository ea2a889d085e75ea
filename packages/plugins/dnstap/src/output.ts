import { connect as netConnect, type Socket } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import type { Logger } from '@tsdns/core';
import { FrameStreamWriter } from './handshake.js';
import { DEFAULT_DROP_REPORT_MS, TapStats } from './metrics.js';

/** Where a dnstap collector listens. */
export type DnstapEndpoint =
  | { readonly kind: 'unix'; readonly path: string }
  | { readonly kind: 'tcp'; readonly host: string; readonly port: number }
  | { readonly kind: 'tls'; readonly host: string; readonly port: number; readonly skipVerify: boolean };

export interface DnstapOutputOptions {
  readonly endpoint: DnstapEndpoint;
  /** Frames held while the collector is away or slow; past it new frames are dropped. */
  readonly queueLimit: number;
  /** Bytes the socket may hold unsent before frames wait in the queue instead. */
  readonly writeBufferBytes: number;
  /** Limit on connecting plus the Frame Streams handshake, and on waiting for FINISH. */
  readonly timeoutMs?: number;
  /** First wait before reconnecting; it doubles after each failure up to reconnectMaxMs. */
  readonly reconnectMinMs?: number;
  readonly reconnectMaxMs?: number;
  /** How often a count of dropped frames is logged (when there were any). */
  readonly dropReportMs?: number;
  readonly log: Logger;
}

/** CoreDNS's dnstap: 4 s to connect, retry every 10 s, drops reported every 10 s. */
const DEFAULT_TIMEOUT_MS = 4000;
const DEFAULT_RECONNECT_MIN_MS = 100;
const DEFAULT_RECONNECT_MAX_MS = 10_000;
/** Frames are handed to the socket in batches of about this many bytes. */
const BATCH_BYTES = 64 * 1024;

type State = 'idle' | 'connecting' | 'handshake' | 'started' | 'closing' | 'closed';

export function formatEndpoint(e: DnstapEndpoint): string {
  if (e.kind === 'unix') return `unix://${e.path}`;
  const host = e.host.includes(':') ? `[${e.host}]` : e.host;
  return `${e.kind}://${host}:${e.port}`;
}

/**
 * One outgoing dnstap connection (CoreDNS's dio): a bounded queue of encoded frames in front
 * of a Frame Streams writer on a Unix, TCP or TLS socket.
 *
 * Taking a frame is synchronous and never waits: when the queue is full the frame is dropped
 * and counted. Frames leave in batches, once per turn of the event loop, while the socket
 * holds less than `writeBufferBytes`; a slow collector fills the socket, then the queue,
 * then frames are dropped, and queries are never held up. When the connection fails or the
 * collector goes away, frames wait in the queue and the output reconnects with a doubling
 * back-off, starting the handshake anew.
 */
export class DnstapOutput {
  /** Frames handed to the socket. */
  readonly stats: TapStats;
  /** Handshakes completed (the first connection and every reconnection). */
  connects = 0;

  readonly #opts: DnstapOutputOptions;
  readonly #timeoutMs: number;
  readonly #ring: (Uint8Array | undefined)[];
  #head = 0;
  #count = 0;
  #state: State = 'idle';
  #socket: Socket | undefined;
  #writer: FrameStreamWriter | undefined;
  #flushScheduled = false;
  #waitingDrain = false;
  #backoffMs: number;
  #reconnectTimer: NodeJS.Timeout | undefined;
  #connectTimer: NodeJS.Timeout | undefined;
  /** Whether the last connection attempt failed (so the next failure is not logged again). */
  #failing = false;
  readonly #flushNow = (): void => this.#flush();

  constructor(opts: DnstapOutputOptions) {
    this.#opts = opts;
    this.#timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.#backoffMs = opts.reconnectMinMs ?? DEFAULT_RECONNECT_MIN_MS;
    this.#ring = new Array<Uint8Array | undefined>(opts.queueLimit);
    this.stats = new TapStats(formatEndpoint(opts.endpoint), opts.log);
  }

  get endpoint(): DnstapEndpoint {
    return this.#opts.endpoint;
  }

  /** Frames waiting in the queue. */
  get queued(): number {
    return this.#count;
  }

  /** Whether the handshake is done and frames flow. */
  get connected(): boolean {
    return this.#state === 'started';
  }

  /** Starts connecting; frames taken before the connection is up wait in the queue. */
  start(): void {
    if (this.#state !== 'idle' || this.#reconnectTimer !== undefined) return;
    this.stats.startReports(this.#opts.dropReportMs ?? DEFAULT_DROP_REPORT_MS);
    this.#connect();
  }

  /** Whether the queue has room for a frame; when not, one dropped message is counted. */
  admit(): boolean {
    if (this.#count < this.#ring.length && this.#state !== 'closed') return true;
    this.#drop();
    return false;
  }

  #drop(): void {
    this.stats.addDropped(1);
  }

  /** Takes one sealed data frame (see sealDataFrame). Never blocks; drops when full. */
  enqueue(frame: Uint8Array): void {
    const ring = this.#ring;
    if (this.#count === ring.length || this.#state === 'closed') {
      this.#drop();
      return;
    }
    let tail = this.#head + this.#count;
    if (tail >= ring.length) tail -= ring.length;
    ring[tail] = frame;
    this.#count++;
    this.stats.queued.value++;
    if (!this.#flushScheduled && !this.#waitingDrain && this.#state === 'started') {
      this.#flushScheduled = true;
      setImmediate(this.#flushNow);
    }
  }

  /**
   * Sends what is queued, then STOP, waits for the collector's FINISH (at most the timeout)
   * and closes. Frames still queued when no connection is up are dropped and counted.
   */
  async close(): Promise<void> {
    if (this.#state === 'closed' || this.#state === 'closing') return;
    clearTimeout(this.#reconnectTimer);
    this.#reconnectTimer = undefined;
    const socket = this.#socket;
    const writer = this.#writer;
    const started = this.#state === 'started';
    this.#state = 'closing';
    if (socket === undefined || writer === undefined || !started) {
      socket?.destroy();
      this.#finishClose();
      return;
    }
    // Everything queued goes to the socket now: the queue bounds it.
    while (this.#count > 0) this.#writeBatch(socket, Number.POSITIVE_INFINITY);
    await writer.stop();
    this.#finishClose();
  }

  #finishClose(): void {
    this.#socket = undefined;
    this.#state = 'closed';
    this.stats.addDropped(this.#count);
    this.stats.queued.value -= this.#count;
    this.#ring.fill(undefined);
    this.#count = 0;
    this.stats.stopReports();
  }

  #connect(): void {
    this.#reconnectTimer = undefined;
    if (this.#state === 'closing' || this.#state === 'closed') return;
    this.#state = 'connecting';
    const e = this.#opts.endpoint;
    let socket: Socket;
    if (e.kind === 'unix') {
      socket = netConnect({ path: e.path }, () => this.#handshake(socket));
    } else if (e.kind === 'tcp') {
      socket = netConnect({ host: e.host, port: e.port }, () => this.#handshake(socket));
    } else {
      socket = tlsConnect(
        { host: e.host, port: e.port, rejectUnauthorized: !e.skipVerify, servername: serverName(e.host) },
        () => this.#handshake(socket),
      );
    }
    this.#socket = socket;
    this.#connectTimer = setTimeout(() => {
      socket.destroy(new Error(`no connection within ${this.#timeoutMs} ms`));
    }, this.#timeoutMs);
    this.#connectTimer.unref();
    socket.on('error', (err) => this.#failed(err));
    socket.on('close', () => this.#closed(socket));
  }

  /** The connection is up: the Frame Streams handshake follows. */
  #handshake(socket: Socket): void {
    if (this.#socket !== socket || this.#state !== 'connecting') return;
    clearTimeout(this.#connectTimer);
    this.#state = 'handshake';
    this.#writer = new FrameStreamWriter(socket, this.#timeoutMs, () => this.#started());
  }

  #started(): void {
    this.#state = 'started';
    this.connects++;
    this.#backoffMs = this.#opts.reconnectMinMs ?? DEFAULT_RECONNECT_MIN_MS;
    if (this.#failing || this.connects > 1)
      this.#opts.log.info(`Connected to dnstap endpoint ${formatEndpoint(this.#opts.endpoint)}`);
    this.#failing = false;
    this.#waitingDrain = false;
    this.#flush();
  }

  #failed(err: Error): void {
    if (this.#state === 'closing' || this.#state === 'closed') return;
    const where = formatEndpoint(this.#opts.endpoint);
    if (this.#state === 'started')
      this.#opts.log.warning(`Connection to dnstap endpoint ${where} lost: ${err.message}`);
    else if (!this.#failing)
      this.#opts.log.error(`No connection to dnstap endpoint ${where}: ${err.message}`);
    this.#failing = this.#state !== 'started';
  }

  #closed(socket: Socket): void {
    if (this.#socket !== socket) return;
    clearTimeout(this.#connectTimer);
    this.#socket = undefined;
    this.#writer = undefined;
    if (this.#state === 'closing' || this.#state === 'closed') return;
    // A collector that closes without an error (it stopped) is a lost connection too.
    if (this.#state === 'started' && !this.#failing) this.#failing = true;
    this.#state = 'idle';
    const wait = this.#backoffMs;
    this.#backoffMs = Math.min(wait * 2, this.#opts.reconnectMaxMs ?? DEFAULT_RECONNECT_MAX_MS);
    this.#reconnectTimer = setTimeout(() => this.#connect(), wait);
    this.#reconnectTimer.unref();
  }

  #flush(): void {
    this.#flushScheduled = false;
    const socket = this.#socket;
    if (this.#state !== 'started' || socket === undefined || this.#waitingDrain) return;
    const limit = this.#opts.writeBufferBytes;
    while (this.#count > 0) {
      const ok = this.#writeBatch(socket, BATCH_BYTES);
      if (!ok && socket.writableLength >= limit) {
        // write() returned false, so 'drain' comes once the socket has sent what it holds.
        this.#waitingDrain = true;
        socket.once('drain', () => {
          if (this.#socket !== socket) return;
          this.#waitingDrain = false;
          this.#flush();
        });
        return;
      }
    }
  }

  /** Hands the socket one batch of queued frames (about `maxBytes`); returns write()'s result. */
  #writeBatch(socket: Socket, maxBytes: number): boolean {
    const ring = this.#ring;
    const cap = ring.length;
    let n = 0;
    let bytes = 0;
    let i = this.#head;
    while (n < this.#count && bytes < maxBytes) {
      bytes += (ring[i] as Uint8Array).length;
      n++;
      if (++i === cap) i = 0;
    }
    const batch = Buffer.allocUnsafe(bytes);
    let pos = 0;
    i = this.#head;
    for (let k = 0; k < n; k++) {
      const f = ring[i] as Uint8Array;
      batch.set(f, pos);
      pos += f.length;
      ring[i] = undefined;
      if (++i === cap) i = 0;
    }
    this.#head = i;
    this.#count -= n;
    this.stats.addSent(n);
    this.stats.queued.value -= n;
    return socket.write(batch);
  }
}

/** TLS SNI takes host names only; an IP address endpoint sends none. */
function serverName(host: string): string | undefined {
  return /^[\d.]+$/.test(host) || host.includes(':') ? undefined : host;
}
