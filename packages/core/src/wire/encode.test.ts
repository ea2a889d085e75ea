import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { Flag } from './constants.js';
import { decodeMessage } from './decode.js';
import { createOpt, getOpt } from './edns.js';
import { encodeMessage, encodeRdata } from './encode.js';
import { WireError } from './errors.js';
import { u16, wireName } from './test-support/bytes.js';
import type { Message, ResourceRecord } from './types.js';

function response(answers: ResourceRecord[], extra: Partial<Message> = {}): Message {
  return {
    id: 0x4242,
    flags: 0x8180,
    questions: [{ name: 'www.example.org.', type: 'A', class: 'IN' }],
    answers,
    authorities: [],
    additionals: [],
    ...extra,
  };
}

type ARecord = Extract<ResourceRecord, { type: 'A' }>;

function a(name: string, ip: string, ttl = 60): ARecord {
  return { name, type: 'A', class: 'IN', ttl, data: ip };
}

/** Index of a byte sequence in a buffer, -1 if absent. */
function indexOf(buf: Uint8Array, needle: number[]): number {
  outer: for (let i = 0; i + needle.length <= buf.length; i++) {
    for (let j = 0; j < needle.length; j++) if (buf[i + j] !== needle[j]) continue outer;
    return i;
  }
  return -1;
}

describe('name compression', () => {
  it('points answer owners at the question name', () => {
    const wire = encodeMessage(
      response([a('www.example.org.', '192.0.2.1'), a('www.example.org.', '192.0.2.2')]),
    );
    const q = 12 + wireName('www.example.org.').length + 4;
    expect([...wire.subarray(q, q + 2)]).toEqual([0xc0, 12]);
    expect(wire.length).toBe(q + 2 * (2 + 10 + 4));
  });

  it('compresses suffixes, case-sensitively so case survives', () => {
    const wire = encodeMessage(
      response([a('mail.example.org.', '192.0.2.1'), a('WWW.example.org.', '192.0.2.2')]),
    );
    const msg = decodeMessage(wire);
    expect(msg.answers.map((r) => r.name)).toEqual(['mail.example.org.', 'WWW.example.org.']);
    // "mail" + pointer to "example.org." at offset 16 (after the 3-octet "www" label)
    expect(indexOf(wire, [4, 0x6d, 0x61, 0x69, 0x6c, 0xc0, 16])).toBeGreaterThan(0);
    expect(indexOf(wire, [3, 0x57, 0x57, 0x57, 0xc0, 16])).toBeGreaterThan(0);
  });

  it('compresses RFC 1035 rdata names but not those of newer types', () => {
    const target = 'host.example.org.';
    const records: ResourceRecord[] = [
      { name: 'example.org.', type: 'NS', class: 'IN', ttl: 1, data: target },
      { name: 'example.org.', type: 'MX', class: 'IN', ttl: 1, data: { preference: 1, exchange: target } },
      {
        name: 'example.org.',
        type: 'SRV',
        class: 'IN',
        ttl: 1,
        data: { priority: 1, weight: 1, port: 1, target },
      },
      { name: 'example.org.', type: 'DNAME', class: 'IN', ttl: 1, data: target },
      {
        name: 'example.org.',
        type: 'NSEC',
        class: 'IN',
        ttl: 1,
        data: { nextDomain: target, rrtypes: ['A'] },
      },
    ];
    const wire = encodeMessage(response(records));
    const full = wireName(target);
    const first = indexOf(wire, full);
    // NS writes "host" + a pointer to the owner, MX a bare pointer to that; SRV, DNAME and
    // NSEC write the name in full
    let count = 0;
    for (let i = first; i >= 0; ) {
      count++;
      const next = indexOf(wire.subarray(i + 1), full);
      i = next < 0 ? -1 : i + 1 + next;
    }
    expect(count).toBe(3);
    expect(indexOf(wire, [0, 15, 0, 1, 0, 0, 0, 1, 0, 4, 0, 1, 0xc0])).toBeGreaterThan(0);
    expect(decodeMessage(wire).answers).toEqual(records);
  });

  it('writes no pointers when compression is off', () => {
    const wire = encodeMessage(response([a('www.example.org.', '192.0.2.1')]), { compress: false });
    expect(wire.some((b, i) => b >= 0xc0 && i > 12 && wire[i - 1] === 0)).toBe(false);
    expect(wire.length).toBe(12 + 2 * (wireName('www.example.org.').length + 4) + 6 + 4);
  });

  it('never points past offset 0x3fff', () => {
    const big = new Uint8Array(17000);
    const records: ResourceRecord[] = [
      { name: 'x.', type: 'TYPE65280', class: 'IN', ttl: 0, data: big },
      a('late.example.', '192.0.2.1'),
      a('late.example.', '192.0.2.2'),
    ];
    const wire = encodeMessage(response(records));
    expect(
      decodeMessage(wire)
        .answers.slice(1)
        .map((r) => r.name),
    ).toEqual(['late.example.', 'late.example.']);
    expect(indexOf(wire.subarray(17000), wireName('late.example.'))).toBeGreaterThan(0);
    expect(wire.length).toBe(12 + 21 + (3 + 10 + 17000) + 2 * (14 + 10 + 4));
  });
});

describe('truncation to maxSize', () => {
  const many = Array.from({ length: 40 }, (_, i) => a(`host${i}.example.org.`, `192.0.2.${i}`));

  it('leaves fitting messages alone', () => {
    const msg = response(many.slice(0, 2));
    expect(encodeMessage(msg, { maxSize: 512 })).toEqual(encodeMessage(msg));
  });

  it('keeps a message of exactly maxSize octets whole, and cuts one an octet over', () => {
    const msg = response(many.slice(0, 6));
    const whole = encodeMessage(msg);
    expect(encodeMessage(msg, { maxSize: whole.length })).toEqual(whole);
    const cut = decodeMessage(encodeMessage(msg, { maxSize: whole.length - 1 }));
    expect(cut.flags & Flag.TC).toBe(Flag.TC);
    expect(cut.answers).toEqual(many.slice(0, 5));
    // Encoding again after a cut starts clean: nothing of the abandoned attempt remains.
    expect(encodeMessage(msg, { maxSize: 512 })).toEqual(whole);
  });

  it('drops answers from the end, keeps question and OPT, sets TC', () => {
    const opt = createOpt({
      udpPayloadSize: 1232,
      dnssecOk: true,
      options: [{ code: 10, type: 'COOKIE', client: new Uint8Array(8).fill(7) }],
    });
    const msg = response(many, { additionals: [a('glue.example.org.', '192.0.2.99'), opt] });
    const wire = encodeMessage(msg, { maxSize: 512 });
    expect(wire.length).toBeLessThanOrEqual(512);
    const out = decodeMessage(wire);
    expect(out.flags & Flag.TC).toBe(Flag.TC);
    expect(out.questions).toEqual(msg.questions);
    expect(out.answers.length).toBeGreaterThan(10);
    expect(out.answers).toEqual(many.slice(0, out.answers.length));
    expect(out.additionals).toEqual([opt]);
    // one more answer would not have fit
    const withOneMore = encodeMessage({
      ...msg,
      answers: many.slice(0, out.answers.length + 1),
      additionals: [opt],
    });
    expect(withOneMore.length).toBeGreaterThan(512);
  });

  it('drops additional records first without setting TC', () => {
    const opt = createOpt();
    const glue = many.map((r) => a('ns.' + r.name, r.data));
    const msg = response(many.slice(0, 3), { additionals: [opt, ...glue] });
    const out = decodeMessage(encodeMessage(msg, { maxSize: 512 }));
    expect(out.flags & Flag.TC).toBe(0);
    expect(out.answers).toHaveLength(3);
    expect(getOpt(out)).toEqual(opt);
    expect(out.additionals[0]).toEqual(opt);
    expect(out.additionals.length).toBeGreaterThan(1);
    expect(out.additionals.length).toBeLessThan(glue.length + 1);
  });

  it('sets TC when authority records are dropped', () => {
    const ns: ResourceRecord[] = many.map((r) => ({
      name: r.name,
      type: 'NS',
      class: 'IN',
      ttl: 1,
      data: 'ns-' + r.name,
    }));
    const out = decodeMessage(encodeMessage(response([], { authorities: ns }), { maxSize: 512 }));
    expect(out.flags & Flag.TC).toBe(Flag.TC);
    expect(out.authorities.length).toBeLessThan(ns.length);
  });

  it('truncates a response too large for the format itself, keeping the OPT record it never reached', () => {
    // A PTR RRset of 30000 names: about 870 KB, far over 65535 octets.
    const ptrs: ResourceRecord[] = Array.from({ length: 30_000 }, (_, i) => ({
      name: '1.2.0.192.in-addr.arpa.',
      type: 'PTR',
      class: 'IN',
      ttl: 60,
      data: `host-${i}.example.org.`,
    }));
    const opt = createOpt({ udpPayloadSize: 1232 });
    const msg = response(ptrs, { additionals: [opt] });
    expect(() => encodeMessage(msg)).toThrow(/65535/);
    for (const maxSize of [512, 1232, 65535]) {
      const wire = encodeMessage(msg, { maxSize });
      expect(wire.length).toBeLessThanOrEqual(maxSize);
      const out = decodeMessage(wire);
      expect(out.flags & Flag.TC).toBe(Flag.TC);
      expect(out.answers.length).toBeGreaterThan(0);
      expect(out.answers).toEqual(ptrs.slice(0, out.answers.length));
      expect(out.additionals).toEqual([opt]);
    }
  });

  it('truncates a section of more than 65535 records, which no header can count', () => {
    const tiny = Array.from({ length: 70_000 }, () => a('www.example.org.', '192.0.2.1'));
    expect(() => encodeMessage(response(tiny))).toThrow(/too many answers: 70000/);
    const out = decodeMessage(encodeMessage(response(tiny), { maxSize: 512 }));
    expect(out.flags & Flag.TC).toBe(Flag.TC);
    // Header 12, question 21 (www.example.org. A IN), answers 16 each (owner compressed).
    expect(out.answers).toHaveLength(Math.floor((512 - 12 - 21) / 16));
  });

  it('cuts a record that would run past 65535 octets rather than failing', () => {
    // Records of 1013 octets: the 65th starts below maxSize and would end past 65535.
    const big = (i: number): ResourceRecord => ({
      name: 'www.example.org.',
      type: 'TXT',
      class: 'IN',
      ttl: 60,
      data: [new Uint8Array(250).fill(i), new Uint8Array(250), new Uint8Array(250), new Uint8Array(247)],
    });
    const records = Array.from({ length: 80 }, (_, i) => big(i));
    const wire = encodeMessage(response(records), { maxSize: 65_000 });
    expect(wire.length).toBeLessThanOrEqual(65_000);
    const out = decodeMessage(wire);
    expect(out.flags & Flag.TC).toBe(Flag.TC);
    expect(out.answers).toHaveLength(64);
  });

  it('still refuses a broken record among those that fit, and does not read past the cut', () => {
    const broken = a('bad.example.org.', '300.1.1.1');
    expect(() => encodeMessage(response([many[0], broken, ...many]), { maxSize: 512 })).toThrow(WireError);
    const out = decodeMessage(encodeMessage(response([...many, broken]), { maxSize: 512 }));
    expect(out.flags & Flag.TC).toBe(Flag.TC);
    expect(out.answers).toEqual(many.slice(0, out.answers.length));
  });

  it('throws when question and OPT alone do not fit', () => {
    const opt = createOpt({ options: [{ code: 12, type: 'PADDING', length: 600 }] });
    expect(() => encodeMessage(response(many, { additionals: [opt] }), { maxSize: 512 })).toThrow(WireError);
  });
});

describe('encoder errors', () => {
  const cases: Array<[string, ResourceRecord]> = [
    ['bad IPv4', a('x.', '300.1.1.1')],
    ['bad IPv6', { name: 'x.', type: 'AAAA', class: 'IN', ttl: 0, data: '1::2::3' }],
    ['bad name', a('a..b.', '1.2.3.4')],
    ['label too long', a('a'.repeat(64) + '.', '1.2.3.4')],
    ['out-of-range ttl', a('x.', '1.2.3.4', -1)],
    [
      'out-of-range field',
      { name: 'x.', type: 'MX', class: 'IN', ttl: 0, data: { preference: 70000, exchange: '.' } },
    ],
    [
      'missing field',
      { name: 'x.', type: 'SRV', class: 'IN', ttl: 0, data: { priority: 1 } } as unknown as ResourceRecord,
    ],
    [
      'unknown type',
      { name: 'x.', type: 'BOGUS', class: 'IN', ttl: 0, data: new Uint8Array() } as unknown as ResourceRecord,
    ],
    ['unknown class', { name: 'x.', type: 'A', class: 'XX', ttl: 0, data: '1.2.3.4' }],
    ['non-ASCII name', a('é.', '1.2.3.4')],
    ['TXT string over 255', { name: 'x.', type: 'TXT', class: 'IN', ttl: 0, data: [new Uint8Array(256)] }],
  ];
  for (const [what, rr] of cases) {
    it(what, () => expect(() => encodeMessage(response([rr]))).toThrow(WireError));
  }
  it('message over 65535 octets', () => {
    const big = { name: 'x.', type: 'TYPE65280' as const, class: 'IN', ttl: 0, data: new Uint8Array(40000) };
    expect(() => encodeMessage(response([big, big]))).toThrow(/65535/);
  });
  it('recovers after an error (the scratch state is reset)', () => {
    expect(() => encodeMessage(response([a('a..b.', '1.2.3.4')]))).toThrow(WireError);
    const msg = response([a('www.example.org.', '192.0.2.1')]);
    expect(decodeMessage(encodeMessage(msg))).toEqual(msg);
  });
});

describe('encodeRdata', () => {
  it('gives uncompressed rdata', () => {
    const mx: ResourceRecord = {
      name: 'x.',
      type: 'MX',
      class: 'IN',
      ttl: 0,
      data: { preference: 5, exchange: 'm.x.' },
    };
    expect([...encodeRdata(mx)]).toEqual([...u16(5), ...wireName('m.x.')]);
  });
  it('accepts TXT as a plain string, split into 255-octet pieces', () => {
    const rr = {
      name: 'x.',
      type: 'TXT',
      class: 'IN',
      ttl: 0,
      data: 'a'.repeat(300),
    } as unknown as ResourceRecord;
    const rdata = encodeRdata(rr);
    expect(rdata.length).toBe(302);
    expect(rdata[0]).toBe(255);
    expect(rdata[256]).toBe(45);
  });
});

describe('the question copied from the query (questionFrom)', () => {
  const query = (name: number[][], type = 1): Uint8Array => {
    const out: number[] = [0x12, 0x34, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0];
    for (const label of name) out.push(label.length, ...label);
    out.push(0, type >> 8, type & 0xff, 0, 1);
    return Uint8Array.from(out);
  };

  it('gives exactly the bytes of encoding the question, names compressed against it alike', () => {
    fc.assert(
      fc.property(
        fc.array(fc.uint8Array({ minLength: 1, maxLength: 20 }), { maxLength: 5 }),
        fc.constantFrom(1, 28, 33, 255, 65280),
        fc.boolean(),
        (labels, type, upper) => {
          const wire = query(
            labels.map((l) => [...l]),
            type,
          );
          const q = decodeMessage(wire);
          const question = q.questions[0];
          const owner = question.name;
          const srvOwner = owner === '.' ? '_udp.' : `_udp.${owner}`;
          const reply: Message = {
            ...response([a(owner, '192.0.2.1')]),
            questions: q.questions,
            additionals: [
              {
                name: upper ? srvOwner.toUpperCase() : srvOwner,
                type: 'SRV',
                class: 'IN',
                ttl: 0,
                data: { priority: 0, weight: 0, port: 53, target: owner },
              },
            ],
          };
          const plain = encodeMessage(reply, { maxSize: 4096 });
          const copied = encodeMessage(reply, { maxSize: 4096, questionFrom: { question, wire } });
          expect(copied).toEqual(plain);
        },
      ),
      { numRuns: 1000 },
    );
  });

  it("encodes the question when it is not the query's own object, or the bytes are not a plain question", () => {
    const wire = query([[...Buffer.from('example')], [...Buffer.from('org')]]);
    const q = decodeMessage(wire);
    const other = { name: 'other.example.', type: 'A', class: 'IN' } as const;
    const reply = { ...response([]), questions: [other] };
    expect(
      decodeMessage(encodeMessage(reply, { questionFrom: { question: q.questions[0], wire } })).questions,
    ).toEqual([other]);
    // a pointer where the name should be: not copied, the question is written from the object
    const broken = Uint8Array.from([...wire.subarray(0, 12), 0xc0, 0x0c, 0, 1, 0, 1]);
    const reply2 = { ...response([]), questions: q.questions };
    expect(encodeMessage(reply2, { questionFrom: { question: q.questions[0], wire: broken } })).toEqual(
      encodeMessage(reply2),
    );
    expect(encodeMessage(reply2, { questionFrom: { question: q.questions[0], wire: undefined } })).toEqual(
      encodeMessage(reply2),
    );
  });
});
