import { createSocket, type Socket } from 'node:dgram';
import { createServer, type Server, type Socket as TcpSocket } from 'node:net';
import {
  Flag,
  Rcode,
  decodeMessage,
  definePlugin,
  encodeMessage,
  setRcode,
  type Message,
  type ResourceRecord,
} from '@tsdns/core';
import { FrameReader, exchange, frameMessage, freePorts, randomId } from '@tsdns/testing';

/** What the test upstream does with a query: answer with a message, or stay silent. */
export type Responder = (query: Message, transport: 'udp' | 'tcp') => Message | 'drop';

/**
 * A DNS server for tests on 127.0.0.1 (UDP and TCP on one port) that answers with what the
 * test's responder returns and records every query it gets. It can be stopped and started
 * again on the same port, to play an upstream that goes away.
 */
export class TestUpstream {
  readonly queries: Array<{ msg: Message; transport: 'udp' | 'tcp' }> = [];
  #udp: Socket | undefined;
  #tcp: Server | undefined;
  readonly #conns = new Set<TcpSocket>();

  private constructor(
    readonly port: number,
    public responder: Responder,
  ) {}

  static async start(responder: Responder): Promise<TestUpstream> {
    const [port] = await freePorts(1);
    const up = new TestUpstream(port, responder);
    await up.listen();
    return up;
  }

  /** How many queries came for this name (any letter case) and type. */
  count(name: string, type?: string): number {
    const lower = name.toLowerCase();
    return this.queries.filter(
      (q) =>
        q.msg.questions[0]?.name.toLowerCase() === lower &&
        (type === undefined || q.msg.questions[0]?.type === type),
    ).length;
  }

  #answer(bytes: Uint8Array, transport: 'udp' | 'tcp'): Uint8Array | undefined {
    let msg: Message;
    try {
      msg = decodeMessage(bytes);
    } catch {
      return undefined;
    }
    this.queries.push({ msg, transport });
    const out = this.responder(msg, transport);
    return out === 'drop' ? undefined : encodeMessage(out);
  }

  async listen(): Promise<void> {
    const udp = createSocket('udp4');
    udp.on('message', (data, rinfo) => {
      const out = this.#answer(new Uint8Array(data.buffer, data.byteOffset, data.byteLength), 'udp');
      if (out !== undefined) udp.send(out, rinfo.port, rinfo.address);
    });
    await new Promise<void>((resolve, reject) => {
      udp.once('error', reject);
      udp.bind(this.port, '127.0.0.1', () => resolve());
    });
    const tcp = createServer((conn) => {
      this.#conns.add(conn);
      conn.on('close', () => this.#conns.delete(conn));
      conn.on('error', () => conn.destroy());
      const reader = new FrameReader();
      conn.on('data', (chunk) => {
        for (const frame of reader.push(chunk)) {
          const out = this.#answer(frame, 'tcp');
          if (out !== undefined) conn.write(frameMessage(out));
        }
      });
    });
    await new Promise<void>((resolve, reject) => {
      tcp.once('error', reject);
      tcp.listen(this.port, '127.0.0.1', () => resolve());
    });
    this.#udp = udp;
    this.#tcp = tcp;
  }

  /** Closes both sockets: queries now find nobody listening. */
  async stop(): Promise<void> {
    const udp = this.#udp;
    const tcp = this.#tcp;
    this.#udp = undefined;
    this.#tcp = undefined;
    for (const c of this.#conns) c.destroy();
    if (udp !== undefined) await new Promise<void>((resolve) => udp.close(() => resolve()));
    if (tcp !== undefined) await new Promise<void>((resolve) => tcp.close(() => resolve()));
  }
}

export interface ReplyInit {
  rcode?: number;
  answers?: ResourceRecord[];
  authorities?: ResourceRecord[];
  flags?: number;
}

/** The reply an upstream resolver would send to `query`. */
export function reply(query: Message, init: ReplyInit = {}): Message {
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

/**
 * A stand-in for *forward* in tests: `relay PORT` sends each query (with a fresh ID) to
 * 127.0.0.1:PORT over the client's transport (TCP for a background refresh) and writes the
 * reply with the client's ID. Without a reply in 500 ms it writes nothing and returns
 * SERVFAIL, as forward does when its upstreams fail.
 */
export const relay = definePlugin({
  name: 'relay',
  setup(c) {
    c.next();
    if (!c.nextArg()) throw c.argErr();
    const port = Number(c.val());
    c.addHandler(() => ({
      name: 'relay',
      async serveDNS(req, w) {
        const transport = req.transport === 'udp' ? 'udp' : 'tcp';
        let answer: Message;
        try {
          answer = await exchange({ port }, { ...req.msg, id: randomId() }, { transport, timeout: 500 });
        } catch {
          return Rcode.SERVFAIL;
        }
        w.write({ ...answer, id: req.id });
        return Rcode.NOERROR;
      },
    }));
  },
});
