/**
 * A scripted DNS server for tests of plugins that talk to an upstream (forward, cache behind
 * a relay): it listens on UDP and TCP on one loopback port, records what it receives, and
 * answers as the test's script says - normally, late, never, with bytes of its own, or by
 * closing the TCP connection. It can be stopped and started again on the same port, to play
 * an upstream that goes away.
 */
import { createSocket, type Socket as UdpSocket } from 'node:dgram';
import { createServer, type Server, type Socket } from 'node:net';
import { Flag, decodeMessage, encodeMessage, setRcode, type Message, type ResourceRecord } from '@tsdns/core';
import { FrameReader, frameMessage } from './frame.js';
import { freePorts } from './ports.js';
import { DEFAULT_HOST, formatTarget, type ClientTransport } from './query-message.js';

/** What the upstream does with one query. */
export type UpstreamAction =
  | { kind: 'reply'; msg: Message; delayMs?: number }
  /** bytes sent as they are (over TCP with the length prefix added) */
  | { kind: 'raw'; bytes: Uint8Array; delayMs?: number }
  | { kind: 'drop' }
  /** TCP only: close the connection without answering */
  | { kind: 'close' };

/**
 * Returns what to do with a query: an action, or a message to send back at once. `nth` is
 * the query's position on its TCP connection (1 for the first; always 1 over UDP).
 */
export type UpstreamScript = (
  query: Message,
  transport: ClientTransport,
  nth: number,
) => UpstreamAction | Message;

export interface ReceivedQuery {
  readonly msg: Message;
  readonly transport: ClientTransport;
  /** The client's source address and port. */
  readonly address: string;
  readonly port: number;
}

function actionOf(result: UpstreamAction | Message): UpstreamAction {
  return 'kind' in result ? result : { kind: 'reply', msg: result };
}

export interface ReplyInit {
  rcode?: number;
  answers?: ResourceRecord[];
  authorities?: ResourceRecord[];
  /** Header flags added to QR, RA and the query's RD and CD. */
  flags?: number;
}

/**
 * The reply a recursive upstream sends to `query`: same ID and question, QR and RA set, RD
 * and CD copied, the OPT record echoed (without options) when the query had one.
 */
export function replyTo(query: Message, init: ReplyInit = {}): Message {
  const msg: Message = {
    id: query.id,
    flags: Flag.QR | Flag.RA | (query.flags & (Flag.RD | Flag.CD)) | (init.flags ?? 0),
    questions: query.questions.slice(0, 1),
    answers: init.answers ?? [],
    authorities: init.authorities ?? [],
    additionals: query.additionals.filter((rr) => rr.type === 'OPT').map((rr) => ({ ...rr, options: [] })),
  };
  if (init.rcode !== undefined) setRcode(msg, init.rcode);
  return msg;
}

export class FakeUpstream {
  /** Every query received, in order. */
  readonly received: ReceivedQuery[] = [];
  /** TCP connections accepted so far. */
  tcpAccepts = 0;
  /** TCP connections the client closed (or that ended) so far. */
  tcpCloses = 0;
  #udp: UdpSocket | undefined;
  #tcp: Server | undefined;
  readonly #connections = new Set<Socket>();
  readonly #timers = new Set<NodeJS.Timeout>();

  private constructor(
    readonly host: string,
    readonly port: number,
    public script: UpstreamScript,
  ) {}

  /** Listens on `host` (default 127.0.0.1) and `port` (default: a free one) for UDP and TCP. */
  static async start(
    script: UpstreamScript,
    opts: { host?: string; port?: number } = {},
  ): Promise<FakeUpstream> {
    const host = opts.host ?? DEFAULT_HOST;
    for (let attempt = 0; ; attempt++) {
      const up = new FakeUpstream(host, opts.port ?? (await freePorts(1))[0], script);
      try {
        await up.listen();
        return up;
      } catch (e) {
        // A free port can be taken between finding and binding it: try another.
        if ((e as NodeJS.ErrnoException).code !== 'EADDRINUSE' || opts.port !== undefined || attempt >= 5)
          throw e;
      }
    }
  }

  /** `HOST:PORT`, as a Corefile address. */
  get addr(): string {
    return formatTarget({ host: this.host, port: this.port });
  }

  /** How many queries came for this name (any letter case) and, when given, type. */
  count(name: string, type?: string): number {
    const lower = name.toLowerCase();
    let n = 0;
    for (const { msg } of this.received) {
      const q = msg.questions[0];
      if (q !== undefined && q.name.toLowerCase() === lower && (type === undefined || q.type === type)) n++;
    }
    return n;
  }

  /** Binds the port (again, after `stop`). */
  async listen(): Promise<void> {
    const udp = await bindUdp(this.host, this.port);
    try {
      this.#tcp = await listenTcp(this.host, this.port);
    } catch (e) {
      udp.close();
      throw e;
    }
    this.#udp = udp;
    udp.on('message', (bytes, rinfo) => this.#udpQuery(udp, bytes, rinfo.port, rinfo.address));
    this.#tcp.on('connection', (socket) => this.#accept(socket));
  }

  /** Closes open TCP connections from the server side. */
  dropConnections(): void {
    for (const s of this.#connections) s.destroy();
  }

  /** Closes both sockets and cancels delayed answers: queries now find nobody listening. */
  async stop(): Promise<void> {
    for (const t of this.#timers) clearTimeout(t);
    this.#timers.clear();
    this.dropConnections();
    const udp = this.#udp;
    const tcp = this.#tcp;
    this.#udp = undefined;
    this.#tcp = undefined;
    await Promise.all([
      udp === undefined ? undefined : new Promise<void>((resolve) => udp.close(() => resolve())),
      tcp === undefined ? undefined : new Promise<void>((resolve) => tcp.close(() => resolve())),
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

  #udpQuery(udp: UdpSocket, bytes: Buffer, port: number, address: string): void {
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
        udp.send(out, port, address);
      } catch {
        // closed meanwhile
      }
    });
  }

  #accept(socket: Socket): void {
    this.tcpAccepts++;
    this.#connections.add(socket);
    const reader = new FrameReader();
    let nth = 0;
    socket.on('data', (chunk: Buffer) => {
      for (const frame of reader.push(chunk)) {
        let msg: Message;
        try {
          msg = decodeMessage(frame);
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
        if (action.kind === 'drop') continue;
        if (action.kind === 'close') {
          socket.destroy();
          return;
        }
        const out = frameMessage(action.kind === 'raw' ? action.bytes : encodeMessage(action.msg));
        this.#later(action.delayMs, () => {
          if (!socket.destroyed) socket.write(out);
        });
      }
    });
    socket.on('error', () => {});
    socket.on('close', () => {
      this.tcpCloses++;
      this.#connections.delete(socket);
    });
  }
}

function bindUdp(host: string, port: number): Promise<UdpSocket> {
  return new Promise((resolve, reject) => {
    const s = createSocket(host.includes(':') ? 'udp6' : 'udp4');
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
