import { readFile } from 'node:fs/promises';
import { createServer as createNetServer, type Server, type Socket } from 'node:net';
import { createServer as createTlsServer, type TLSSocket } from 'node:tls';
import type { Logger } from '@tsdns/core';
import type { FrameSink } from './dnstap.js';
import { FrameStreamWriter } from './handshake.js';
import { DEFAULT_DROP_REPORT_MS, TapStats } from './metrics.js';
import { formatEndpoint, type DnstapEndpoint } from './output.js';

/** The certificate of a `tls://` listener, as file names (`tls CERT KEY [CA]`). */
export interface ListenerTls {
  readonly cert: string;
  readonly key: string;
  /** With a CA, collectors must show a certificate it signed (unless skipVerify). */
  readonly ca: string | undefined;
  /** With a CA: a collector's certificate is checked only when it shows one. */
  readonly skipVerify: boolean;
}

export interface DnstapListenerOptions {
  readonly endpoint: DnstapEndpoint;
  readonly tls?: ListenerTls;
  /** Bytes a collector's connection may hold unsent; past it, messages for it are dropped. */
  readonly writeBufferBytes: number;
  /** Limit on the Frame Streams handshake, and on waiting for FINISH. */
  readonly timeoutMs?: number;
  readonly dropReportMs?: number;
  readonly log: Logger;
}

const DEFAULT_TIMEOUT_MS = 4000;

/** One collector connected to the listener. */
interface Sink {
  readonly socket: Socket;
  readonly writer: FrameStreamWriter;
  /** Frames taken this turn of the event loop, written together. */
  pending: Uint8Array[];
  pendingBytes: number;
}

/** The listeners of this process by endpoint, shared by the server instances naming them. */
const listeners = new Map<string, DnstapListener>();

/**
 * `dnstap listen` (current CoreDNS): collectors connect to this server, and every message
 * goes to every collector whose Frame Streams handshake is done. There is no queue: a
 * message is written to a collector's connection at once (batched per turn of the event
 * loop), or dropped for that collector when its connection already holds
 * `writeBufferBytes` it has not read, so a slow collector loses messages and the others and
 * the queries do not wait. Without collectors, messages are not made at all.
 *
 * A listener belongs to the process: `acquire` returns the one already listening on the
 * endpoint, if any, and `close` only closes it when its last user does. A reload keeps the
 * socket, and the collectors stay connected (Node cannot listen twice on one port).
 */
export class DnstapListener implements FrameSink {
  readonly stats: TapStats;
  readonly #opts: DnstapListenerOptions;
  readonly #timeoutMs: number;
  readonly #sinks = new Set<Sink>();
  /** Sinks past their handshake: what admit() asks about, kept as a count for speed. */
  #ready = 0;
  #server: Server | undefined;
  #flushScheduled = false;
  #closed = false;
  #users = 1;
  #listening: Promise<void> | undefined;
  readonly #flushNow = (): void => this.#flush();

  /** The listener for `opts.endpoint`: the process's existing one, or a new one. */
  static acquire(opts: DnstapListenerOptions): DnstapListener {
    const key = formatEndpoint(opts.endpoint);
    const existing = listeners.get(key);
    if (existing !== undefined && !existing.#closed) {
      existing.#users++;
      return existing;
    }
    const listener = new DnstapListener(opts);
    listeners.set(key, listener);
    return listener;
  }

  constructor(opts: DnstapListenerOptions) {
    this.#opts = opts;
    this.#timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.stats = new TapStats(formatEndpoint(opts.endpoint), opts.log);
  }

  /** Collectors connected and past their handshake. */
  get collectors(): number {
    return this.#ready;
  }

  /** Starts listening. A failure is logged (as CoreDNS does) and the server runs without it. */
  start(): Promise<void> {
    this.#listening ??= this.#start();
    return this.#listening;
  }

  async #start(): Promise<void> {
    try {
      this.#server = await this.#listen();
      this.stats.startReports(this.#opts.dropReportMs ?? DEFAULT_DROP_REPORT_MS);
    } catch (e) {
      this.#opts.log.error(`Failed to start dnstap listener: ${e instanceof Error ? e.message : String(e)}`);
    }
  }

  async #listen(): Promise<Server> {
    const e = this.#opts.endpoint;
    let server: Server;
    if (e.kind === 'tls') {
      const t = this.#opts.tls;
      if (t === undefined) throw new Error('a tls:// listener needs tls CERT KEY');
      const [cert, key, ca] = await Promise.all([
        readFile(t.cert),
        readFile(t.key),
        t.ca === undefined ? undefined : readFile(t.ca),
      ]);
      server = createTlsServer(
        {
          cert,
          key,
          ca,
          requestCert: ca !== undefined,
          rejectUnauthorized: ca !== undefined && !t.skipVerify,
        },
        (socket) => {
          // skipverify with a CA: a certificate shown must still verify (Go's VerifyClientCertIfGiven).
          const shown = ca !== undefined && Object.keys(socket.getPeerCertificate()).length > 0;
          if (shown && !socket.authorized) socket.destroy();
          else this.#accept(socket as TLSSocket);
        },
      );
    } else {
      server = createNetServer((socket) => this.#accept(socket));
    }
    server.on('error', (err) => this.#opts.log.warning(`Error accepting dnstap connection: ${err.message}`));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      const done = (): void => {
        server.off('error', reject);
        resolve();
      };
      if (e.kind === 'unix') server.listen(e.path, done);
      else server.listen(e.port, e.host, done);
    });
    return server;
  }

  #accept(socket: Socket): void {
    if (this.#closed) {
      socket.destroy();
      return;
    }
    socket.on('error', () => {});
    const sink: Sink = {
      socket,
      writer: new FrameStreamWriter(socket, this.#timeoutMs, () => this.#ready++),
      pending: [],
      pendingBytes: 0,
    };
    this.#sinks.add(sink);
    socket.on('close', () => {
      if (!this.#sinks.delete(sink)) return;
      if (sink.writer.started) this.#ready--;
    });
  }

  admit(): boolean {
    return this.#ready > 0;
  }

  enqueue(frame: Uint8Array): void {
    const limit = this.#opts.writeBufferBytes;
    for (const sink of this.#sinks) {
      if (!sink.writer.started) continue;
      if (sink.socket.writableLength + sink.pendingBytes >= limit) {
        this.stats.addDropped(1);
        continue;
      }
      sink.pending.push(frame);
      sink.pendingBytes += frame.length;
    }
    if (!this.#flushScheduled) {
      this.#flushScheduled = true;
      setImmediate(this.#flushNow);
    }
  }

  #flush(): void {
    this.#flushScheduled = false;
    for (const sink of this.#sinks) this.#write(sink);
  }

  #write(sink: Sink): void {
    if (sink.pending.length === 0) return;
    const n = sink.pending.length;
    const batch = n === 1 ? sink.pending[0] : Buffer.concat(sink.pending, sink.pendingBytes);
    sink.pending = [];
    sink.pendingBytes = 0;
    if (sink.socket.destroyed) {
      this.stats.addDropped(n);
      return;
    }
    sink.socket.write(batch);
    this.stats.addSent(n);
  }

  /** Stops listening; each collector gets what was taken for it, STOP, and is closed. */
  async close(): Promise<void> {
    if (this.#closed || --this.#users > 0) return;
    this.#closed = true;
    const key = formatEndpoint(this.#opts.endpoint);
    if (listeners.get(key) === this) listeners.delete(key);
    const server = this.#server;
    // close() stops accepting at once; its callback waits for the connections, ended below.
    const stopped =
      server === undefined ? undefined : new Promise<void>((resolve) => server.close(() => resolve()));
    await Promise.all(
      [...this.#sinks].map((sink) => {
        this.#write(sink);
        return sink.writer.stop();
      }),
    );
    await stopped;
    this.stats.stopReports();
  }
}
