import { createSocket, type Socket as UdpSocket } from 'node:dgram';
import { createServer, type Server, type Socket } from 'node:net';
import {
  Flag,
  Rcode,
  decodeMessage,
  encodeMessage,
  parseZone,
  setRcode,
  type Message,
  type ResourceRecord,
} from '@tsdns/core';
import { FrameReader, frameMessage, freePorts } from '@tsdns/testing';

/**
 * How the scripted primary behaves: serve the zone, serve it but refuse IXFR, never
 * answer, refuse, or send a transfer that is no valid zone (a CNAME beside an address)
 * with a newer serial.
 */
export type PrimaryMode = 'serve' | 'noixfr' | 'silent' | 'refuse' | 'garbage';

/**
 * A scripted primary on 127.0.0.1 for one zone, with full control over what it answers:
 * SOA over UDP and TCP, AXFR (IXFR is answered in AXFR form, which RFC 1995 allows), in
 * the mode the test sets. Counts what it was asked.
 */
export class ScriptedPrimary {
  mode: PrimaryMode = 'serve';
  records: ResourceRecord[] = [];
  readonly asked: string[] = [];
  readonly #udp: UdpSocket;
  readonly #tcp: Server;
  readonly #conns = new Set<Socket>();

  private constructor(
    readonly zone: string,
    readonly port: number,
    udp: UdpSocket,
    tcp: Server,
  ) {
    this.#udp = udp;
    this.#tcp = tcp;
  }

  static async start(zone: string, text: string): Promise<ScriptedPrimary> {
    const [port] = await freePorts(1);
    const udp = createSocket('udp4');
    const tcp = createServer();
    const p = new ScriptedPrimary(zone, port, udp, tcp);
    p.setZone(text);
    udp.on('message', (buf, rinfo) => {
      const answer = p.#answer(buf, 'udp');
      if (answer !== undefined) udp.send(answer[0], rinfo.port, rinfo.address);
    });
    tcp.on('connection', (conn) => {
      p.#conns.add(conn);
      conn.on('close', () => p.#conns.delete(conn));
      conn.on('error', () => undefined);
      const reader = new FrameReader();
      conn.on('data', (chunk) => {
        for (const frame of reader.push(chunk)) {
          for (const m of p.#answer(frame, 'tcp') ?? []) conn.write(frameMessage(m));
        }
      });
    });
    await new Promise<void>((resolve) => udp.bind(port, '127.0.0.1', resolve));
    await new Promise<void>((resolve) => tcp.listen(port, '127.0.0.1', resolve));
    return p;
  }

  /** Replaces the zone with the records of master-file `text` (relative to the zone). */
  setZone(text: string): void {
    this.records = parseZone(text, { origin: this.zone });
  }

  get soa(): ResourceRecord {
    return this.records.find((r) => r.type === 'SOA') as ResourceRecord;
  }

  #answer(bytes: Uint8Array, transport: 'udp' | 'tcp'): Uint8Array[] | undefined {
    let q: Message;
    try {
      q = decodeMessage(bytes);
    } catch {
      return undefined;
    }
    const question = q.questions[0];
    this.asked.push(`${transport} ${question?.type}`);
    if (this.mode === 'silent' || question === undefined) return undefined;
    const reply: Message = {
      id: q.id,
      flags: Flag.QR | Flag.AA,
      questions: [question],
      answers: [],
      authorities: [],
      additionals: [],
    };
    if (this.mode === 'refuse' || (this.mode === 'noixfr' && question.type === 'IXFR')) {
      reply.flags = Flag.QR;
      setRcode(reply, Rcode.REFUSED);
      return [encodeMessage(reply)];
    }
    if (question.type === 'SOA') {
      reply.answers = [this.mode === 'garbage' ? this.#newerSoa() : this.soa];
      return [encodeMessage(reply)];
    }
    if ((question.type === 'AXFR' || question.type === 'IXFR') && transport === 'tcp') {
      if (this.mode === 'garbage') {
        const soa = this.#newerSoa();
        const www = `www.${this.zone}`;
        reply.answers = [
          soa,
          { name: this.zone, type: 'NS', class: 'IN', ttl: 60, data: `ns.${this.zone}` },
          { name: www, type: 'CNAME', class: 'IN', ttl: 60, data: this.zone },
          { name: www, type: 'A', class: 'IN', ttl: 60, data: '192.0.2.66' },
          soa,
        ];
      } else {
        const soa = this.soa;
        reply.answers = [soa, ...this.records.filter((r) => r !== soa), soa];
      }
      return [encodeMessage(reply)];
    }
    setRcode(reply, Rcode.NOTIMP);
    return [encodeMessage(reply)];
  }

  #newerSoa(): ResourceRecord {
    const soa = this.soa as Extract<ResourceRecord, { type: 'SOA' }>;
    return { ...soa, data: { ...soa.data, serial: soa.data.serial + 1000 } };
  }

  async stop(): Promise<void> {
    for (const c of this.#conns) c.destroy();
    await new Promise<void>((resolve) => this.#tcp.close(() => resolve()));
    await new Promise<void>((resolve) => this.#udp.close(() => resolve()));
  }
}
