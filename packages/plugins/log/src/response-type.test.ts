import { describe, expect, it } from 'vitest';
import { Flag, Opcode, Rcode, createOpt, setOpcode, setRcode, type Message, type ResourceRecord } from '@tsdns/core';
import { classifyResponse, typifyResponse, type ResponseType } from './response-type.js';

const NOW = 1_700_000_000;

const soa: ResourceRecord = {
  name: 'example.org.',
  type: 'SOA',
  class: 'IN',
  ttl: 300,
  data: { mname: 'ns.example.org.', rname: 'h.example.org.', serial: 1, refresh: 2, retry: 3, expire: 4, minimum: 5 },
};
const ns: ResourceRecord = { name: 'sub.example.org.', type: 'NS', class: 'IN', ttl: 300, data: 'ns.sub.example.org.' };
const a: ResourceRecord = { name: 'www.example.org.', type: 'A', class: 'IN', ttl: 300, data: '192.0.2.1' };

function rrsig(inception: number, expiration: number): ResourceRecord {
  return {
    name: 'www.example.org.',
    type: 'RRSIG',
    class: 'IN',
    ttl: 300,
    data: {
      typeCovered: 'A',
      algorithm: 13,
      labels: 3,
      originalTTL: 300,
      expiration,
      inception,
      keyTag: 1,
      signersName: 'example.org.',
      signature: new Uint8Array(64),
    },
  };
}

function response(init: {
  rcode?: number;
  opcode?: number;
  qtype?: string;
  answers?: ResourceRecord[];
  authorities?: ResourceRecord[];
  dnssecOk?: boolean;
}): Message {
  const msg: Message = {
    id: 1,
    flags: Flag.QR,
    questions: [{ name: 'www.example.org.', type: init.qtype ?? 'A', class: 'IN' }],
    answers: init.answers ?? [],
    authorities: init.authorities ?? [],
    additionals: init.dnssecOk === undefined ? [] : [createOpt({ dnssecOk: init.dnssecOk })],
  };
  setRcode(msg, init.rcode ?? Rcode.NOERROR);
  if (init.opcode !== undefined) setOpcode(msg, init.opcode);
  return msg;
}

describe('typifyResponse', () => {
  it.each<[string, Message | undefined, ResponseType]>([
    ['no message', undefined, 'OTHERERROR'],
    ['an answer', response({ answers: [a] }), 'NOERROR'],
    ['NOERROR with SOA', response({ authorities: [soa] }), 'NODATA'],
    ['NXDOMAIN with SOA', response({ rcode: Rcode.NXDOMAIN, authorities: [soa] }), 'NXDOMAIN'],
    ['NXDOMAIN without SOA', response({ rcode: Rcode.NXDOMAIN }), 'NXDOMAIN'],
    ['NXDOMAIN with answers', response({ rcode: Rcode.NXDOMAIN, answers: [a] }), 'OTHERERROR'],
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

  it('types a response with an expired signature as OTHERERROR only when DO is set', () => {
    const expired = [a, rrsig(NOW - 20_000, NOW - 10_000)];
    expect(typifyResponse(response({ answers: expired, dnssecOk: true }), NOW)).toBe('OTHERERROR');
    expect(typifyResponse(response({ answers: expired, dnssecOk: false }), NOW)).toBe('NOERROR');
    expect(typifyResponse(response({ answers: expired }), NOW)).toBe('NOERROR');
    const notYet = [a, rrsig(NOW + 100, NOW + 10_000)];
    expect(typifyResponse(response({ answers: notYet, dnssecOk: true }), NOW)).toBe('OTHERERROR');
    const valid = [a, rrsig(NOW - 100, NOW + 10_000)];
    expect(typifyResponse(response({ answers: valid, dnssecOk: true }), NOW)).toBe('NOERROR');
    const expiredInAuthority = response({ authorities: [soa, rrsig(NOW - 20, NOW - 10)], dnssecOk: true });
    expect(typifyResponse(expiredInAuthority, NOW)).toBe('OTHERERROR');
  });
});

describe('classifyResponse', () => {
  it.each<[ResponseType, string]>([
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
