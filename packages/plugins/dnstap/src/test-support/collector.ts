/**
 * A dnstap collector for tests: the reader side of a bidirectional Frame Streams connection
 * on a Unix or TCP socket, decoding every data frame with the dnstap schema.
 */
import { once } from 'node:events';
import { connect, createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { ControlType, DNSTAP_CONTENT_TYPE, FrameStreamParser, encodeControl } from '../framestream.js';
import { decodeDnstap, type Dnstap } from '../proto.js';

export interface CollectorOptions {
  /** Listen on this Unix socket path; otherwise TCP on 127.0.0.1 (port 0 picks one). */
  readonly path?: string;
  readonly port?: number;
  /** Content types to answer READY with; default dnstap's. */
  readonly accept?: readonly string[];
  /** Do not read at all: a collector too slow to keep up (the writer's socket fills). */
  readonly stalled?: boolean;
}

/** What one connection went through, in order. */
export interface CollectedConnection {
  readonly controls: string[];
  readonly readyContentTypes: string[];
  readonly startContentTypes: string[];
}

const NAMES: Record<number, string> = {
  [ControlType.ACCEPT]: 'ACCEPT',
  [ControlType.START]: 'START',
  [ControlType.STOP]: 'STOP',
  [ControlType.READY]: 'READY',
  [ControlType.FINISH]: 'FINISH',
};

export class Collector {
  readonly messages: Dnstap[] = [];
  /** The raw payloads of the data frames, as received. */
  readonly payloads: Uint8Array[] = [];
  readonly connections: CollectedConnection[] = [];
  /** Frames that arrived before START, or control frames out of order: must stay empty. */
  readonly protocolErrors: string[] = [];
  readonly sockets = new Set<Socket>();
  #waiters: { n: number; resolve: () => void }[] = [];

  private constructor(
    readonly server: Server | undefined,
    readonly options: CollectorOptions,
  ) {}

  /**
   * A collector that connects to a `dnstap listen` server instead of listening, at `path`
   * or at `port` on 127.0.0.1; resolves once connected.
   */
  static async connect(options: CollectorOptions): Promise<Collector> {
    const collector = new Collector(undefined, options);
    const socket =
      options.path !== undefined
        ? connect({ path: options.path })
        : connect({ host: '127.0.0.1', port: options.port ?? 0 });
    await once(socket, 'connect');
    collector.#serve(socket);
    return collector;
  }

  static async start(options: CollectorOptions = {}): Promise<Collector> {
    const server = createServer();
    const collector = new Collector(server, options);
    server.on('connection', (s) => collector.#serve(s));
    if (options.path !== undefined) server.listen(options.path);
    else server.listen(options.port ?? 0, '127.0.0.1');
    await once(server, 'listening');
    return collector;
  }

  get port(): number {
    return (this.server?.address() as AddressInfo).port;
  }

  /** Resolves once `n` messages have arrived in all (rejects after `timeoutMs`). */
  waitFor(n: number, timeoutMs = 3000): Promise<void> {
    if (this.messages.length >= n) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`collector has ${this.messages.length} of ${n} messages`)),
        timeoutMs,
      );
      this.#waiters.push({
        n,
        resolve: () => {
          clearTimeout(timer);
          resolve();
        },
      });
    });
  }

  /** Stops listening and drops every connection at once (a collector crash or restart). */
  async stop(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    const server = this.server;
    if (server !== undefined) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  #serve(socket: Socket): void {
    this.sockets.add(socket);
    socket.on('close', () => this.sockets.delete(socket));
    socket.on('error', () => {});
    const conn: CollectedConnection = { controls: [], readyContentTypes: [], startContentTypes: [] };
    this.connections.push(conn);
    if (this.options.stalled === true) {
      socket.pause();
      return;
    }
    const parser = new FrameStreamParser();
    let started = false;
    socket.on('data', (chunk: Buffer) => {
      for (const f of parser.push(chunk)) {
        if (f.kind === 'data') {
          if (!started) this.protocolErrors.push('data frame before START');
          this.payloads.push(f.payload);
          this.messages.push(decodeDnstap(f.payload));
          continue;
        }
        conn.controls.push(NAMES[f.type] ?? `CONTROL(${f.type})`);
        if (f.type === ControlType.READY) {
          conn.readyContentTypes.push(...f.contentTypes);
          socket.write(encodeControl(ControlType.ACCEPT, this.options.accept ?? [DNSTAP_CONTENT_TYPE]));
        } else if (f.type === ControlType.START) {
          if (conn.controls.at(-2) !== 'READY') this.protocolErrors.push('START without READY first');
          conn.startContentTypes.push(...f.contentTypes);
          started = true;
        } else if (f.type === ControlType.STOP) {
          socket.end(encodeControl(ControlType.FINISH));
        }
      }
      this.#waiters = this.#waiters.filter((w) => {
        if (this.messages.length < w.n) return true;
        w.resolve();
        return false;
      });
    });
  }
}
