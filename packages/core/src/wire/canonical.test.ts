import { describe, expect, it } from 'vitest';
import { canonicalRdata, canonicalRecord } from './canonical.js';
import { encodeRdata } from './encode.js';
import { u16, u32, wireName } from './test-support/bytes.js';
import type { ResourceRecord } from './types.js';

function rr(type: string, data: unknown, name = 'Example.ORG.'): ResourceRecord {
  return { name, type, class: 'IN', ttl: 3600, data } as ResourceRecord;
}

describe('canonical forms (RFC 4034 6.2, RFC 6840 5.1)', () => {
  it('lowercases names inside rdata of the listed types', () => {
    expect([...canonicalRdata(rr('NS', 'NS1.Example.ORG.'))]).toEqual(wireName('ns1.example.org.'));
    expect([...canonicalRdata(rr('MX', { preference: 1, exchange: 'MX.A.' }))]).toEqual([
      ...u16(1),
      ...wireName('mx.a.'),
    ]);
    const soa = canonicalRdata(
      rr('SOA', { mname: 'NS.A.', rname: 'Host.A.', serial: 1, refresh: 2, retry: 3, expire: 4, minimum: 5 }),
    );
    expect([...soa.subarray(0, 14)]).toEqual([...wireName('ns.a.'), ...wireName('host.a.')]);
    const srv = canonicalRdata(rr('SRV', { priority: 1, weight: 2, port: 3, target: 'T.A.' }));
    expect([...srv.subarray(6)]).toEqual(wireName('t.a.'));
    const sig = canonicalRdata(
      rr('RRSIG', {
        typeCovered: 'A',
        algorithm: 13,
        labels: 2,
        originalTTL: 1,
        expiration: 2,
        inception: 3,
        keyTag: 4,
        signersName: 'Example.ORG.',
        signature: new Uint8Array([1]),
      }),
    );
    expect([...sig.subarray(18, 18 + 13)]).toEqual(wireName('example.org.'));
  });

  it('keeps the case of NSEC next names and of types not listed', () => {
    expect(
      [...canonicalRdata(rr('NSEC', { nextDomain: 'B.Example.', rrtypes: ['A'] }))].slice(0, 11),
    ).toEqual(wireName('B.Example.'));
    const svcb = canonicalRdata(rr('SVCB', { priority: 1, target: 'SVC.A.', params: [] }));
    expect([...svcb.subarray(2)]).toEqual(wireName('SVC.A.'));
  });

  it('never compresses', () => {
    const soa = rr('SOA', {
      mname: 'a.example.',
      rname: 'b.example.',
      serial: 1,
      refresh: 2,
      retry: 3,
      expire: 4,
      minimum: 5,
    });
    expect(canonicalRdata(soa).length).toBe(11 + 11 + 20);
    expect(canonicalRdata(soa)).toEqual(encodeRdata(soa));
  });

  it('builds whole canonical records with a chosen TTL', () => {
    const a = rr('A', '192.0.2.1', 'WWW.Example.');
    expect([...canonicalRecord(a, 60)]).toEqual([
      ...wireName('www.example.'),
      ...u16(1),
      ...u16(1),
      ...u32(60),
      ...u16(4),
      192,
      0,
      2,
      1,
    ]);
    expect([...canonicalRecord(a).subarray(17, 21)]).toEqual(u32(3600));
  });
});
