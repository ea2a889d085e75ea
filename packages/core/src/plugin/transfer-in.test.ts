import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Flag, Opcode, Rcode } from '../wire/constants.js';
import { setRcode } from '../wire/header.js';
import type { Message, ResourceRecord } from '../wire/types.js';
import { TransferError, TransferReader, transferQuery } from './transfer-in.js';
import { a, hosts, ns, soa, txt } from './test-support/transfer.js';

const Z = 'example.org.';
const ID = 999;

function answer(
  type: 'AXFR' | 'IXFR',
  records: ResourceRecord[],
  opts: { id?: number; question?: boolean } = {},
): Message {
  return {
    id: opts.id ?? ID,
    flags: Flag.QR | Flag.AA,
    questions: opts.question === false ? [] : [{ name: Z, type, class: 'IN' }],
    answers: records,
    authorities: [],
    additionals: [],
  };
}

/** Feeds the messages; returns the reader once one says the transfer is complete. */
function read(ixfrFrom: number | undefined, msgs: Message[]): TransferReader {
  const r = new TransferReader(Z, ID, ixfrFrom);
  for (let i = 0; i < msgs.length; i++) {
    const done = r.message(msgs[i]);
    expect(done).toBe(i === msgs.length - 1);
  }
  return r;
}

describe('transferQuery', () => {
  it('asks AXFR, or IXFR with the client SOA in the authority section', () => {
    expect(transferQuery(Z, 5)).toMatchObject({
      id: 5,
      questions: [{ name: Z, type: 'AXFR', class: 'IN' }],
      authorities: [],
    });
    const q = transferQuery(Z, 6, 41);
    expect(q.questions[0].type).toBe('IXFR');
    expect(q.authorities).toHaveLength(1);
    expect(q.authorities[0]).toMatchObject({ name: Z, type: 'SOA', data: { serial: 41 } });
  });
});

describe('TransferReader: AXFR', () => {
  const zone = [soa(Z, 7), ns(Z, `ns.${Z}`), ...hosts(Z, 5)];

  it('reads a transfer in one message', () => {
    expect(read(undefined, [answer('AXFR', [...zone, soa(Z, 7)])]).result()).toEqual({
      kind: 'axfr',
      soa: soa(Z, 7),
      records: zone,
    });
  });

  it('reads a transfer over several messages, later ones without the question', () => {
    const r = read(undefined, [
      answer('AXFR', zone.slice(0, 2)),
      answer('AXFR', [], { question: false }),
      answer('AXFR', [...zone.slice(2), soa(Z, 7)], { question: false }),
    ]);
    expect(r.result()).toEqual({ kind: 'axfr', soa: soa(Z, 7), records: zone });
  });

  const broken: [string, Message[], string][] = [
    ['a wrong ID', [answer('AXFR', [...zone, soa(Z, 7)], { id: 1 })], 'does not match query ID'],
    ['a query', [{ ...answer('AXFR', zone), flags: 0 }], 'a query instead of an answer'],
    ['no question in the first message', [answer('AXFR', zone, { question: false })], 'has 0 questions'],
    [
      'another question',
      [{ ...answer('AXFR', zone), questions: [{ name: 'other.org.', type: 'AXFR', class: 'IN' }] }],
      'answer is for other.org. IN AXFR',
    ],
    ['a truncated message', [{ ...answer('AXFR', zone), flags: Flag.QR | Flag.TC }], 'truncated'],
    ['a NOTIFY opcode', [{ ...answer('AXFR', zone), flags: Flag.QR | (Opcode.NOTIFY << 11) }], 'opcode 4'],
    ['no SOA first', [answer('AXFR', [a(`www.${Z}`, '192.0.2.1'), soa(Z, 7)])], 'starts with A, not SOA'],
    [
      'a record outside the zone',
      [answer('AXFR', [soa(Z, 7), a('www.other.org.', '192.0.2.1'), soa(Z, 7)])],
      'outside the zone',
    ],
    [
      'an SOA of a subdomain',
      [answer('AXFR', [soa(Z, 7), soa(`sub.${Z}`, 7)])],
      'an SOA record for sub.example.org.',
    ],
    [
      'a closing SOA that differs',
      [answer('AXFR', [soa(Z, 7), txt(Z, 'x'), soa(Z, 8)])],
      'closing SOA serial 8 differs from 7',
    ],
    ['records after the end', [answer('AXFR', [...zone, soa(Z, 7), txt(Z, 'x')])], 'after the closing SOA'],
    [
      'a record of another class',
      [answer('AXFR', [soa(Z, 7), { ...txt(Z, 'x'), class: 'CH' } as ResourceRecord])],
      'of class CH',
    ],
  ];
  it.each(broken)('rejects %s', (_what, msgs, message) => {
    const r = new TransferReader(Z, ID, undefined);
    expect(() => msgs.forEach((m) => r.message(m))).toThrow(TransferError);
    expect(() => new TransferReader(Z, ID, undefined).message(msgs[0])).toThrow(message);
  });

  it('reports the rcode of a refusal', () => {
    const m = answer('AXFR', []);
    setRcode(m, Rcode.NOTAUTH);
    try {
      new TransferReader(Z, ID, undefined).message(m);
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(TransferError);
      expect((e as TransferError).rcode).toBe(Rcode.NOTAUTH);
      expect((e as Error).message).toBe(`AXFR of ${Z} refused: rcode NOTAUTH`);
    }
  });

  it('refuses a zone over the record limit', () => {
    const r = new TransferReader(Z, ID, undefined, 4);
    expect(() => r.message(answer('AXFR', [...zone, soa(Z, 7)]))).toThrow('more than 4 records');
  });

  it('has no result before the end', () => {
    const r = new TransferReader(Z, ID, undefined);
    r.message(answer('AXFR', zone));
    expect(() => r.result()).toThrow('did not complete');
    expect(() => r.message(answer('AXFR', [soa(Z, 7)], { question: false }))).not.toThrow();
    expect(() => r.message(answer('AXFR', [], { question: false }))).toThrow('after the end');
  });
});

describe('TransferReader: IXFR', () => {
  it('reads "current" from a lone SOA no newer than ours', () => {
    expect(read(7, [answer('IXFR', [soa(Z, 7)])]).result()).toEqual({ kind: 'current', soa: soa(Z, 7) });
    expect(read(9, [answer('IXFR', [soa(Z, 7)])]).result()).toEqual({ kind: 'current', soa: soa(Z, 7) });
  });

  it('waits for more after a lone newer SOA in the first message', () => {
    const r = new TransferReader(Z, ID, 5);
    expect(r.message(answer('IXFR', [soa(Z, 7)]))).toBe(false);
    expect(
      r.message(answer('IXFR', [soa(Z, 5), soa(Z, 7), txt(Z, 'new'), soa(Z, 7)], { question: false })),
    ).toBe(true);
    expect(r.result()).toEqual({
      kind: 'ixfr',
      soa: soa(Z, 7),
      steps: [{ from: soa(Z, 5), to: soa(Z, 7), deleted: [], added: [txt(Z, 'new')] }],
    });
  });

  it('reads chained steps', () => {
    const r = read(1, [
      answer('IXFR', [soa(Z, 3), soa(Z, 1), txt(Z, 'one'), soa(Z, 2), txt(Z, 'two')]),
      answer('IXFR', [soa(Z, 2), soa(Z, 3), txt(Z, 'three'), a(`w.${Z}`, '192.0.2.3'), soa(Z, 3)]),
    ]);
    expect(r.result()).toEqual({
      kind: 'ixfr',
      soa: soa(Z, 3),
      steps: [
        { from: soa(Z, 1), to: soa(Z, 2), deleted: [txt(Z, 'one')], added: [txt(Z, 'two')] },
        { from: soa(Z, 2), to: soa(Z, 3), deleted: [], added: [txt(Z, 'three'), a(`w.${Z}`, '192.0.2.3')] },
      ],
    });
  });

  it('reads the AXFR form', () => {
    const r = read(1, [answer('IXFR', [soa(Z, 3), ns(Z, `ns.${Z}`), soa(Z, 3)])]);
    expect(r.result()).toEqual({ kind: 'axfr', soa: soa(Z, 3), records: [soa(Z, 3), ns(Z, `ns.${Z}`)] });
    expect(read(1, [answer('IXFR', [soa(Z, 3), soa(Z, 3)])]).result()).toEqual({
      kind: 'axfr',
      soa: soa(Z, 3),
      records: [soa(Z, 3)],
    });
  });

  const broken: [string, ResourceRecord[], string][] = [
    [
      'a first step from another serial',
      [soa(Z, 3), soa(Z, 2), soa(Z, 3), soa(Z, 3)],
      'starts from serial 2, not 1',
    ],
    [
      'a gap between steps',
      [soa(Z, 4), soa(Z, 1), soa(Z, 2), soa(Z, 3), soa(Z, 4), soa(Z, 4)],
      'step starts from serial 3 after a step to 2',
    ],
    ['a step backwards', [soa(Z, 3), soa(Z, 1), soa(Z, 0), soa(Z, 3)], 'does not go forward'],
    ['an IXFR question for AXFR', [], 'not example.org. IN IXFR'],
  ];
  it.each(broken)('rejects %s', (what, records, message) => {
    const msg = answer(what.startsWith('an IXFR question') ? 'AXFR' : 'IXFR', records);
    expect(() => new TransferReader(Z, ID, 1).message(msg)).toThrow(message);
  });

  it('throws only TransferError, whatever the messages (property)', () => {
    const record = fc.oneof(
      fc.nat(6).map((s) => soa(Z, s) as ResourceRecord),
      fc.constantFrom(txt(Z, 'x'), a(`www.${Z}`, '192.0.2.1'), a('out.side.', '192.0.2.2'), ns(Z, `ns.${Z}`)),
    );
    const message = fc.record({
      id: fc.constantFrom(ID, ID, ID, 1),
      flags: fc.constantFrom(Flag.QR, Flag.QR | Flag.AA, 0, Flag.QR | Flag.TC, Flag.QR | Rcode.REFUSED),
      questions: fc.constantFrom(
        [],
        [{ name: Z, type: 'IXFR', class: 'IN' }],
        [{ name: Z, type: 'AXFR', class: 'IN' }],
      ),
      answers: fc.array(record, { maxLength: 8 }),
      authorities: fc.constant([]),
      additionals: fc.constant([]),
    });
    fc.assert(
      fc.property(
        fc.option(fc.nat(6), { nil: undefined }),
        fc.array(message, { maxLength: 5 }),
        (from, msgs) => {
          const r = new TransferReader(Z, ID, from);
          try {
            for (const m of msgs) if (r.message(m as unknown as Message)) break;
            if (r.done) {
              const res = r.result();
              // A completed result is well formed: an SOA of the zone and nothing else at its name.
              expect(res.soa.type).toBe('SOA');
              if (res.kind === 'axfr') expect(res.records[0]).toEqual(res.soa);
            }
          } catch (e) {
            expect(e).toBeInstanceOf(TransferError);
          }
        },
      ),
      { numRuns: 5000 },
    );
  });
});
