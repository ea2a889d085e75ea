import { describe, expect, it } from 'vitest';
import { Flag, Rcode } from '../wire/constants.js';
import { getRcode } from '../wire/header.js';
import type { Message, ResourceRecord } from '../wire/types.js';
import { parseZone } from '../zonefile/reader.js';
import { Fallthrough } from '../plugin/fallthrough.js';
import type { Handler } from '../plugin/handler.js';
import type { NonWriter } from '../plugin/recorder.js';
import { Request } from '../plugin/request.js';
import type { ChainResolver } from '../plugin/upstream.js';
import type { ResponseWriter } from '../plugin/writer.js';
import { answerFromZone } from './answer.js';
import { Zone } from './zone.js';

const zone = Zone.from(
  'example.org.',
  parseZone(
    [
      '$TTL 60',
      '@ SOA ns h 1 2 3 4 5',
      '@ NS ns',
      'ns A 192.0.2.1',
      'out CNAME target.example.net.',
      'in CNAME out',
      '*.wild A 192.0.2.7',
    ].join('\n'),
    { origin: 'example.org.' },
  ),
);

class Capture implements ResponseWriter {
  readonly transport = 'udp' as const;
  readonly remoteAddress = '192.0.2.99';
  readonly remotePort = 5353;
  readonly localAddress = '127.0.0.1';
  readonly localPort = 53;
  msg: Message | undefined;
  write(msg: Message): void {
    this.msg = msg;
  }
}

function request(name: string, type: string, w: ResponseWriter): Request {
  return new Request(
    {
      id: 7,
      flags: 0,
      questions: [{ name, type, class: 'IN' }],
      answers: [],
      authorities: [],
      additionals: [],
    },
    w,
  );
}

/** A chain that answers example.net names from a table, and counts its lookups. */
function chain(answer: (name: string, type: string) => Message | Error): ChainResolver & { asked: string[] } {
  const asked: string[] = [];
  return {
    asked,
    resolve(req: Request, _w: NonWriter): Promise<Message> {
      asked.push(`${req.qname} ${req.qtype}`);
      const m = answer(req.qname, req.qtype);
      return m instanceof Error ? Promise.reject(m) : Promise.resolve(m);
    },
  };
}

function reply(
  req: Request,
  rcode: number,
  answers: ResourceRecord[],
  authorities: ResourceRecord[] = [],
): Message {
  const m = req.reply(rcode);
  m.flags |= Flag.AA;
  m.answers = answers;
  m.authorities = authorities;
  return m;
}

const TARGET_A: ResourceRecord = {
  name: 'target.example.net.',
  type: 'A',
  class: 'IN',
  ttl: 30,
  data: '198.51.100.1',
};
const NET_SOA: ResourceRecord = {
  name: 'example.net.',
  type: 'SOA',
  class: 'IN',
  ttl: 30,
  data: {
    mname: 'ns.example.net.',
    rname: 'h.example.net.',
    serial: 1,
    refresh: 2,
    retry: 3,
    expire: 4,
    minimum: 5,
  },
};

describe('answerFromZone', () => {
  it('answers synchronously inside the zone, AA set, wildcard metadata set', () => {
    const w = new Capture();
    const req = request('a.wild.example.org.', 'A', w);
    const rcode = answerFromZone(zone, req, w, { plugin: 'file' });
    expect(rcode).toBe(Rcode.NOERROR);
    expect((w.msg!.flags & Flag.AA) !== 0).toBe(true);
    expect(w.msg!.answers.map((r) => r.name)).toEqual(['a.wild.example.org.']);
    expect(req.metadata('zone/wildcard')).toBe('*.wild.example.org.');
  });

  it('follows an out-of-zone CNAME through the chain and appends its answer', async () => {
    const w = new Capture();
    const req = request('in.example.org.', 'A', w);
    const c = chain((name, type) => reply(request(name, type, w), Rcode.NOERROR, [TARGET_A]));
    req.resolver = c;
    expect(await answerFromZone(zone, req, w, { plugin: 'file' })).toBe(Rcode.NOERROR);
    expect(c.asked).toEqual(['target.example.net. A']);
    expect(w.msg!.answers.map((r) => `${r.name} ${r.type}`)).toEqual([
      'in.example.org. CNAME',
      'out.example.org. CNAME',
      'target.example.net. A',
    ]);
    expect((w.msg!.flags & Flag.AA) !== 0).toBe(true);
  });

  it("takes the target's rcode and negative SOA when the target does not exist (RFC 6604)", async () => {
    const w = new Capture();
    const req = request('out.example.org.', 'A', w);
    req.resolver = chain((name, type) => reply(request(name, type, w), Rcode.NXDOMAIN, [], [NET_SOA]));
    expect(await answerFromZone(zone, req, w, { plugin: 'file' })).toBe(Rcode.NXDOMAIN);
    expect(getRcode(w.msg!)).toBe(Rcode.NXDOMAIN);
    expect(w.msg!.answers.map((r) => r.type)).toEqual(['CNAME']);
    expect(w.msg!.authorities).toEqual([NET_SOA]);
  });

  it('keeps the CNAME alone when the chain cannot answer (no server, REFUSED, SERVFAIL, an error)', async () => {
    for (const resolver of [
      undefined,
      chain((name, type) => request(name, type, new Capture()).reply(Rcode.REFUSED)),
      chain((name, type) => request(name, type, new Capture()).reply(Rcode.SERVFAIL)),
      chain(() => new Error('boom')),
    ]) {
      const w = new Capture();
      const req = request('out.example.org.', 'A', w);
      req.resolver = resolver;
      expect(await answerFromZone(zone, req, w, { plugin: 'file' })).toBe(Rcode.NOERROR);
      expect(getRcode(w.msg!)).toBe(Rcode.NOERROR);
      expect(w.msg!.answers.map((r) => r.type)).toEqual(['CNAME']);
    }
  });

  it('does not chase for a CNAME query', () => {
    const w = new Capture();
    const req = request('out.example.org.', 'CNAME', w);
    const c = chain(() => new Error('not asked'));
    req.resolver = c;
    expect(answerFromZone(zone, req, w, { plugin: 'file' })).toBe(Rcode.NOERROR);
    expect(c.asked).toEqual([]);
  });

  it('passes NXDOMAIN to the next plugin under fallthrough, only for its zones', () => {
    const next: Handler = {
      name: 'next',
      serveDNS: (req, w) => {
        w.write(req.reply(Rcode.NOERROR));
        return 99;
      },
    };
    const w = new Capture();
    const fall = Fallthrough.fromArgs(['example.org'])!;
    expect(
      answerFromZone(zone, request('nope.example.org.', 'A', w), w, {
        plugin: 'file',
        fallthrough: fall,
        next,
      }),
    ).toBe(99);
    expect(
      answerFromZone(zone, request('ns.example.org.', 'TXT', w), w, {
        plugin: 'file',
        fallthrough: fall,
        next,
      }),
    ).toBe(Rcode.NOERROR);
    const none = Fallthrough.fromArgs(['example.com'])!;
    expect(
      answerFromZone(zone, request('nope.example.org.', 'A', w), w, {
        plugin: 'file',
        fallthrough: none,
        next,
      }),
    ).toBe(Rcode.NXDOMAIN);
  });
});
