import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  createOpt,
  Flag,
  Rcode,
  ResponseType,
  setRcode,
  typifyResponse,
  type Message,
  type ResourceRecord,
} from '@tsdns/core';
import { answersQuestion, cacheKind, isCacheable, isUsableAnswer } from './classify.js';

const NOW = 1_700_000_000;

function msg(
  qname: string,
  qtype: string,
  init: Partial<Message> & { rcode?: number; qclass?: string } = {},
): Message {
  const m: Message = {
    id: 1,
    flags: Flag.QR | (init.flags ?? 0),
    questions: [{ name: qname, type: qtype, class: init.qclass ?? 'IN' }],
    answers: init.answers ?? [],
    authorities: init.authorities ?? [],
    additionals: init.additionals ?? [],
  };
  if (init.rcode !== undefined) setRcode(m, init.rcode);
  return m;
}

const rr = {
  a: (name: string, data = '192.0.2.1'): ResourceRecord => ({ name, type: 'A', class: 'IN', ttl: 60, data }),
  cname: (name: string, target: string): ResourceRecord => ({
    name,
    type: 'CNAME',
    class: 'IN',
    ttl: 60,
    data: target,
  }),
  ns: (name: string): ResourceRecord => ({ name, type: 'NS', class: 'IN', ttl: 60, data: `ns.${name}` }),
  soa: (name: string): ResourceRecord => ({
    name,
    type: 'SOA',
    class: 'IN',
    ttl: 60,
    data: { mname: 'ns.', rname: 'h.', serial: 1, refresh: 1, retry: 1, expire: 1, minimum: 30 },
  }),
  rrsig: (name: string, inception: number, expiration: number): ResourceRecord => ({
    name,
    type: 'RRSIG',
    class: 'IN',
    ttl: 60,
    data: {
      typeCovered: 'A',
      algorithm: 13,
      labels: 2,
      originalTTL: 60,
      expiration,
      inception,
      keyTag: 1,
      signersName: 'example.org.',
      signature: new Uint8Array(4),
    },
  }),
  opt: (dnssecOk: boolean): ResourceRecord => createOpt({ dnssecOk }),
};

describe('answersQuestion and the NODATA refinement', () => {
  it('follows the CNAME chain to the asked type', () => {
    const chain = [rr.cname('www.a.org.', 'b.org.'), rr.cname('B.org.', 'c.org.'), rr.a('c.org.')];
    expect(answersQuestion(msg('WWW.a.org.', 'A', { answers: chain }))).toBe(true);
    expect(answersQuestion(msg('www.a.org.', 'AAAA', { answers: chain }))).toBe(false);
    expect(answersQuestion(msg('www.a.org.', 'CNAME', { answers: chain }))).toBe(true);
    expect(answersQuestion(msg('www.a.org.', 'ANY', { answers: chain }))).toBe(true);
    expect(answersQuestion(msg('other.org.', 'ANY', { answers: chain }))).toBe(false);
  });

  it('treats loops and two targets for one alias as not answering', () => {
    const loop = [rr.cname('a.org.', 'b.org.'), rr.cname('b.org.', 'a.org.'), rr.a('a.org.')];
    expect(answersQuestion(msg('a.org.', 'A', { answers: loop }))).toBe(false);
    const forked = [rr.cname('a.org.', 'b.org.'), rr.cname('a.org.', 'c.org.'), rr.a('b.org.')];
    expect(answersQuestion(msg('a.org.', 'A', { answers: forked }))).toBe(false);
    const duplicate = [rr.cname('a.org.', 'b.org.'), rr.cname('a.org.', 'B.ORG.'), rr.a('b.org.')];
    expect(answersQuestion(msg('a.org.', 'A', { answers: duplicate }))).toBe(true);
  });

  it('matches records of other classes only for class ANY questions', () => {
    const ch: ResourceRecord = { name: 'a.org.', type: 'A', class: 'CH', ttl: 1, data: '192.0.2.1' };
    expect(answersQuestion(msg('a.org.', 'A', { answers: [ch] }))).toBe(false);
    expect(answersQuestion(msg('a.org.', 'A', { answers: [ch], qclass: 'ANY' }))).toBe(true);
  });

  it('files an unfinished chain with an SOA as NODATA and one without as uncacheable', () => {
    const chain = [rr.cname('a.org.', 'b.net.')];
    const withSoa = msg('a.org.', 'A', { answers: chain, authorities: [rr.soa('net.')] });
    expect(typifyResponse(withSoa, NOW)).toBe(ResponseType.NoError);
    expect(cacheKind(withSoa, NOW)).toBe(ResponseType.NoData);
    expect(isCacheable(withSoa, ResponseType.NoData)).toBe(true);
    const bare = msg('a.org.', 'A', { answers: chain });
    expect(cacheKind(bare, NOW)).toBe(ResponseType.NoError);
    expect(isCacheable(bare, ResponseType.NoError)).toBe(false);
    // An empty NOERROR stays cacheable (whoami answers in the additional section).
    expect(isCacheable(msg('a.org.', 'A', { additionals: [rr.a('a.org.')] }), ResponseType.NoError)).toBe(
      true,
    );
  });

  it('never caches truncated answers, errors or SOA-less NXDOMAIN', () => {
    const tc = msg('a.org.', 'A', { flags: Flag.TC, answers: [rr.a('a.org.')] });
    expect(isCacheable(tc, cacheKind(tc, NOW))).toBe(false);
    const nx = msg('a.org.', 'A', { rcode: Rcode.NXDOMAIN });
    expect(isCacheable(nx, cacheKind(nx, NOW))).toBe(false);
    const nxSoa = msg('a.org.', 'A', { rcode: Rcode.NXDOMAIN, authorities: [rr.soa('org.')] });
    expect(isCacheable(nxSoa, cacheKind(nxSoa, NOW))).toBe(true);
    const refused = msg('a.org.', 'A', { rcode: Rcode.REFUSED });
    expect(isCacheable(refused, cacheKind(refused, NOW))).toBe(false);
  });

  it('calls only complete positive answers usable', () => {
    expect(isUsableAnswer(msg('a.org.', 'A', { answers: [rr.a('a.org.')] }), NOW)).toBe(true);
    expect(isUsableAnswer(msg('a.org.', 'A', { answers: [rr.a('a.org.')], flags: Flag.TC }), NOW)).toBe(
      false,
    );
    expect(isUsableAnswer(msg('a.org.', 'A'), NOW)).toBe(false);
    expect(isUsableAnswer(msg('a.org.', 'A', { authorities: [rr.soa('org.')] }), NOW)).toBe(false);
  });
});

describe('classification of arbitrary responses', () => {
  const names = fc.constantFrom('a.org.', 'A.ORG.', 'b.org.', 'c.org.', 'x.net.', '.');
  const types = fc.constantFrom('A', 'AAAA', 'CNAME', 'ANY', 'MX', 'TYPE65280', 'BOGUS');
  const record = fc.oneof(
    fc.tuple(names, names).map(([n, t]) => rr.cname(n, t)),
    names.map((n) => rr.a(n)),
    names.map((n) => rr.soa(n)),
    names.map((n) => rr.ns(n)),
    fc
      .tuple(names, fc.integer({ min: 0, max: 2 ** 32 - 1 }), fc.integer({ min: 0, max: 2 ** 32 - 1 }))
      .map(([n, i, e]) => rr.rrsig(n, i, e)),
    fc.boolean().map((d) => rr.opt(d)),
  );
  const message = fc
    .record({
      qname: names,
      qtype: types,
      rcode: fc.constantFrom(0, 1, 2, 3, 4, 5, 9),
      tc: fc.boolean(),
      answers: fc.array(record, { maxLength: 8 }),
      authorities: fc.array(record, { maxLength: 4 }),
      additionals: fc.array(record, { maxLength: 4 }),
    })
    .map((m) =>
      msg(m.qname, m.qtype, {
        rcode: m.rcode,
        flags: m.tc ? Flag.TC : 0,
        answers: m.answers,
        authorities: m.authorities,
        additionals: m.additionals,
      }),
    );

  it('never throws, and a cacheable kind is always one the cache knows how to store', () => {
    fc.assert(
      fc.property(message, fc.integer({ min: 0, max: 2 ** 32 }), (m, now) => {
        const kind = cacheKind(m, now);
        const cacheable = isCacheable(m, kind);
        if (cacheable) {
          expect([
            ResponseType.NoError,
            ResponseType.NameError,
            ResponseType.NoData,
            ResponseType.ServerError,
            ResponseType.Delegation,
          ]).toContain(kind);
          expect(m.flags & Flag.TC).toBe(0);
        }
        if (answersQuestion(m)) expect(m.answers.length).toBeGreaterThan(0);
      }),
      { numRuns: 5000 },
    );
  });
});
