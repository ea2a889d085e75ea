/**
 * A small DNS server for tests that plays a misbehaving (or well-behaved) upstream: it
 * listens on UDP and TCP on one loopback port, records what it receives, and answers as the
 * test's script says: normally, late, never, truncated, with a wrong ID or question.
 */
import { createSocket, type Socket as UdpSocket } from 'node:dgram';
import { createServer, type Server, type Socket } from 'node:net';
import { decodeMessage, encodeMessage, Flag, setRcode, type Message } from '@tsdns/core';
import { freePorts } from '@tsdns/testing';
import { FrameDecoder, frame } from '../frame.js';

export type UpstreamTransport = 'udp' | 'tcp';

/** What the script does with one query. */
export type Action =
  | { kind: 'reply'; msg: Message; delayMs?: number }
  /** bytes sent as they are (over TCP with the length prefix added) */
  | { kind: 'raw'; bytes: Uint8Array; delayMs?: number }
  | { kind: 'drop' }
  /** TCP only: close the connection without answering */
  | { kind: 'close' };

/**
 * Returns what to do with a query: an Action, or a Message to send back at once. `nth` is
 * the query's position on its TCP connection (1 for the first; always 1 over UDP).
 */
export type Script = (query: Message, transport: UpstreamTransport, nth: number) => Action | Message;

function actionOf(result: Action | Message): Action {
  return 'kind' in result ? result : { kind: 'reply', msg: result };
}

export interface ReceivedQuery {
  readonly msg: Message;
  readonly transport: UpstreamTransport;
  /** The client's source address and port. */
  readonly address: string;
  readonly port: number;
}

/** A reply skeleton for `query`: same ID and question, QR and RA set, RD copied. */
export function replyTo(query: Message, rcode = 0): Message {
  const msg: Message = {
    id: query.id,
    flags: Flag.QR | Flag.RA | (query.flags & Flag.RD),
    questions: query.questions.slice(0, 1),
    answers: [],
    authorities: [],
    additionals: [],
  };
  if (rcode !== 0) setRcode(msg, rcode);
  return msg;
}

/** An A answer for the question of `query`. */
export function answerA(query: Message, address: string, ttl = 300): Message {
  const msg = replyTo(query);
  const q = query.questions[0];
  msg.answers.push({ name: q.name, type: 'A', class: 'IN', ttl, data: address });
  return msg;
}

/** Whether this is the forward plugin's health check (`. IN NS`, or NS of a chosen domain). */
export function isHealthCheck(query: Message, domain = '.'): boolean {
  const q = query.questions[0];
  return q !== undefined && q.type === 'NS' && q.name.toLowerCase() === domain;
}

export class ScriptedUpstream {
  readonly received: ReceivedQuery[] = [];
  /** TCP connections accepted so far. */
  tcpAccepts = 0;
  /** TCP connections the client closed (or that ended) so far. */
  tcpCloses = 0;
  readonly #connections = new Set<Socket>();
  #timers = new Set<NodeJS.Timeout>();

  private constructor(
    readonly host: string,
    readonly port: number,
    private readonly udp: UdpSocket,
    private readonly tcp: Server,
    public script: Script,
  ) {
    udp.on('message', (bytes, rinfo) => this.#udpQuery(bytes, rinfo.port, rinfo.address));
    tcp.on('connection', (socket) => this.#accept(socket));
  }

  /**
   * Listens on `host` (default 127.0.0.1) and `port` (default: a free one) for UDP and TCP.
   */
  static async start(script: Script, opts: { host?: string; port?: number } = {}): Promise<ScriptedUpstream> {
    const host = opts.host ?? '127.0.0.1';
    for (let attempt = 0; ; attempt++) {
      const port = opts.port ?? (await freePorts(1))[0];
      try {
        const udp = await bindUdp(host, port);
        try {
          const tcp = await listenTcp(host, port);
          return new ScriptedUpstream(host, port, udp, tcp, script);
        } catch (e) {
          udp.close();
          throw e;
        }
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'EADDRINUSE' || opts.port !== undefined || attempt >= 5)
          throw e;
      }
    }
  }

  /** `HOST:PORT`, as a forward TO argument. */
  get addr(): string {
    return `${this.host}:${this.port}`;
  }

  /** Queries received other than health checks. */
  queries(): ReceivedQuery[] {
    return this.received.filter((r) => !isHealthCheck(r.msg));
  }

  healthChecks(): ReceivedQuery[] {
    return this.received.filter((r) => isHealthCheck(r.msg));
  }

  /** Closes open TCP connections from the server side. */
  dropConnections(): void {
    for (const s of this.#connections) s.destroy();
  }

  async close(): Promise<void> {
    for (const t of this.#timers) clearTimeout(t);
    this.dropConnections();
    await Promise.all([
      new Promise<void>((resolve) => this.udp.close(() => resolve())),
      new Promise<void>((resolve) => this.tcp.close(() => resolve())),
    ]);
  }

  #later(delayMs: number | undefined, fn: () => void): void {
    if (!delayMs) {
      fn();
      return;
    }
    const t = setTimeout(() => {
      this.#timers.delete(t);
      fn();
    }, delayMs);
    this.#timers.add(t);
  }

  #udpQuery(bytes: Buffer, port: number, address: string): void {
    let msg: Message;
    try {
      msg = decodeMessage(bytes);
    } catch {
      return;
    }
    this.received.push({ msg, transport: 'udp', address, port });
    const action = actionOf(this.script(msg, 'udp', 1));
    if (action.kind === 'drop' || action.kind === 'close') return;
    const out = action.kind === 'raw' ? action.bytes : encodeMessage(action.msg);
    this.#later(action.delayMs, () => {
      try {
        this.udp.send(out, port, address);
      } catch {
        // closed meanwhile
      }
    });
  }

  #accept(socket: Socket): void {
    this.tcpAccepts++;
    this.#connections.add(socket);
    const decoder = new FrameDecoder();
    let nth = 0;
    socket.on('data', (chunk) =>
      decoder.push(chunk, (bytes) => {
        let msg: Message;
        try {
          msg = decodeMessage(bytes);
        } catch {
          socket.destroy();
          return;
        }
        this.received.push({
          msg,
          transport: 'tcp',
          address: socket.remoteAddress ?? '',
          port: socket.remotePort ?? 0,
        });
        const action = actionOf(this.script(msg, 'tcp', ++nth));
        if (action.kind === 'drop') return;
        if (action.kind === 'close') {
          socket.destroy();
          return;
        }
        const out = action.kind === 'raw' ? action.bytes : encodeMessage(action.msg);
        this.#later(action.delayMs, () => {
          if (!socket.destroyed) socket.write(frame(out));
        });
      }),
    );
    socket.on('error', () => {});
    socket.on('close', () => {
      this.tcpCloses++;
      this.#connections.delete(socket);
    });
  }
}

function bindUdp(host: string, port: number): Promise<UdpSocket> {
  return new Promise((resolve, reject) => {
    const s = createSocket('udp4');
    s.once('error', reject);
    s.bind(port, host, () => {
      s.off('error', reject);
      s.on('error', () => {});
      resolve(s);
    });
  });
}

function listenTcp(host: string, port: number): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve(server);
    });
  });
}
