import { describe, expect, it } from 'vitest';
import { decodeHeader, decodeMessage, decodeRdata } from './decode.js';
import { WireError } from './errors.js';
import { header, record, u16, wireName } from './test-support/bytes.js';

function expectWireError(buf: number[] | Uint8Array, pattern: RegExp, offset?: number): WireError {
  let caught: unknown;
  try {
    decodeMessage(Uint8Array.from(buf));
  } catch (e) {
    caught = e;
  }
  expect(caught).toBeInstanceOf(WireError);
  const err = caught as WireError;
  expect(err.message).toMatch(pattern);
  if (offset !== undefined) expect(err.offset).toBe(offset);
  return err;
}

const question = [...wireName('example.'), ...u16(1), ...u16(1)];

describe('decodeHeader', () => {
  it('reads the six header fields', () => {
    const h = decodeHeader(Uint8Array.from(header({ qd: 1, an: 2, ns: 3, ar: 4 }, 0xabcd, 0x8180)));
    expect(h).toEqual({ id: 0xabcd, flags: 0x8180, qdcount: 1, ancount: 2, nscount: 3, arcount: 4 });
  });
  it('works when the body does not parse, so a server can answer FORMERR', () => {
    const buf = Uint8Array.from([...header({ qd: 1 }, 7), 5, 0x61]);
    expect(decodeHeader(buf).id).toBe(7);
    expect(() => decodeMessage(buf)).toThrow(WireError);
  });
  it('rejects messages shorter than 12 octets', () => {
    expect(() => decodeHeader(new Uint8Array(11))).toThrow(WireError);
    expectWireError([0, 1, 2], /12-octet header/, 3);
  });
});

describe('decodeMessage', () => {
  it('decodes a query and a compressed response', () => {
    const owner = [0xc0, 12];
    const buf = [
      ...header({ qd: 1, an: 2 }, 1, 0x8180),
      ...question,
      ...record(owner, 1, [192, 0, 2, 1]),
      ...record(owner, 15, [...u16(10), 4, 0x6d, 0x61, 0x69, 0x6c, 0xc0, 12]),
    ];
    const msg = decodeMessage(Uint8Array.from(buf));
    expect(msg.questions).toEqual([{ name: 'example.', type: 'A', class: 'IN' }]);
    expect(msg.answers).toEqual([
      { name: 'example.', type: 'A', class: 'IN', ttl: 300, data: '192.0.2.1' },
      {
        name: 'example.',
        type: 'MX',
        class: 'IN',
        ttl: 300,
        data: { preference: 10, exchange: 'mail.example.' },
      },
    ]);
  });

  it('escapes label bytes in presentation form and keeps case', () => {
    const name = [3, 0x41, 0x2e, 0x20, 2, 0x5c, 0xff, 0];
    const buf = [...header({ qd: 1 }), ...name, ...u16(1), ...u16(1)];
    expect(decodeMessage(Uint8Array.from(buf)).questions[0].name).toBe('A\\.\\032.\\\\\\255.');
  });

  it('decodes names of every text length exactly (short and long string building paths)', () => {
    for (let length = 1; length <= 70; length++) {
      // labels of up to 9 letters, so the text length (with dots) walks through every value
      const labels: string[] = [];
      let text = 0;
      while (text < length) {
        const size = Math.min(9, length - text - 1) || 1;
        labels.push('abcdefghijk'.slice(0, size));
        text += size + 1;
      }
      const name = labels.join('.') + '.';
      const buf = [...header({ qd: 1 }), ...wireName(name), ...u16(1), ...u16(1)];
      expect(decodeMessage(Uint8Array.from(buf)).questions[0].name).toBe(name);
    }
  });

  it('accepts a Node Buffer and returns plain Uint8Arrays that do not alias it', () => {
    const buf = Buffer.from([...header({ an: 1 }), ...record([0], 65280, [1, 2, 3])]);
    const rr = decodeMessage(buf).answers[0];
    expect(rr).toMatchObject({ name: '.', type: 'TYPE65280' });
    const data = (rr as { data: Uint8Array }).data;
    expect(data.constructor).toBe(Uint8Array);
    buf[buf.length - 1] = 9;
    expect([...data]).toEqual([1, 2, 3]);
  });

  it('names records of untyped types TYPEnnn and questions by mnemonic', () => {
    const buf = [
      ...header({ qd: 1, an: 1 }),
      ...wireName('x.'),
      ...u16(29),
      ...u16(1),
      ...record([0], 29, [0, 1]),
    ];
    const msg = decodeMessage(Uint8Array.from(buf));
    expect(msg.questions[0].type).toBe('LOC');
    expect(msg.answers[0].type).toBe('TYPE29');
  });

  it('keeps RFC 2136 empty-rdata update records as opaque', () => {
    const buf = [
      ...header({ ns: 2 }),
      ...record(wireName('a.'), 1, [], { cls: 255, ttl: 0 }),
      ...record(wireName('a.'), 16, [], { cls: 254, ttl: 0 }),
    ];
    const msg = decodeMessage(Uint8Array.from(buf));
    expect(msg.authorities).toEqual([
      { name: 'a.', type: 'TYPE1', class: 'ANY', ttl: 0, data: new Uint8Array(0) },
      { name: 'a.', type: 'TYPE16', class: 'NONE', ttl: 0, data: new Uint8Array(0) },
    ]);
    // in class IN the same record is malformed
    expectWireError([...header({ an: 1 }), ...record([0], 1, [])], /rdata shorter than its fields/);
  });

  it('ignores trailing bytes by default and rejects them on request', () => {
    const buf = Uint8Array.from([...header({ qd: 1 }), ...question, 0xde, 0xad]);
    expect(decodeMessage(buf).questions).toHaveLength(1);
    expect(() => decodeMessage(buf, { rejectTrailingBytes: true })).toThrow(/trailing bytes/);
  });
});

describe('decoder errors (WireError with offset)', () => {
  it('truncated question', () => {
    expectWireError([...header({ qd: 1 }), ...wireName('example.'), 0], /message truncated/, 21);
    expectWireError([...header({ qd: 1 }), 7, 0x65], /message truncated/, 12);
    expectWireError([...header({ qd: 2 }), ...question], /message truncated/, 25);
  });
  it('truncated record header and rdata overrun', () => {
    expectWireError([...header({ an: 1 }), 0, ...u16(1), ...u16(1)], /message truncated/);
    expectWireError(
      [...header({ an: 1 }), ...record([0], 1, [1, 2], { rdlength: 4 })],
      /rdata runs past the end/,
      21,
    );
  });
  it('RDLENGTH must match the typed rdata exactly', () => {
    expectWireError(
      [...header({ an: 1 }), ...record([0], 1, [1, 2, 3, 4, 5])],
      /RDLENGTH 5 exceeds the 4 octets of A/,
    );
    expectWireError(
      [...header({ an: 1 }), ...record([0], 28, [1, 2, 3, 4])],
      /rdata shorter than its fields/,
    );
    // a name in rdata may not run past RDLENGTH even when the message goes on
    const mx = record([0], 15, [0, 10, 3, 0x61, 0x62, 0x63, 0], { rdlength: 5 });
    expectWireError([...header({ an: 1 }), ...mx], /rdata shorter than its fields/);
  });
  it('forward pointer and pointer to itself', () => {
    expectWireError(
      [...header({ qd: 1 }), 0xc0, 20, ...u16(1), ...u16(1), 0],
      /does not point backwards/,
      12,
    );
    expectWireError([...header({ qd: 1 }), 0xc0, 12, ...u16(1), ...u16(1)], /does not point backwards/, 12);
  });
  it('pointer loop through the middle of the name being read', () => {
    // "a" then a pointer back to the "a": would loop forever if followed
    expectWireError(
      [...header({ qd: 1 }), 1, 0x61, 0xc0, 12, ...u16(1), ...u16(1)],
      /does not point backwards/,
      14,
    );
    // a second name pointing into the first, which points forward into the second
    const buf = [
      ...header({ qd: 2 }),
      1,
      0x61,
      0xc0,
      20,
      ...u16(1),
      ...u16(1),
      1,
      0x62,
      0xc0,
      12,
      ...u16(1),
      ...u16(1),
    ];
    expectWireError(buf, /does not point backwards/, 14);
  });
  it('pointer beyond the message and truncated pointer', () => {
    expectWireError([...header({ qd: 1 }), 0xc0], /message truncated/, 12);
    expectWireError([...header({ qd: 1 }), 0xff, 0xff, 0, 1, 0, 1], /does not point backwards/);
  });
  it('too many pointer hops', () => {
    // rdata of an opaque record: a root name, then 130 pointers each to the one before
    const base = 12 + 1 + 10;
    const chain = [0];
    for (let i = 0; i < 130; i++) {
      const target = i === 0 ? base : base + 1 + 2 * (i - 1); // the root, then pointer i-1
      chain.push(0xc0 | (target >> 8), target & 0xff);
    }
    const last = base + 1 + 2 * 129;
    const buf = [
      ...header({ an: 2 }),
      ...record([0], 65280, chain),
      ...record([0xc0 | (last >> 8), last & 0xff], 65280, []),
    ];
    expectWireError(buf, /too many compression pointers/);
  });
  it('label too long (reserved label types)', () => {
    expectWireError(
      [...header({ qd: 1 }), 64, ...new Array(64).fill(0x61), 0, 0, 1, 0, 1],
      /label length 64/,
      12,
    );
    expectWireError([...header({ qd: 1 }), 0x80, 0, 0, 1, 0, 1], /reserved label type/, 12);
  });
  it('name too long, also across pointers', () => {
    const l63 = [63, ...new Array(63).fill(0x61)];
    expectWireError([...header({ qd: 1 }), ...l63, ...l63, ...l63, ...l63, 0, 0, 1, 0, 1], /longer than 255/);
    // a 191-octet question name, then owners adding one (255, fine) or two 63-octet labels
    const q = [...l63, ...l63, 61, ...new Array(61).fill(0x62), 0, 0, 1, 0, 1];
    const owner = [...l63, 0xc0, 12];
    expect(() =>
      decodeMessage(Uint8Array.from([...header({ qd: 1, an: 1 }), ...q, ...record(owner, 1, [1, 2, 3, 4])])),
    ).not.toThrow();
    const owner2 = [...l63, ...l63, 0xc0, 12];
    expectWireError(
      [...header({ qd: 1, an: 1 }), ...q, ...record(owner2, 1, [1, 2, 3, 4])],
      /longer than 255/,
    );
  });
  it('OPT with a non-root owner', () => {
    expectWireError(
      [...header({ ar: 1 }), ...record(wireName('a.'), 41, [], { cls: 1232, ttl: 0 })],
      /OPT owner must be the root/,
    );
  });
  it('non-canonical type bitmaps', () => {
    const nsec = (bitmap: number[]) => [...header({ an: 1 }), ...record([0], 47, [0, ...bitmap])];
    expect(decodeMessage(Uint8Array.from(nsec([0, 1, 0x40, 1, 1, 0x40]))).answers[0]).toMatchObject({
      data: { rrtypes: ['A', 'CAA'] },
    });
    expectWireError(nsec([1, 1, 0x40, 0, 1, 0x40]), /out of order/);
    expectWireError(nsec([0, 2, 0x40, 0]), /ends in a zero octet/);
    expectWireError(nsec([0, 0]), /length not 1-32/);
    expectWireError(nsec([0, 33, ...new Array(33).fill(1)]), /length not 1-32/);
    expectWireError(nsec([0, 4, 0x40]), /rdata shorter than its fields/);
  });
  it('malformed SVCB parameters', () => {
    const svcb = (params: number[]) => [...header({ an: 1 }), ...record([0], 64, [0, 1, 0, ...params])];
    expectWireError(svcb([0, 3, 0, 2, 1, 1, 0, 1, 0, 2, 0, 80]), /not strictly ascending/);
    expectWireError(svcb([0, 3, 0, 1, 80]), /port: length must be 2/);
    expectWireError(svcb([0, 2, 0, 1, 0]), /no-default-alpn: must be empty/);
    expectWireError(svcb([0, 1, 0, 2, 0, 0]), /empty protocol id/);
    expectWireError(svcb([0, 0, 0, 2, 0, 0]), /mandatory: keys not ascending/);
    expectWireError(svcb([0, 4, 0, 3, 1, 2, 3]), /ipv4hint: bad length/);
    expectWireError(svcb([0, 3, 0, 4, 0, 80]), /rdata shorter than its fields/);
  });
  it('other typed rdata checks', () => {
    expectWireError([...header({ an: 1 }), ...record([0], 257, [0, 0])], /CAA tag is empty/);
    expectWireError(
      [...header({ an: 1 }), ...record([0], 50, [1, 0, 0, 0, 0, 0])],
      /next hashed owner name is empty/,
    );
  });
});

describe('decodeRdata', () => {
  it('decodes typed rdata held apart from a message and copies opaque rdata', () => {
    expect(decodeRdata(1, Uint8Array.from([10, 0, 0, 1]))).toBe('10.0.0.1');
    expect(decodeRdata(2, Uint8Array.from(wireName('ns.example.')))).toBe('ns.example.');
    expect(decodeRdata(65280, Uint8Array.from([1, 2]))).toEqual(Uint8Array.from([1, 2]));
  });
  it('refuses compression pointers and trailing bytes', () => {
    expect(() => decodeRdata(6, Uint8Array.from([0, 0xc0, 0, ...new Array(20).fill(0)]))).toThrow(
      /pointer outside a message/,
    );
    expect(() => decodeRdata(1, Uint8Array.from([10, 0, 0, 1, 0]))).toThrow(/trailing bytes/);
  });
});
