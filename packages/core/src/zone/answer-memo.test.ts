import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { Flag, Rcode } from '../wire/constants.js';
import { createOpt } from '../wire/edns.js';
import { decodeMessage } from '../wire/decode.js';
import { encodeMessage } from '../wire/encode.js';
import type { Message, ResourceRecord } from '../wire/types.js';
import { parseZone } from '../zonefile/reader.js';
import { Fallthrough } from '../plugin/fallthrough.js';
import type { Handler } from '../plugin/handler.js';
import { encodePacked } from '../plugin/packed.js';
import { Request } from '../plugin/request.js';
import type { ChainResolver } from '../plugin/upstream.js';
import type { ResponseWriter } from '../plugin/writer.js';
import { ServerWriter } from '../server/writer.js';
import { answerFromZone, type ZoneAnswerOptions } from './answer.js';
import {
  AnswerMemo,
  ENTRY_OVERHEAD,
  MemoBudget,
  NOT_HELD,
  OTHER_CASE,
  SeenNames,
  memoOf,
} from './answer-memo.js';
import { SIGNED } from './test-support/signed.js';
import { Zone } from './zone.js';

const UNSIGNED = [
  '$TTL 60',
  '@ SOA ns h 1 2 3 4 5',
  '@ NS ns',
  'ns A 192.0.2.1',
  'www 300 A 192.0.2.80',
  'www 120 AAAA 2001:db8::80',
  'mail MX 10 mx',
  'mx A 192.0.2.25',
  'alias CNAME www',
  'out CNAME target.example.net.',
  '*.wild A 192.0.2.7',
  '*.wild TXT "wild"',
  'sub NS ns.sub',
  'ns.sub A 192.0.2.53',
  'dn DNAME other.example.org.',
  'x.other A 192.0.2.9',
  ...Array.from({ length: 40 }, (_, i) => `big TXT "record number ${i} of a large RRset"`),
].join('\n');

const unsignedRecords = parseZone(UNSIGNED, { origin: 'example.org.' });
const signedRecords = parseZone(SIGNED, { origin: 'example.' });

/** A fresh Zone object, with a memo of its own. */
function unsignedZone(): Zone {
  return Zone.from('example.org.', unsignedRecords);
}
function signedZone(): Zone {
  return Zone.from('example.', signedRecords);
}

/** The server's writer, capturing what it sends and how. */
class Capture extends ServerWriter {
  readonly sent: Uint8Array[] = [];
  viaBytes = 0;
  constructor(readonly transport: 'udp' | 'tcp') {
    super('192.0.2.1', 5353, '127.0.0.1', 53);
  }
  protected send(bytes: Uint8Array): void {
    this.sent.push(Uint8Array.from(bytes));
  }
  override writeBytes(bytes: Uint8Array): number {
    this.viaBytes++;
    return super.writeBytes(bytes);
  }
}

/** The same writer without writeBytes, as a recorder that needs Messages offers it: the Message path. */
function messagesOnly(inner: Capture): ResponseWriter {
  return {
    transport: inner.transport,
    remoteAddress: inner.remoteAddress,
    remotePort: inner.remotePort,
    localAddress: inner.localAddress,
    localPort: inner.localPort,
    write: (msg: Message) => inner.write(msg),
  };
}

interface Ask {
  name: string;
  type: string;
  class?: string;
  id?: number;
  flags?: number;
  /** EDNS UDP size; no EDNS when undefined */
  edns?: number;
  do?: boolean;
  transport?: 'udp' | 'tcp';
}

function queryOf(a: Ask): Message {
  return {
    id: a.id ?? 4321,
    flags: a.flags ?? Flag.RD,
    questions: [{ name: a.name, type: a.type, class: a.class ?? 'IN' }],
    answers: [],
    authorities: [],
    additionals: a.edns === undefined ? [] : [createOpt({ udpPayloadSize: a.edns, dnssecOk: a.do === true })],
  };
}

interface Answered {
  rcode: number;
  bytes: Uint8Array;
  viaBytes: boolean;
  wildcard: string | undefined;
}

async function answer(
  zone: Zone,
  a: Ask,
  path: 'memo' | 'message',
  options: ZoneAnswerOptions = { plugin: 'file' },
  resolver?: ChainResolver,
): Promise<Answered> {
  const sw = new Capture(a.transport ?? 'udp');
  const w = path === 'memo' ? sw : messagesOnly(sw);
  const query = queryOf(a);
  const req = new Request(query, w);
  // as the server dispatches it: the writer copies the question from the query's bytes
  req.wire = encodeMessage(query);
  req.resolver = resolver;
  sw.req = req;
  const rcode = await answerFromZone(zone, req, w, options);
  expect(sw.sent).toHaveLength(1);
  return { rcode, bytes: sw.sent[0], viaBytes: sw.viaBytes > 0, wildcard: req.metadata('zone/wildcard') };
}

/**
 * Asks `a` through the Message path, then three times through the memo (the name's first
 * query, which marks it seen unless an earlier test did, the one that fills the memo, a
 * hit); all must agree to the byte. Returns the last answer.
 */
async function agree(zone: Zone, a: Ask): Promise<Answered> {
  const expected = await answer(zone, a, 'message');
  const got = [];
  for (let i = 0; i < 3; i++) got.push(await answer(zone, a, 'memo'));
  for (const g of got) {
    expect(g.bytes).toEqual(expected.bytes);
    expect(g.rcode).toBe(expected.rcode);
    expect(g.wildcard).toBe(expected.wildcard);
  }
  return got[2];
}

/** The record data, for what is not the OPT record. */
function dataOf(rr: ResourceRecord): unknown {
  return rr.type === 'OPT' ? undefined : rr.data;
}

function rrs(records: readonly ResourceRecord[]): string[] {
  return records.map((rr) => (rr.type === 'OPT' ? 'OPT' : `${rr.name} ${rr.ttl} ${rr.type}`));
}

describe('answerFromZone with the memo', () => {
  it('answers an existing name from the memo with the bytes the Message path sends, own TTLs kept', async () => {
    const zone = unsignedZone();
    const hit = await agree(zone, { name: 'www.example.org.', type: 'A' });
    expect(hit.viaBytes).toBe(true);
    const msg = decodeMessage(hit.bytes);
    expect(msg.id).toBe(4321);
    expect(msg.flags).toBe(Flag.QR | Flag.AA | Flag.RD);
    expect(rrs(msg.answers)).toEqual(['www.example.org. 300 A']);
    expect(memoOf(zone).size).toBe(1);

    const aaaa = decodeMessage((await agree(zone, { name: 'www.example.org.', type: 'AAAA' })).bytes);
    expect(rrs(aaaa.answers)).toEqual(['www.example.org. 120 AAAA']);
    expect(memoOf(zone).size).toBe(2);
  });

  it("memoizes an answer from its name's second query on", async () => {
    const zone = unsignedZone();
    const a: Ask = { name: 'first-sight.example.org.', type: 'A' };
    const expected = await answer(zone, a, 'message');
    const first = await answer(zone, a, 'memo');
    expect(first.viaBytes).toBe(false);
    expect(memoOf(zone).size).toBe(0);
    const second = await answer(zone, a, 'memo');
    expect(memoOf(zone).size).toBe(1);
    const third = await answer(zone, a, 'memo');
    expect(third.viaBytes).toBe(true);
    for (const got of [first, second, third]) expect(got.bytes).toEqual(expected.bytes);
    // another type at a name seen already is memoized at once
    await answer(zone, { ...a, type: 'AAAA' }, 'memo');
    expect(memoOf(zone).size).toBe(2);
  });

  it('gives each query its own ID and copies RD and CD as Request.reply does', async () => {
    const zone = unsignedZone();
    for (const flags of [0, Flag.RD, Flag.RD | Flag.CD, Flag.AD, Flag.CD]) {
      for (const id of [0, 1, 0xbeef, 0xffff]) {
        const hit = await agree(zone, { name: 'mail.example.org.', type: 'MX', flags, id });
        expect(hit.viaBytes).toBe(true);
      }
    }
    // another opcode: RD and CD are not copied (NOTIFY reaches zone plugins)
    const notify = await agree(zone, { name: 'www.example.org.', type: 'SOA', flags: (4 << 11) | Flag.RD });
    expect(decodeMessage(notify.bytes).flags & Flag.RD).toBe(0);
  });

  it('memoizes NXDOMAIN and NODATA with the negative SOA', async () => {
    const zone = unsignedZone();
    const nx = await agree(zone, { name: 'nope.example.org.', type: 'A' });
    expect(nx.rcode).toBe(Rcode.NXDOMAIN);
    expect(nx.viaBytes).toBe(true);
    expect(rrs(decodeMessage(nx.bytes).authorities)).toEqual(['example.org. 5 SOA']);
    const nodata = await agree(zone, { name: 'www.example.org.', type: 'TXT' });
    expect(nodata.rcode).toBe(Rcode.NOERROR);
    expect(nodata.viaBytes).toBe(true);
    const m = decodeMessage(nodata.bytes);
    expect(m.answers).toEqual([]);
    expect(rrs(m.authorities)).toEqual(['example.org. 5 SOA']);
  });

  it('sets the zone/wildcard metadata on hits too', async () => {
    const zone = unsignedZone();
    const hit = await agree(zone, { name: 'a.wild.example.org.', type: 'TXT' });
    expect(hit.viaBytes).toBe(true);
    expect(hit.wildcard).toBe('*.wild.example.org.');
    expect(rrs(decodeMessage(hit.bytes).answers)).toEqual(['a.wild.example.org. 60 TXT']);
    // a name the same wildcard synthesizes is an entry of its own
    const other = await agree(zone, { name: 'b.wild.example.org.', type: 'A' });
    expect(other.wildcard).toBe('*.wild.example.org.');
    expect(rrs(decodeMessage(other.bytes).answers)).toEqual(['b.wild.example.org. 60 A']);
    // and an answer without a wildcard sets none
    expect((await agree(zone, { name: 'www.example.org.', type: 'A' })).wildcard).toBeUndefined();
  });

  it('memoizes a referral without AA, with its glue', async () => {
    const zone = unsignedZone();
    const hit = await agree(zone, { name: 'host.sub.example.org.', type: 'A' });
    expect(hit.viaBytes).toBe(true);
    const m = decodeMessage(hit.bytes);
    expect(m.flags & Flag.AA).toBe(0);
    expect(rrs(m.authorities)).toEqual(['sub.example.org. 60 NS']);
    expect(rrs(m.additionals)).toEqual(['ns.sub.example.org. 60 A']);
  });

  it('memoizes CNAME chains inside the zone, DNAME synthesis and additional addresses', async () => {
    const zone = unsignedZone();
    const alias = decodeMessage((await agree(zone, { name: 'alias.example.org.', type: 'A' })).bytes);
    expect(rrs(alias.answers)).toEqual(['alias.example.org. 60 CNAME', 'www.example.org. 300 A']);
    const dname = decodeMessage((await agree(zone, { name: 'x.dn.example.org.', type: 'A' })).bytes);
    expect(rrs(dname.answers)).toEqual([
      'dn.example.org. 60 DNAME',
      'x.dn.example.org. 60 CNAME',
      'x.other.example.org. 60 A',
    ]);
    const mx = decodeMessage((await agree(zone, { name: 'mail.example.org.', type: 'MX' })).bytes);
    expect(rrs(mx.additionals)).toEqual(['mx.example.org. 60 A']);
  });

  it('adds the OPT record exactly when the query has EDNS, DO mirrored', async () => {
    const zone = unsignedZone();
    for (const edns of [undefined, 512, 1232, 4096]) {
      for (const dnssecOk of [false, true]) {
        if (edns === undefined && dnssecOk) continue;
        const hit = await agree(zone, { name: 'www.example.org.', type: 'A', edns, do: dnssecOk });
        expect(hit.viaBytes).toBe(true);
        const m = decodeMessage(hit.bytes);
        expect(m.additionals).toEqual(edns === undefined ? [] : [createOpt({ dnssecOk })]);
      }
    }
  });

  it('keeps answers with and without DO apart in a signed zone', async () => {
    const zone = signedZone();
    const asks: Ask[] = [
      { name: 'a.example.', type: 'A' },
      { name: 'nothere.example.', type: 'A' },
      { name: 'a.example.', type: 'TXT' },
      { name: 'q.w.example.', type: 'A' },
      { name: 'q.w.example.', type: 'MX' },
      { name: 'x.cut.example.', type: 'A' },
      { name: 'x.insec.example.', type: 'A' },
      { name: 'z.example.', type: 'A' },
      { name: 'svc.example.', type: 'SVCB' },
    ];
    for (const a of asks) {
      const plain = await agree(zone, { ...a, edns: 1232, do: false });
      const signed = await agree(zone, { ...a, edns: 1232, do: true });
      // in either order: the first one asked must not answer the other
      const signedAgain = await answer(zone, { ...a, edns: 1232, do: true }, 'memo');
      expect(signedAgain.bytes).toEqual(signed.bytes);
      expect(plain.viaBytes && signed.viaBytes).toBe(true);
      const withSigs = decodeMessage(signed.bytes);
      const withoutSigs = decodeMessage(plain.bytes);
      const types = (m: Message) => [...m.answers, ...m.authorities, ...m.additionals].map((rr) => rr.type);
      expect(types(withoutSigs).filter((t) => t === 'RRSIG' || t === 'NSEC')).toEqual([]);
      expect(types(withSigs).some((t) => t === 'RRSIG' || t === 'NSEC' || t === 'DS')).toBe(true);
    }
  });

  it('answers a question in other letter case than the memoized one through the Message path', async () => {
    const zone = unsignedZone();
    await agree(zone, { name: 'a.wild.example.org.', type: 'A' });
    // the synthesized owner follows the question's case, so the memoized bytes would be wrong
    const upper = await agree(zone, { name: 'A.Wild.Example.ORG.', type: 'A' });
    expect(upper.viaBytes).toBe(false);
    expect(rrs(decodeMessage(upper.bytes).answers)).toEqual(['A.Wild.Example.ORG. 60 A']);
    expect(memoOf(zone).size).toBe(1);
    // the case first asked still hits
    expect((await answer(zone, { name: 'a.wild.example.org.', type: 'A' }, 'memo')).viaBytes).toBe(true);
  });

  it('leaves an answer the writer must truncate to the Message path, and hits over TCP', async () => {
    const zone = unsignedZone();
    const udp = await agree(zone, { name: 'big.example.org.', type: 'TXT' });
    expect(udp.viaBytes).toBe(false);
    const truncated = decodeMessage(udp.bytes);
    expect(truncated.flags & Flag.TC).toBe(Flag.TC);
    expect(udp.bytes.length).toBeLessThanOrEqual(512);
    expect(memoOf(zone).size).toBe(1);
    const tcp = await agree(zone, { name: 'big.example.org.', type: 'TXT', transport: 'tcp' });
    expect(tcp.viaBytes).toBe(true);
    expect(decodeMessage(tcp.bytes).answers).toHaveLength(40);
    const large = await agree(zone, { name: 'big.example.org.', type: 'TXT', edns: 4096 });
    expect(large.viaBytes).toBe(true);
    expect(decodeMessage(large.bytes).answers).toHaveLength(40);
  });

  it('keeps questions of other classes apart', async () => {
    const zone = unsignedZone();
    await agree(zone, { name: 'www.example.org.', type: 'A' });
    const ch = await agree(zone, { name: 'www.example.org.', type: 'A', class: 'CH' });
    expect(decodeMessage(ch.bytes).questions[0].class).toBe('CH');
    expect(memoOf(zone).size).toBe(2);
  });

  it('never memoizes an answer chased through the chain', async () => {
    const zone = unsignedZone();
    const asked: string[] = [];
    const resolver: ChainResolver = {
      resolve(req: Request): Promise<Message> {
        asked.push(req.qname);
        const m = req.reply(Rcode.NOERROR);
        m.answers = [
          { name: req.qname, type: 'A', class: 'IN', ttl: 30, data: `198.51.100.${asked.length}` },
        ];
        return Promise.resolve(m);
      },
    };
    const first = await answer(zone, { name: 'out.example.org.', type: 'A' }, 'memo', undefined, resolver);
    const second = await answer(zone, { name: 'out.example.org.', type: 'A' }, 'memo', undefined, resolver);
    expect(asked).toEqual(['target.example.net.', 'target.example.net.']);
    expect(first.viaBytes || second.viaBytes).toBe(false);
    expect(rrs(decodeMessage(second.bytes).answers)).toEqual([
      'out.example.org. 60 CNAME',
      'target.example.net. 30 A',
    ]);
    expect(dataOf(decodeMessage(second.bytes).answers[1])).toBe('198.51.100.2');
    expect(memoOf(zone).size).toBe(0);
    // a query for the CNAME itself is never chased, so its answer is memoized
    const cname = await agree(zone, { name: 'out.example.org.', type: 'CNAME' });
    expect(cname.viaBytes).toBe(true);
  });

  it('passes a memoized NXDOMAIN to the next plugin under fallthrough', async () => {
    const zone = unsignedZone();
    const nx = { name: 'nope.example.org.', type: 'A' };
    await agree(zone, nx);
    const next: Handler = {
      name: 'next',
      serveDNS: (req, w) => {
        w.write(req.reply(Rcode.REFUSED));
        return 99;
      },
    };
    const falling = { plugin: 'file', fallthrough: Fallthrough.fromArgs(['example.org'])!, next };
    const passed = await answer(zone, nx, 'memo', falling);
    expect(passed.rcode).toBe(99);
    expect(decodeMessage(passed.bytes).flags & 0xf).toBe(Rcode.REFUSED);
    const other = { plugin: 'file', fallthrough: Fallthrough.fromArgs(['example.com'])!, next };
    const kept = await answer(zone, nx, 'memo', other);
    expect(kept.rcode).toBe(Rcode.NXDOMAIN);
    expect(kept.viaBytes).toBe(true);
  });

  it('fills no memo for a writer that takes only Messages', async () => {
    const zone = unsignedZone();
    await answer(zone, { name: 'www.example.org.', type: 'A' }, 'message');
    await answer(zone, { name: 'www.example.org.', type: 'A' }, 'message');
    expect(memoOf(zone).size).toBe(0);
  });

  it('never answers a new version of the zone from the old one', async () => {
    const before = unsignedZone();
    const ask: Ask = { name: 'www.example.org.', type: 'A' };
    const old = await agree(before, ask);
    expect(dataOf(decodeMessage(old.bytes).answers[0])).toBe('192.0.2.80');
    // a reload or transfer builds a new Zone
    const after = Zone.from(
      'example.org.',
      parseZone(UNSIGNED.replace('www 300 A 192.0.2.80', 'www 300 A 192.0.2.81'), { origin: 'example.org.' }),
    );
    const fresh = await answer(after, ask, 'memo');
    expect(fresh.viaBytes).toBe(true);
    expect(dataOf(decodeMessage(fresh.bytes).answers[0])).toBe('192.0.2.81');
    // the version being replaced keeps answering from its own data meanwhile
    expect(dataOf(decodeMessage((await answer(before, ask, 'memo')).bytes).answers[0])).toBe('192.0.2.80');
  });

  it('agrees with the Message path for any sequence of questions', async () => {
    const unsignedNames = [
      'example.org.',
      'www.example.org.',
      'WWW.example.org.',
      'alias.example.org.',
      'mail.example.org.',
      'x.wild.example.org.',
      'X.WILD.example.org.',
      'host.sub.example.org.',
      'sub.example.org.',
      'a.x.dn.example.org.',
      'dn.example.org.',
      'big.example.org.',
      'nope.example.org.',
      'out.example.org.',
    ];
    const signedNames = [
      'example.',
      'a.example.',
      'b.example.',
      'c.b.example.',
      'cut.example.',
      'ns.cut.example.',
      'insec.example.',
      'svc.example.',
      'q.w.example.',
      'x.w.example.',
      'z.example.',
      'nothere.example.',
    ];
    const arbAsk = (names: string[]) =>
      fc.record({
        name: fc.constantFrom(...names),
        type: fc.constantFrom(
          'A',
          'AAAA',
          'MX',
          'TXT',
          'NS',
          'SOA',
          'CNAME',
          'DNAME',
          'ANY',
          'RRSIG',
          'NSEC',
          'DS',
          'SVCB',
        ),
        id: fc.integer({ min: 0, max: 0xffff }),
        flags: fc.constantFrom(0, Flag.RD, Flag.RD | Flag.CD, Flag.AD, (4 << 11) | Flag.RD),
        edns: fc.option(fc.integer({ min: 0, max: 0xffff }), { nil: undefined }),
        do: fc.boolean(),
        transport: fc.constantFrom('udp' as const, 'tcp' as const),
      });
    const sequences = fc.oneof(
      fc.tuple(fc.constant(unsignedZone), fc.array(arbAsk(unsignedNames), { minLength: 1, maxLength: 25 })),
      fc.tuple(fc.constant(signedZone), fc.array(arbAsk(signedNames), { minLength: 1, maxLength: 25 })),
    );
    let hits = 0;
    await fc.assert(
      fc.asyncProperty(sequences, async ([make, asks]) => {
        const zone = make();
        for (const a of asks) {
          const expected = await answer(zone, a, 'message');
          const got = await answer(zone, a, 'memo');
          expect(got.bytes).toEqual(expected.bytes);
          expect(got.rcode).toBe(expected.rcode);
          expect(got.wildcard).toBe(expected.wildcard);
          if (got.viaBytes) hits++;
        }
      }),
      { numRuns: 150 },
    );
    expect(hits).toBeGreaterThan(0);
  });
});

describe('AnswerMemo', () => {
  /** A response to name/type/class as the zone path packs it: one A record. */
  function packed(name: string, type = 'A', cls = 'IN'): Uint8Array {
    const bytes = encodePacked({
      id: 0,
      flags: 0,
      questions: [{ name, type, class: cls }],
      answers: [{ name, type: 'A', class: 'IN', ttl: 60, data: '192.0.2.1' }],
      authorities: [],
      additionals: [],
    });
    return Uint8Array.from(bytes!);
  }
  /** A query's bytes as they arrive. */
  function wire(name: string, type = 'A', cls = 'IN'): Uint8Array {
    return Uint8Array.from(encodeMessage(queryOf({ name, type, class: cls, edns: 1232 })));
  }
  const cost = packed('a.example.org.').length + ENTRY_OVERHEAD;
  const add = (memo: AnswerMemo, name: string, dnssecOk = false, type = 'A'): number =>
    memo.add(packed(name, type), Flag.AA, dnssecOk, false, undefined);

  it('finds an entry by the octets of the question and the DO bit, telling other letter case apart', () => {
    const memo = new AnswerMemo(new MemoBudget(1 << 20), new SeenNames(1024));
    const a = add(memo, 'www.example.org.');
    const aDo = add(memo, 'www.example.org.', true);
    expect(a).not.toBe(aDo);
    expect(memo.find(wire('www.example.org.'), false)).toBe(a);
    expect(memo.find(wire('www.example.org.'), true)).toBe(aDo);
    expect(memo.find(wire('www.example.org.', 'AAAA'), false)).toBe(NOT_HELD);
    expect(memo.find(wire('www.example.org.', 'A', 'CH'), false)).toBe(NOT_HELD);
    expect(memo.find(wire('example.org.'), false)).toBe(NOT_HELD);
    expect(memo.find(wire('ww.example.org.'), false)).toBe(NOT_HELD);
    expect(memo.find(wire('WWW.example.org.'), false)).toBe(OTHER_CASE);
    // type 65 and type 97 differ only as 'A' and 'a' do: no case folding outside the name
    const https = add(memo, 'h.example.org.', false, 'TYPE65');
    expect(memo.find(wire('h.example.org.', 'TYPE65'), false)).toBe(https);
    expect(memo.find(wire('h.example.org.', 'TYPE97'), false)).toBe(NOT_HELD);
    // bytes that end inside the question are never found
    expect(memo.find(wire('www.example.org.').subarray(0, 20), false)).toBe(NOT_HELD);
    expect(memo.size).toBe(3);
  });

  it("answers with the query's ID and flags, the entry's AA and rcode, and the facts it was given", () => {
    const memo = new AnswerMemo(new MemoBudget(1 << 20), new SeenNames(1024));
    const wildcard = (): string => '*.example.org.';
    const entry = memo.add(packed('x.example.org.'), Flag.AA | Rcode.NXDOMAIN, false, true, wildcard);
    const query = queryOf({ name: 'x.example.org.', type: 'A', id: 0xbeef, edns: 1232 });
    const req = new Request(query, new Capture('udp'));
    const bytes = memo.answer(entry, req, req.replyFlags())!;
    const msg = decodeMessage(bytes);
    expect(msg.id).toBe(0xbeef);
    expect(msg.flags).toBe(Flag.QR | Flag.RD | Flag.AA | Rcode.NXDOMAIN);
    expect(msg.additionals.map((rr) => rr.type)).toEqual(['OPT']);
    expect(memo.rcode(entry)).toBe(Rcode.NXDOMAIN);
    expect(memo.fallsThrough(entry)).toBe(true);
    expect(memo.wildcard(entry)).toBe(wildcard);
    const plain = add(memo, 'y.example.org.');
    expect(memo.fallsThrough(plain)).toBe(false);
    expect(memo.wildcard(plain)).toBeUndefined();
  });

  it('tells apart questions whose hashes collide', () => {
    // found by search: these two names hash alike (type A, class IN, DO clear)
    const [one, other] = ['h805070.example.', 'h1112000.example.'];
    const memo = new AnswerMemo(new MemoBudget(1 << 20), new SeenNames(1024));
    const first = add(memo, one);
    expect(memo.find(wire(other), false)).toBe(NOT_HELD);
    const second = add(memo, other);
    expect(memo.find(wire(one), false)).toBe(first);
    expect(memo.find(wire(other), false)).toBe(second);
    expect(memo.find(wire(other.toUpperCase()), false)).toBe(OTHER_CASE);
  });

  it('grows its table and arena, and finds every entry it holds', () => {
    const memo = new AnswerMemo(new MemoBudget(1 << 26), new SeenNames(1024));
    const n = 5000;
    for (let i = 0; i < n; i++) expect(add(memo, `host${i}.example.org.`, (i & 1) === 1)).toBe(i);
    expect(memo.size).toBe(n);
    for (let i = 0; i < n; i++) {
      expect(memo.find(wire(`host${i}.example.org.`), (i & 1) === 1)).toBe(i);
      expect(memo.find(wire(`host${i}.example.org.`), (i & 1) === 0)).toBe(NOT_HELD);
    }
  });

  it('finds what it holds whatever names share hash slots (property)', () => {
    const arbName = fc
      .array(fc.constantFrom('a', 'B', 'c', 'xy', 'Zz'), { minLength: 1, maxLength: 4 })
      .map((labels) => `${labels.join('.')}.example.`);
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.tuple(arbName, fc.boolean()), {
          maxLength: 60,
          selector: ([n, d]) => `${n.toLowerCase()} ${d}`,
        }),
        (held) => {
          const memo = new AnswerMemo(new MemoBudget(1 << 24), new SeenNames(1024));
          const entries = held.map(([name, dnssecOk]) => add(memo, name, dnssecOk));
          held.forEach(([name, dnssecOk], i) => {
            expect(memo.find(wire(name), dnssecOk)).toBe(entries[i]);
            const upper = name.toUpperCase();
            if (upper !== name) expect(memo.find(wire(upper), dnssecOk)).toBe(OTHER_CASE);
            expect(memo.find(wire(`q.${name}`), dnssecOk)).toBe(NOT_HELD);
          });
        },
      ),
      { numRuns: 200 },
    );
  });

  it('empties every memo once the shared budget would be exceeded', () => {
    const budget = new MemoBudget(cost * 3);
    const seen = new SeenNames(1024);
    const one = new AnswerMemo(budget, seen);
    const two = new AnswerMemo(budget, seen);
    add(one, 'a.example.org.');
    add(two, 'b.example.org.');
    add(one, 'c.example.org.');
    expect(budget.used).toBe(cost * 3);
    expect(one.size + two.size).toBe(3);
    // the fourth does not fit: everything goes, then it is added
    add(two, 'd.example.org.');
    expect(one.size).toBe(0);
    expect(one.find(wire('a.example.org.'), false)).toBe(NOT_HELD);
    expect(two.size).toBe(1);
    expect(two.find(wire('d.example.org.'), false)).toBe(0);
    expect(budget.used).toBe(cost);
    // a memo emptied once is charged again when it fills again
    add(one, 'e.example.org.');
    add(one, 'f.example.org.');
    add(two, 'g.example.org.');
    expect(one.size + two.size).toBe(1);
  });

  it('tells names seen before from new ones, forgetting them all once a sixteenth of its bits is set', () => {
    const seen = new SeenNames(1024);
    expect(seen.seenBefore('www.example.org.')).toBe(false);
    expect(seen.seenBefore('www.example.org.')).toBe(true);
    // fill up to the limit, 64 bits: www's and 63 more
    let set = 1;
    let i = 0;
    while (set < 64) if (!seen.seenBefore(`host${i++}.example.org.`)) set++;
    // names whose bit was set already pass for seen: a few, not most
    expect(i - 63).toBeLessThan(10);
    expect(seen.seenBefore('www.example.org.')).toBe(true);
    // the next new name clears every bit before setting its own
    while (seen.seenBefore(`host${i++}.example.org.`));
    expect(seen.seenBefore('www.example.org.')).toBe(false);
  });

  it('gives each Zone object one memo of its own', () => {
    const a = unsignedZone();
    const b = unsignedZone();
    expect(memoOf(a)).toBe(memoOf(a));
    expect(memoOf(a)).not.toBe(memoOf(b));
  });
});
