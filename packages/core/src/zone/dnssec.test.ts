import { describe, expect, it } from 'vitest';
import { parseZone } from '../zonefile/reader.js';
import { rdataToText } from '../wire/presentation/rdata-text.js';
import { Rcode, typeToNumber } from '../wire/constants.js';
import type { ResourceRecord, RrsigData } from '../wire/types.js';
import { Zone } from './zone.js';
import { SIGNED } from './test-support/signed.js';

const zone = Zone.from('example.', parseZone(SIGNED, { origin: 'example.' }));

/** "owner TYPE" for data, "owner RRSIG(TYPE)" for signatures, "owner NSEC->next" for NSEC. */
function short(rr: ResourceRecord): string {
  if (rr.type === 'RRSIG') return `${rr.name} RRSIG(${(rr.data as RrsigData).typeCovered})`;
  if (rr.type === 'NSEC') return `${rr.name} NSEC->${rr.data.nextDomain}`;
  if (rr.type === 'OPT') throw new Error('OPT in a zone answer');
  return `${rr.name} ${rr.type} ${rdataToText(rr)}`;
}

function ask(qname: string, qtype: string, dnssec = true) {
  const r = zone.lookup(qname, typeToNumber(qtype), { do: dnssec });
  return {
    rcode: r.rcode,
    aa: r.aa,
    answer: r.answer.map(short).sort(),
    authority: r.authority.map(short).sort(),
    additional: r.additional.map(short).sort(),
  };
}

const SOA = 'example. SOA ns1.example. h.example. 1 2 3 4 300';
const NEG = [SOA, 'example. RRSIG(SOA)'];
const nsec = (owner: string, next: string) => [`${owner} NSEC->${next}`, `${owner} RRSIG(NSEC)`];

describe('DNSSEC with NSEC (RFC 4035 3.1)', () => {
  it('prepares NSEC denial for a zone with NSEC records', () => {
    expect(zone.denial).not.toBeNull();
  });

  it('adds the RRSIGs of answers', () => {
    expect(ask('a.example.', 'A')).toEqual({
      rcode: Rcode.NOERROR,
      aa: true,
      answer: ['a.example. A 192.0.2.1', 'a.example. RRSIG(A)'],
      authority: [],
      additional: [],
    });
  });

  it('proves NODATA with the NSEC of the name', () => {
    expect(ask('a.example.', 'MX').authority).toEqual([...NEG, ...nsec('a.example.', 'c.b.example.')].sort());
  });

  it('proves NXDOMAIN with the covering NSEC and the one denying the wildcard', () => {
    const r = ask('nope.example.', 'A');
    expect(r.rcode).toBe(Rcode.NXDOMAIN);
    expect(r.authority).toEqual(
      [...NEG, ...nsec('insec.example.', 'ns1.example.'), ...nsec('example.', 'a.example.')].sort(),
    );
  });

  it('sends one NSEC when it covers both the name and the wildcard', () => {
    const r = ask('0.example.', 'A');
    expect(r.rcode).toBe(Rcode.NXDOMAIN);
    expect(r.authority).toEqual([...NEG, ...nsec('example.', 'a.example.')].sort());
  });

  it('proves an empty non-terminal with the NSEC before it', () => {
    const r = ask('b.example.', 'A');
    expect(r.rcode).toBe(Rcode.NOERROR);
    expect(r.authority).toEqual([...NEG, ...nsec('a.example.', 'c.b.example.')].sort());
  });

  it('signs a wildcard answer as the query name and proves no closer match', () => {
    const z = zone.lookup('y.w.example.', 1, { do: true });
    const rrsig = z.answer.find((r) => r.type === 'RRSIG') as ResourceRecord & { data: RrsigData };
    expect(rrsig.name).toBe('y.w.example.');
    // The labels field still says the signature was made over the wildcard.
    expect(rrsig.data.labels).toBe(2);
    expect(ask('y.w.example.', 'A')).toEqual({
      rcode: Rcode.NOERROR,
      aa: true,
      answer: ['y.w.example. A 192.0.2.9', 'y.w.example. RRSIG(A)'],
      authority: nsec('x.w.example.', 'z.example.').sort(),
      additional: [],
    });
  });

  it('proves wildcard NODATA with the covering NSEC and the wildcard NSEC', () => {
    expect(ask('y.w.example.', 'MX').authority).toEqual(
      [...NEG, ...nsec('x.w.example.', 'z.example.'), ...nsec('*.w.example.', 'x.w.example.')].sort(),
    );
  });

  it('puts DS and its RRSIG in a referral, glue unsigned, AA clear', () => {
    expect(ask('foo.cut.example.', 'A')).toEqual({
      rcode: Rcode.NOERROR,
      aa: false,
      answer: [],
      authority: [
        'cut.example. DS 1 13 2 0000000000000000000000000000000000000000000000000000000000000000',
        'cut.example. NS ns.cut.example.',
        'cut.example. RRSIG(DS)',
      ],
      additional: ['ns.cut.example. A 192.0.2.53'],
    });
  });

  it('proves an insecure delegation with the NSEC at the cut', () => {
    expect(ask('foo.insec.example.', 'A')).toEqual({
      rcode: Rcode.NOERROR,
      aa: false,
      answer: [],
      authority: ['insec.example. NS ns.example.net.', ...nsec('insec.example.', 'ns1.example.')].sort(),
      additional: [],
    });
  });

  it('answers DS at a cut, or proves it absent', () => {
    expect(ask('cut.example.', 'DS').answer).toEqual([
      'cut.example. DS 1 13 2 0000000000000000000000000000000000000000000000000000000000000000',
      'cut.example. RRSIG(DS)',
    ]);
    const r = ask('insec.example.', 'DS');
    expect(r.aa).toBe(true);
    expect(r.authority).toEqual([...NEG, ...nsec('insec.example.', 'ns1.example.')].sort());
  });

  it('signs every RRset of a CNAME chain and of additional addresses', () => {
    expect(ask('z.example.', 'A').answer).toEqual(
      [
        'z.example. CNAME a.example.',
        'z.example. RRSIG(CNAME)',
        'a.example. A 192.0.2.1',
        'a.example. RRSIG(A)',
      ].sort(),
    );
    expect(ask('example.', 'NS').additional).toEqual(['ns1.example. A 192.0.2.2', 'ns1.example. RRSIG(A)']);
  });

  it('proves that an SVCB target has no SVCB of its own (RFC 9460 4.2)', () => {
    expect(ask('svc.example.', 'SVCB').additional).toEqual(
      ['ns1.example. A 192.0.2.2', 'ns1.example. RRSIG(A)', ...nsec('ns1.example.', 'svc.example.')].sort(),
    );
    expect(ask('svc.example.', 'SVCB', false).additional).toEqual(['ns1.example. A 192.0.2.2']);
  });

  it('answers ANY with one RRset and its signatures', () => {
    expect(ask('a.example.', 'ANY').answer).toEqual(['a.example. A 192.0.2.1', 'a.example. RRSIG(A)']);
  });

  it('includes no DNSSEC records without DO', () => {
    for (const [name, type] of [
      ['a.example.', 'A'],
      ['a.example.', 'MX'],
      ['nope.example.', 'A'],
      ['b.example.', 'A'],
      ['y.w.example.', 'A'],
      ['y.w.example.', 'MX'],
      ['foo.cut.example.', 'A'],
      ['foo.insec.example.', 'A'],
      ['z.example.', 'A'],
      ['a.example.', 'ANY'],
      ['cut.example.', 'DS'],
    ]) {
      const r = ask(name, type, false);
      const all = [...r.answer, ...r.authority, ...r.additional];
      expect(
        all.filter((l) => /RRSIG|NSEC|DS/.test(l.split(' ')[1])),
        `${name} ${type}`,
      ).toEqual(
        type === 'DS'
          ? ['cut.example. DS 1 13 2 0000000000000000000000000000000000000000000000000000000000000000']
          : [],
      );
    }
  });

  it('answers RRSIG and NSEC when asked for explicitly, without DO', () => {
    // One RRset's signatures, the lowest covered type, as ANY gets one RRset.
    expect(ask('a.example.', 'RRSIG', false).answer).toEqual(['a.example. RRSIG(A)']);
    expect(ask('z.example.', 'RRSIG', false).answer).toEqual(['z.example. RRSIG(CNAME)']);
    expect(ask('y.w.example.', 'RRSIG', false).answer).toEqual(['y.w.example. RRSIG(A)']);
    expect(ask('b.example.', 'RRSIG', false).answer).toEqual([]);
    expect(ask('a.example.', 'NSEC', false).answer).toEqual(['a.example. NSEC->c.b.example.']);
    expect(ask('z.example.', 'NSEC', false).answer).toEqual(['z.example. NSEC->example.']);
  });

  it('sorts the NSEC owners itself when the chain is broken', () => {
    const broken = Zone.from(
      'example.',
      parseZone(SIGNED.replace('a NSEC c.b.example.', 'a NSEC ns1.example.'), { origin: 'example.' }),
    );
    const r = broken.lookup('nope.example.', 1, { do: true });
    expect(
      r.authority
        .filter((x) => x.type === 'NSEC')
        .map((x) => x.name)
        .sort(),
    ).toEqual(['example.', 'insec.example.']);
  });
});
