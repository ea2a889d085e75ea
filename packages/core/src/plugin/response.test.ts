import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Flag, Opcode, Rcode } from '../wire/constants.js';
import { createOpt } from '../wire/edns.js';
import { setOpcode, setRcode } from '../wire/header.js';
import type { Message, ResourceRecord, RrsigData } from '../wire/types.js';
import { ResponseClass, ResponseType, classifyResponse, rrsigValidAt, typifyResponse } from './response.js';
import { soa as soaRecord } from './test-support/transfer.js';

const NOW = 1_700_000_000;

const soa = soaRecord('example.org.', 1);
const ns: ResourceRecord = {
  name: 'sub.example.org.',
  type: 'NS',
  class: 'IN',
  ttl: 300,
  data: 'ns.sub.example.org.',
};
const a: ResourceRecord = { name: 'www.example.org.', type: 'A', class: 'IN', ttl: 300, data: '192.0.2.1' };
const cname: ResourceRecord = {
  name: 'www.example.org.',
  type: 'CNAME',
  class: 'IN',
  ttl: 300,
  data: 'b.example.',
};

function sigData(inception: number, expiration: number): RrsigData {
  return {
    typeCovered: 'A',
    algorithm: 13,
    labels: 3,
    originalTTL: 300,
    expiration,
    inception,
    keyTag: 1,
    signersName: 'example.org.',
    signature: new Uint8Array(64),
  };
}

function rrsig(inception: number, expiration: number): ResourceRecord {
  return {
    name: 'www.example.org.',
    type: 'RRSIG',
    class: 'IN',
    ttl: 300,
    data: sigData(inception, expiration),
  };
}

function response(init: {
  rcode?: number;
  opcode?: number;
  qtype?: string;
  answers?: ResourceRecord[];
  authorities?: ResourceRecord[];
  additionals?: ResourceRecord[];
  dnssecOk?: boolean;
}): Message {
  const msg: Message = {
    id: 1,
    flags: Flag.QR,
    questions: [{ name: 'www.example.org.', type: init.qtype ?? 'A', class: 'IN' }],
    answers: init.answers ?? [],
    authorities: init.authorities ?? [],
    additionals: [
      ...(init.additionals ?? []),
      ...(init.dnssecOk === undefined ? [] : [createOpt({ dnssecOk: init.dnssecOk })]),
    ],
  };
  setRcode(msg, init.rcode ?? Rcode.NOERROR);
  if (init.opcode !== undefined) setOpcode(msg, init.opcode);
  return msg;
}

describe('typifyResponse', () => {
  it.each<[string, Message, ResponseType]>([
    ['an answer', response({ answers: [a] }), 'NOERROR'],
    ['NOERROR with SOA', response({ authorities: [soa] }), 'NODATA'],
    ['NOERROR with SOA and NS', response({ authorities: [ns, soa] }), 'NODATA'],
    ['NXDOMAIN with SOA', response({ rcode: Rcode.NXDOMAIN, authorities: [soa] }), 'NXDOMAIN'],
    ['NXDOMAIN without SOA', response({ rcode: Rcode.NXDOMAIN }), 'NXDOMAIN'],
    ['NXDOMAIN with answers', response({ rcode: Rcode.NXDOMAIN, answers: [a] }), 'OTHERERROR'],
    [
      'NXDOMAIN at the end of a CNAME chain',
      response({ rcode: Rcode.NXDOMAIN, answers: [cname] }),
      'OTHERERROR',
    ],
    ['SERVFAIL', response({ rcode: Rcode.SERVFAIL }), 'SERVERERROR'],
    ['NOTIMP', response({ rcode: Rcode.NOTIMP }), 'SERVERERROR'],
    ['REFUSED', response({ rcode: Rcode.REFUSED }), 'OTHERERROR'],
    ['FORMERR', response({ rcode: Rcode.FORMERR }), 'OTHERERROR'],
    ['a referral', response({ authorities: [ns] }), 'DELEGATION'],
    ['an empty NOERROR', response({}), 'NOERROR'],
    ['NOTIFY', response({ opcode: Opcode.NOTIFY, authorities: [soa] }), 'META'],
    ['UPDATE', response({ opcode: Opcode.UPDATE }), 'UPDATE'],
    ['AXFR', response({ qtype: 'AXFR', answers: [soa] }), 'META'],
    ['IXFR', response({ qtype: 'IXFR', answers: [soa] }), 'META'],
    ['BADVERS', response({ rcode: Rcode.BADVERS, dnssecOk: false }), 'OTHERERROR'],
  ])('%s', (_, msg, type) => {
    expect(typifyResponse(msg, NOW)).toBe(type);
  });

  it('types a response with a signature out of its validity period as OTHERERROR only when DO is set', () => {
    const expired = [a, rrsig(NOW - 20_000, NOW - 10_000)];
    expect(typifyResponse(response({ answers: expired, dnssecOk: true }), NOW)).toBe(ResponseType.OtherError);
    expect(typifyResponse(response({ answers: expired, dnssecOk: false }), NOW)).toBe(ResponseType.NoError);
    expect(typifyResponse(response({ answers: expired }), NOW)).toBe(ResponseType.NoError);
    const notYet = [a, rrsig(NOW + 100, NOW + 10_000)];
    expect(typifyResponse(response({ answers: notYet, dnssecOk: true }), NOW)).toBe(ResponseType.OtherError);
    const valid = [a, rrsig(NOW - 100, NOW + 10_000)];
    expect(typifyResponse(response({ answers: valid, dnssecOk: true }), NOW)).toBe(ResponseType.NoError);
    const inAuthority = response({ authorities: [soa, rrsig(NOW - 20, NOW - 10)], dnssecOk: true });
    expect(typifyResponse(inAuthority, NOW)).toBe(ResponseType.OtherError);
    const inAdditional = response({ answers: [a], additionals: [rrsig(NOW - 20, NOW - 10)], dnssecOk: true });
    expect(typifyResponse(inAdditional, NOW)).toBe(ResponseType.OtherError);
  });

  it('never throws on arbitrary sections, and every type has a class', () => {
    const record = fc.oneof(
      fc.constant(a),
      fc.constant(soa),
      fc.constant(ns),
      fc.constant(cname),
      fc.tuple(fc.nat(2 ** 32 - 1), fc.nat(2 ** 32 - 1)).map(([i, e]) => rrsig(i, e)),
    );
    const types = Object.values(ResponseType);
    fc.assert(
      fc.property(
        fc.record({
          rcode: fc.nat(15),
          opcode: fc.nat(15),
          qtype: fc.constantFrom('A', 'AXFR', 'IXFR', 'SOA'),
          answers: fc.array(record, { maxLength: 4 }),
          authorities: fc.array(record, { maxLength: 4 }),
          additionals: fc.array(record, { maxLength: 2 }),
          dnssecOk: fc.option(fc.boolean(), { nil: undefined }),
        }),
        fc.nat(2 ** 32),
        (init, now) => {
          const type = typifyResponse(response(init), now);
          expect(types).toContain(type);
          expect(Object.values(ResponseClass)).toContain(classifyResponse(type));
        },
      ),
      { numRuns: 2000 },
    );
  });
});

describe('classifyResponse', () => {
  it.each<[ResponseType, ResponseClass]>([
    ['NOERROR', 'success'],
    ['DELEGATION', 'success'],
    ['NXDOMAIN', 'denial'],
    ['NODATA', 'denial'],
    ['SERVERERROR', 'error'],
    ['OTHERERROR', 'error'],
    ['META', 'error'],
    ['UPDATE', 'error'],
  ])('%s is %s', (type, cls) => {
    expect(classifyResponse(type)).toBe(cls);
  });
});

describe('rrsigValidAt', () => {
  it('includes both ends of the period', () => {
    expect(rrsigValidAt(sigData(NOW - 10, NOW + 10), NOW)).toBe(true);
    expect(rrsigValidAt(sigData(NOW, NOW), NOW)).toBe(true);
    expect(rrsigValidAt(sigData(NOW + 1, NOW + 10), NOW)).toBe(false);
    expect(rrsigValidAt(sigData(NOW - 10, NOW - 1), NOW)).toBe(false);
  });
});
