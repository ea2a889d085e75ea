import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { PackedResponse } from './packed.js';
import { Request } from './request.js';
import { ServerWriter } from '../server/writer.js';
import { Flag, Rcode } from '../wire/constants.js';
import { createOpt } from '../wire/edns.js';
import { decodeMessage } from '../wire/decode.js';
import { encodeMessage } from '../wire/encode.js';
import { arbMessage } from '../wire/test-support/arbitraries.js';
import type { Message, ResourceRecord } from '../wire/types.js';

class CaptureWriter extends ServerWriter {
  readonly sent: Uint8Array[] = [];
  constructor(readonly transport: 'udp' | 'tcp') {
    super('192.0.2.1', 5353, '127.0.0.1', 53);
  }
  protected send(bytes: Uint8Array): void {
    this.sent.push(bytes);
  }
}

interface QueryShape {
  id: number;
  qflags: number;
  edns: undefined | { size: number; dnssecOk: boolean };
  transport: 'udp' | 'tcp';
}

function query(response: Message, shape: QueryShape, name = response.questions[0].name): Message {
  return {
    id: shape.id,
    flags: shape.qflags,
    questions: [{ ...response.questions[0], name }],
    answers: [],
    authorities: [],
    additionals:
      shape.edns === undefined
        ? []
        : [createOpt({ udpPayloadSize: shape.edns.size, dnssecOk: shape.edns.dnssecOk })],
  };
}

/** Byte contents, whether the array is a Buffer or a plain Uint8Array. */
function plain(bytes: Uint8Array | undefined): Uint8Array | undefined {
  return bytes === undefined ? undefined : Uint8Array.from(bytes);
}

function ttlOf(rr: ResourceRecord): number | undefined {
  return rr.type === 'OPT' ? undefined : rr.ttl;
}

/** The records with every TTL set to `ttl`, or as they are without one. */
function atTtl(records: readonly ResourceRecord[], ttl: number | undefined): ResourceRecord[] {
  return ttl === undefined ? [...records] : records.map((rr) => ({ ...rr, ttl }));
}

/** What the server's writer sends for the answer a cache would build as a Message. */
function viaMessage(
  response: Message,
  q: Message,
  shape: QueryShape,
  flags: number,
  ttl: number | undefined,
): Uint8Array {
  const w = new CaptureWriter(shape.transport);
  w.req = new Request(q, w);
  w.write({
    id: q.id,
    flags,
    questions: [q.questions[0]],
    answers: atTtl(response.answers, ttl),
    authorities: atTtl(response.authorities, ttl),
    additionals: atTtl(response.additionals, ttl),
  });
  return w.sent[0];
}

function viaBytes(
  packed: PackedResponse,
  q: Message,
  shape: QueryShape,
  flags: number,
  ttl: number | undefined,
  /** the query as it arrived, as the server sets Request.wire */
  wire?: Uint8Array,
) {
  const w = new CaptureWriter(shape.transport);
  const req = new Request(q, w);
  req.wire = wire;
  w.req = req;
  const bytes = packed.bytesFor(req, flags, ttl);
  if (bytes !== undefined) expect(w.writeBytes(bytes)).toBe(bytes.length);
  return { bytes, sent: w.sent };
}

const arbResponse = arbMessage
  .filter((m) => m.questions.length === 1)
  .map((m) => ({ ...m, additionals: m.additionals.filter((rr) => rr.type !== 'OPT') }))
  .filter((m) => PackedResponse.pack(m) !== undefined);

const arbShape: fc.Arbitrary<QueryShape> = fc.record({
  id: fc.integer({ min: 0, max: 0xffff }),
  qflags: fc.constantFrom(0, Flag.RD, Flag.RD | Flag.CD, Flag.AD),
  edns: fc.option(fc.record({ size: fc.integer({ min: 0, max: 0xffff }), dnssecOk: fc.boolean() }), {
    nil: undefined,
  }),
  transport: fc.constantFrom('udp' as const, 'tcp' as const),
});

const example: Message = {
  id: 0,
  flags: 0,
  questions: [{ name: 'www.example.org.', type: 'A', class: 'IN' }],
  answers: [
    { name: 'www.example.org.', type: 'CNAME', class: 'IN', ttl: 300, data: 'web.example.org.' },
    { name: 'web.example.org.', type: 'A', class: 'IN', ttl: 300, data: '192.0.2.80' },
  ],
  authorities: [],
  additionals: [],
};

describe('PackedResponse', () => {
  it('gives the bytes the server would send for the same answer as a Message', () => {
    fc.assert(
      fc.property(
        arbResponse,
        arbShape,
        fc.integer({ min: 0, max: 0xffff }),
        // undefined: the records keep their own TTLs (a zone's answers)
        fc.option(fc.integer({ min: 0, max: 0x7fffffff }), { nil: undefined }),
        (response, shape, flags, ttl) => {
          const packed = PackedResponse.pack(response)!;
          const q = query(response, shape);
          const { bytes, sent } = viaBytes(packed, q, shape, flags, ttl);
          const expected = viaMessage(response, q, shape, flags, ttl);
          if (bytes === undefined) {
            // only an answer the writer had to truncate takes the Message path here
            expect(shape.transport).toBe('udp');
            expect(packed.length).toBeGreaterThan(new Request(q, new CaptureWriter('udp')).size - 11);
            return;
          }
          expect(sent).toEqual([bytes]);
          expect(plain(bytes)).toEqual(plain(expected));
        },
      ),
      { numRuns: 400 },
    );
  });

  it('patches ID, flags and every TTL, and appends the OPT record an EDNS query needs', () => {
    const packed = PackedResponse.pack(example)!;
    const shape: QueryShape = {
      id: 4242,
      qflags: Flag.RD,
      edns: { size: 1232, dnssecOk: true },
      transport: 'udp',
    };
    const q = query(example, shape);
    const flags = Flag.QR | Flag.AA | Flag.RD | Flag.RA;
    const { bytes } = viaBytes(packed, q, shape, flags, 17);
    const msg = decodeMessage(bytes!);
    expect(msg.id).toBe(4242);
    expect(msg.flags).toBe(flags);
    expect(msg.answers.map(ttlOf)).toEqual([17, 17]);
    expect(msg.additionals).toEqual([createOpt({ dnssecOk: true })]);
    // the packed bytes stay as they were: the next answer starts from them again
    const again = viaBytes(packed, query(example, { ...shape, id: 1, edns: undefined }), shape, flags, 16);
    const second = decodeMessage(again.bytes!);
    expect(second.id).toBe(1);
    expect(second.answers.map(ttlOf)).toEqual([16, 16]);
    expect(second.additionals).toEqual([]);
  });

  it("keeps each record's own TTL when no TTL is given, and sets them all when one is", () => {
    const mixed: Message = {
      ...example,
      answers: [
        { name: 'www.example.org.', type: 'CNAME', class: 'IN', ttl: 300, data: 'web.example.org.' },
        { name: 'web.example.org.', type: 'A', class: 'IN', ttl: 45, data: '192.0.2.80' },
      ],
      authorities: [{ name: 'example.org.', type: 'NS', class: 'IN', ttl: 86400, data: 'ns.example.org.' }],
    };
    const packed = PackedResponse.pack(mixed)!;
    const shape: QueryShape = { id: 9, qflags: 0, edns: undefined, transport: 'udp' };
    const kept = decodeMessage(viaBytes(packed, query(mixed, shape), shape, Flag.QR, undefined).bytes!);
    expect([...kept.answers, ...kept.authorities].map(ttlOf)).toEqual([300, 45, 86400]);
    const set = decodeMessage(viaBytes(packed, query(mixed, shape), shape, Flag.QR, 7).bytes!);
    expect([...set.answers, ...set.authorities].map(ttlOf)).toEqual([7, 7, 7]);
    // setting TTLs on one copy leaves the packed form as it was
    const again = decodeMessage(viaBytes(packed, query(mixed, shape), shape, Flag.QR, undefined).bytes!);
    expect([...again.answers, ...again.authorities].map(ttlOf)).toEqual([300, 45, 86400]);
  });

  it('leaves a question in another letter case, or an answer to truncate, to the Message path', () => {
    const packed = PackedResponse.pack(example)!;
    const shape: QueryShape = { id: 1, qflags: 0, edns: undefined, transport: 'udp' };
    expect(
      viaBytes(packed, query(example, shape, 'WWW.example.org.'), shape, Flag.QR, 1).bytes,
    ).toBeUndefined();

    const big: Message = {
      ...example,
      answers: Array.from({ length: 40 }, (_, i) => ({
        name: 'www.example.org.',
        type: 'A',
        class: 'IN',
        ttl: 1,
        data: `192.0.2.${i}`,
      })),
    };
    const bigPacked = PackedResponse.pack(big)!;
    expect(bigPacked.length).toBeGreaterThan(512);
    expect(viaBytes(bigPacked, query(big, shape), shape, Flag.QR, 1).bytes).toBeUndefined();
    const tcp: QueryShape = { ...shape, transport: 'tcp' };
    expect(plain(viaBytes(bigPacked, query(big, tcp), tcp, Flag.QR, 1).bytes)).toEqual(
      plain(viaMessage(big, query(big, tcp), tcp, Flag.QR, 1)),
    );
  });

  it('compares the name of a query that arrived as bytes octet by octet, letter case included', () => {
    const packed = PackedResponse.pack(example)!;
    const shape: QueryShape = { id: 7, qflags: Flag.RD, edns: undefined, transport: 'udp' };
    const asked = query(example, shape);
    const same = viaBytes(packed, asked, shape, Flag.QR, 1, encodeMessage(asked));
    expect(plain(same.bytes)).toEqual(plain(viaMessage(example, asked, shape, Flag.QR, 1)));

    const upper = query(example, shape, 'WWW.example.org.');
    expect(viaBytes(packed, upper, shape, Flag.QR, 1, encodeMessage(upper)).bytes).toBeUndefined();
    // The same name through a compression pointer (legal, if odd, in a question): the
    // octets differ, so the Message path answers.
    const pointed = Uint8Array.of(
      ...encodeMessage({ ...asked, questions: [] }).subarray(0, 12),
      0xc0,
      12,
      0,
      1,
      0,
      1,
    );
    pointed[5] = 1;
    expect(viaBytes(packed, asked, shape, Flag.QR, 1, pointed).bytes).toBeUndefined();
    // A query shorter than the packed name cannot match.
    expect(viaBytes(packed, asked, shape, Flag.QR, 1, pointed.subarray(0, 14)).bytes).toBeUndefined();
  });

  it('packs only a response with one question and no OPT record', () => {
    expect(PackedResponse.pack({ ...example, questions: [] })).toBeUndefined();
    expect(PackedResponse.pack({ ...example, additionals: [createOpt()] })).toBeUndefined();
    const bad: Message = {
      ...example,
      answers: [{ name: 'www.example.org.', type: 'A', class: 'IN', ttl: 1, data: 'not an address' }],
    };
    expect(PackedResponse.pack(bad)).toBeUndefined();
  });

  it('writes once: a second response to the same query is ignored', () => {
    const packed = PackedResponse.pack(example)!;
    const shape: QueryShape = { id: 1, qflags: 0, edns: undefined, transport: 'udp' };
    const q = query(example, shape);
    const w = new CaptureWriter('udp');
    const req = new Request(q, w);
    w.req = req;
    expect(w.writeBytes(packed.bytesFor(req, Flag.QR, 1)!)).toBeGreaterThan(0);
    expect(w.writeBytes(packed.bytesFor(req, Flag.QR, 1)!)).toBe(0);
    expect(w.write(req.reply(Rcode.SERVFAIL))).toBe(0);
    expect(w.sent).toHaveLength(1);
  });
});
