import { describe, expect, it } from 'vitest';
import { Flag, ResponseType, createOpt, type Message, type ResourceRecord } from '@tsdns/core';
import { MINIMAL_DEFAULT_TTL, clampTtl, minimalTtl } from './ttl.js';

function msg(
  answers: ResourceRecord[],
  authorities: ResourceRecord[] = [],
  additionals: ResourceRecord[] = [],
): Message {
  return {
    id: 1,
    flags: Flag.QR,
    questions: [{ name: 'a.org.', type: 'A', class: 'IN' }],
    answers,
    authorities,
    additionals,
  };
}
const a = (ttl: number): ResourceRecord => ({
  name: 'a.org.',
  type: 'A',
  class: 'IN',
  ttl,
  data: '192.0.2.1',
});
const soa = (ttl: number, minimum: number): ResourceRecord => ({
  name: 'org.',
  type: 'SOA',
  class: 'IN',
  ttl,
  data: { mname: 'ns.', rname: 'h.', serial: 1, refresh: 1, retry: 1, expire: 1, minimum },
});
const opt: ResourceRecord = createOpt();

describe('minimalTtl', () => {
  it('takes the lowest TTL of every section, capped by the maximum', () => {
    expect(minimalTtl(msg([a(300), a(200)], [], [a(250)]), ResponseType.NoError, 3600)).toBe(200);
    expect(minimalTtl(msg([a(300)], [], [a(50)]), ResponseType.NoError, 3600)).toBe(50);
    expect(minimalTtl(msg([a(7200)]), ResponseType.NoError, 3600)).toBe(3600);
    expect(minimalTtl(msg([a(0)]), ResponseType.NoError, 3600)).toBe(0);
  });

  it('ignores the OPT record, whose TTL field is not a TTL', () => {
    const withOpt = msg([a(300)], [], [{ ...opt, extendedRcode: 0 }]);
    expect(minimalTtl(withOpt, ResponseType.NoError, 3600)).toBe(300);
  });

  it('gives records-less answers and other kinds the 5 s fail-safe', () => {
    expect(minimalTtl(msg([]), ResponseType.NoError, 3600)).toBe(MINIMAL_DEFAULT_TTL);
    expect(minimalTtl(msg([], [], [opt]), ResponseType.NoError, 3600)).toBe(MINIMAL_DEFAULT_TTL);
    expect(minimalTtl(msg([a(300)]), ResponseType.ServerError, 3600)).toBe(MINIMAL_DEFAULT_TTL);
    expect(minimalTtl(msg([a(300)]), ResponseType.Delegation, 3600)).toBe(MINIMAL_DEFAULT_TTL);
  });

  it('bounds negative answers by the SOA TTL and its MINIMUM (RFC 2308 section 5)', () => {
    expect(minimalTtl(msg([], [soa(3600, 300)]), ResponseType.NameError, 1800)).toBe(300);
    expect(minimalTtl(msg([], [soa(60, 300)]), ResponseType.NoData, 1800)).toBe(60);
    expect(minimalTtl(msg([], [soa(3600, 3600)]), ResponseType.NameError, 1800)).toBe(1800);
    // A positive answer's SOA MINIMUM means nothing.
    expect(minimalTtl(msg([a(600)], [soa(3600, 10)]), ResponseType.NoError, 3600)).toBe(600);
  });
});

describe('clampTtl', () => {
  it('raises to the minimum, then caps at the maximum', () => {
    expect(clampTtl(1, 5, 3600)).toBe(5);
    expect(clampTtl(100, 5, 3600)).toBe(100);
    expect(clampTtl(7200, 5, 3600)).toBe(3600);
    expect(clampTtl(1, 50, 30)).toBe(30);
  });
});
