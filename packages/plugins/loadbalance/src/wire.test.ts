import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  Rcode,
  Request,
  decodeMessage,
  encodeMessage,
  type Handler,
  type Message,
  type ResourceRecord,
  type ResponseWriter,
} from '@tsdns/core';
import { BytesCaptureWriter, buildQuery } from '@tsdns/testing';
import { LoadBalance } from './loadbalance.js';
import { randomShuffle } from './policies.js';
import { seededRandom } from './test-support/random.js';
import { roundRobinWire } from './wire.js';

const Q = 'www.example.com.';

function response(answers: ResourceRecord[], extra: Partial<Message> = {}): Message {
  return {
    id: 7,
    flags: 0x8180,
    questions: [{ name: Q, type: 'A', class: 'IN' }],
    answers,
    authorities: [],
    additionals: [],
    ...extra,
  };
}

const a = (i: number, name = Q, ttl = 60): ResourceRecord => ({
  name,
  type: 'A',
  class: 'IN',
  ttl,
  data: `192.0.2.${i}`,
});
const aaaa = (i: number): ResourceRecord => ({
  name: Q,
  type: 'AAAA',
  class: 'IN',
  ttl: 60,
  data: `2001:db8::${i}`,
});
const cname = (target: string): ResourceRecord => ({
  name: Q,
  type: 'CNAME',
  class: 'IN',
  ttl: 60,
  data: target,
});
const mx = (i: number): ResourceRecord => ({
  name: Q,
  type: 'MX',
  class: 'IN',
  ttl: 60,
  data: { preference: i, exchange: `mx${i}.example.com.` },
});
const txt = (s: string): ResourceRecord => ({
  name: Q,
  type: 'TXT',
  class: 'IN',
  ttl: 60,
  data: [new TextEncoder().encode(s)],
});

const addressOf = (rr: ResourceRecord): string => (rr.type === 'A' || rr.type === 'AAAA' ? rr.data : '');

/** What round_robin on the Message gives with the same random draws. */
function viaMessage(bytes: Uint8Array, seed: number): Message {
  return randomShuffle(seededRandom(seed))(decodeMessage(bytes));
}

describe('roundRobinWire', () => {
  it('shuffles one RRset of addresses exactly as round_robin does on the Message', () => {
    const bytes = encodeMessage(response([a(1), a(2), a(3), a(4), a(5)]));
    const seen = new Set<string>();
    for (let seed = 1; seed <= 300; seed++) {
      const out = roundRobinWire(bytes, seededRandom(seed));
      expect(out).toBeDefined();
      expect(out).not.toBe(bytes);
      const got = decodeMessage(out!);
      expect(got).toEqual(viaMessage(bytes, seed));
      seen.add(got.answers.map(addressOf).join(','));
    }
    // 120 orders of 5 addresses: 300 draws see most of them.
    expect(seen.size).toBeGreaterThan(80);
  });

  it('never changes the bytes it is given', () => {
    const bytes = encodeMessage(response([a(1), a(2), a(3)]));
    const copy = new Uint8Array(bytes);
    for (let seed = 1; seed < 20; seed++) roundRobinWire(bytes, seededRandom(seed));
    expect(bytes).toEqual(copy);
  });

  it('returns the same bytes when nothing can move', () => {
    for (const msg of [
      response([a(1)]),
      response([cname('x.example.net.'), a(1, 'x.example.net.')]),
      response([txt('one'), mx(10)]),
      response([]),
    ]) {
      const bytes = encodeMessage(msg);
      expect(roundRobinWire(bytes, seededRandom(1))).toBe(bytes);
    }
  });

  it('shuffles after a CNAME and in the additional section too', () => {
    const msg = response(
      [cname('x.example.net.'), a(1, 'x.example.net.'), a(2, 'x.example.net.'), a(3, 'x.example.net.')],
      {
        additionals: [aaaa(1), aaaa(2)],
      },
    );
    const bytes = encodeMessage(msg);
    for (let seed = 1; seed <= 50; seed++) {
      expect(decodeMessage(roundRobinWire(bytes, seededRandom(seed))!)).toEqual(viaMessage(bytes, seed));
    }
  });

  it('leaves to the Message path what it cannot reorder as bytes', () => {
    const cases: Message[] = [
      // groups out of round_robin's order
      response([a(1), cname('x.example.net.')]),
      response([a(1), a(2), txt('after')]),
      // several MX records (their rdata holds names)
      response([mx(10), mx(20)]),
      // addresses of different types, names or TTLs
      response([a(1), aaaa(1)]),
      response([a(1), a(2, 'other.example.com.')]),
      response([a(1, Q, 60), a(2, Q, 30)]),
    ];
    for (const msg of cases) expect(roundRobinWire(encodeMessage(msg), seededRandom(1))).toBeUndefined();
  });

  it('agrees with the Message path on any response it takes (property)', () => {
    const record = fc.oneof(
      fc.integer({ min: 1, max: 9 }).map((i) => a(i)),
      fc.integer({ min: 1, max: 9 }).map((i) => a(i, 'b.example.com.')),
      fc.integer({ min: 1, max: 9 }).map(aaaa),
      fc.integer({ min: 1, max: 9 }).map(mx),
      fc.constantFrom(cname('x.example.net.'), txt('t')),
    );
    const section = fc.array(record, { maxLength: 6 });
    fc.assert(
      fc.property(section, section, section, fc.integer({ min: 1, max: 1e6 }), (an, ns, ar, seed) => {
        const bytes = encodeMessage(response(an, { authorities: ns, additionals: ar }));
        const out = roundRobinWire(bytes, seededRandom(seed));
        if (out === undefined) return;
        expect(decodeMessage(out)).toEqual(viaMessage(bytes, seed));
      }),
      { numRuns: 2000 },
    );
  });

  it('gives up on bytes that do not parse', () => {
    const bytes = encodeMessage(response([a(1), a(2)]));
    for (let n = 0; n < bytes.length; n++)
      expect(() => roundRobinWire(bytes.subarray(0, n), seededRandom(1))).not.toThrow();
  });
});

/** Answers with bytes when the writer takes them, as the cache does with its hits. */
function packedAnswer(msg: Message): Handler {
  return {
    name: 'packed',
    serveDNS(_req: Request, w: ResponseWriter) {
      const bytes = encodeMessage(msg);
      if (w.writeBytes !== undefined) w.writeBytes(bytes);
      else w.write(msg);
      return Rcode.NOERROR;
    },
  };
}

describe('LoadBalance with a writer that takes bytes', () => {
  const serve = (lb: LoadBalance): BytesCaptureWriter => {
    const w = new BytesCaptureWriter();
    lb.serveDNS(new Request(buildQuery(Q, 'A'), w), w);
    return w;
  };

  it('offers writeBytes and shuffles the bytes', () => {
    const msg = response([a(1), a(2), a(3), a(4)]);
    const lb = new LoadBalance(randomShuffle(seededRandom(3)), packedAnswer(msg), (b) =>
      roundRobinWire(b, seededRandom(3)),
    );
    const w = serve(lb);
    expect(w.written).toEqual([]);
    expect(decodeMessage(w.bytes[0])).toEqual(randomShuffle(seededRandom(3))(msg));
  });

  it('decodes and reorders the Message when the bytes cannot be reordered', () => {
    const msg = response([a(1), a(2), txt('t')]);
    const lb = new LoadBalance(randomShuffle(seededRandom(5)), packedAnswer(msg), (b) =>
      roundRobinWire(b, seededRandom(5)),
    );
    const w = serve(lb);
    expect(w.bytes).toEqual([]);
    expect(w.written).toEqual([randomShuffle(seededRandom(5))(decodeMessage(encodeMessage(msg)))]);
  });

  it('decodes for a policy without a byte form (weighted, prefer)', () => {
    const msg = response([a(1), a(2)]);
    const w = serve(new LoadBalance((m) => ({ ...m, answers: [...m.answers].reverse() }), packedAnswer(msg)));
    expect(w.written[0].answers.map(addressOf)).toEqual(['192.0.2.2', '192.0.2.1']);
  });

  it('passes error responses through as bytes', () => {
    const msg = { ...response([]), flags: 0x8183 };
    const lb = new LoadBalance(randomShuffle(), packedAnswer(msg), () => {
      throw new Error('not for errors');
    });
    const w = serve(lb);
    expect(decodeMessage(w.bytes[0]).flags & 0xf).toBe(Rcode.NXDOMAIN);
  });
});
