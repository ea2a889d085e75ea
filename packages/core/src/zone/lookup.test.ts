import { describe, expect, it } from 'vitest';
import { parseZone } from '../zonefile/reader.js';
import { rdataToText } from '../wire/presentation/rdata-text.js';
import { Rcode, typeToNumber } from '../wire/constants.js';
import type { ResourceRecord } from '../wire/types.js';
import { Zone } from './zone.js';
import { MAX_CHAIN, type LookupResult } from './lookup.js';

/** "owner TYPE rdata" with the owner lowercased: what the tables below compare. */
function line(rr: ResourceRecord): string {
  if (rr.type === 'OPT') throw new Error('OPT in a zone answer');
  return `${rr.name.toLowerCase()} ${rr.type} ${rdataToText(rr)}`;
}

interface Expect {
  rcode?: number;
  aa?: boolean;
  answer?: string[];
  authority?: string[];
  additional?: string[];
  chase?: string;
}

function check(r: LookupResult, e: Expect): void {
  expect({
    rcode: r.rcode,
    aa: r.aa,
    answer: r.answer.map(line),
    authority: r.authority.map(line).sort(),
    additional: r.additional.map(line).sort(),
    chase: r.chase,
  }).toEqual({
    rcode: e.rcode ?? Rcode.NOERROR,
    aa: e.aa ?? true,
    answer: e.answer ?? [],
    authority: (e.authority ?? []).slice().sort(),
    additional: (e.additional ?? []).slice().sort(),
    chase: e.chase,
  });
}

const SOA = 'example.org. SOA ns1.example.org. hostmaster.example.org. 2024010101 7200 3600 1209600 300';

const ZONE = `$ORIGIN example.org.
$TTL 3600
@ SOA ns1 hostmaster 2024010101 7200 3600 1209600 300
@ NS ns1
@ NS ns2.example.net.
@ MX 10 mail
@ MX 20 mail.example.net.
ns1 A 192.0.2.1
ns1 AAAA 2001:db8::1
mail A 192.0.2.25
www A 192.0.2.80
multi A 192.0.2.7
multi TXT "hello"
multi AAAA 2001:db8::7
alias CNAME www
alias2 CNAME alias
ext CNAME www.example.net.
toext CNAME ext
loop1 CNAME loop2
loop2 CNAME loop1
nxc CNAME nothere
*.wild A 192.0.2.99
*.wild TXT "wild"
host.wild A 192.0.2.100
a.b.c.ent A 192.0.2.5
*.cw CNAME www
*.self CNAME x.self
_sip._tcp SRV 0 5 5060 sip
sip A 192.0.2.50
svc SVCB 1 sip
sub NS ns.sub
sub NS ns.other.example.net.
sub NS ns1
ns.sub A 192.0.2.53
deep.ns.sub A 192.0.2.54
sub DS 12345 8 2 49FD46E6C4B45C55D4AC49FD46E6C4B45C55D4AC49FD46E6C4B45C55D4AC1234
tosub CNAME x.sub
mx3 MX 5 ns.sub
mx4 MX 5 zz.wild
dn DNAME example.net.
dn TXT "dname owner"
under.dn A 192.0.2.9
dn2 DNAME www
dn3 DNAME alias
dnroot DNAME .
longdn DNAME ${'a'.repeat(63)}.${'a'.repeat(63)}.${'a'.repeat(63)}.example.org.
hidden.sub.dn A 192.0.2.10
`;

const zone = Zone.from('example.org.', parseZone(ZONE, { origin: 'example.org.' }));
const q = (name: string, type: string) => zone.lookup(name, typeToNumber(type));

describe('Zone.lookup: exact matches and negative answers', () => {
  it('answers an existing RRset with AA and nothing else', () => {
    check(q('www.example.org.', 'A'), { answer: ['www.example.org. A 192.0.2.80'] });
    check(q('WWW.Example.ORG.', 'A'), { answer: ['www.example.org. A 192.0.2.80'] });
  });

  it('answers the apex SOA and NS, with addresses of in-zone name servers', () => {
    check(q('example.org.', 'SOA'), { answer: [SOA] });
    check(q('example.org.', 'NS'), {
      answer: ['example.org. NS ns1.example.org.', 'example.org. NS ns2.example.net.'],
      additional: ['ns1.example.org. A 192.0.2.1', 'ns1.example.org. AAAA 2001:db8::1'],
    });
  });

  it('adds addresses of in-zone MX, SRV and SVCB targets, glue and wildcard matches included', () => {
    check(q('example.org.', 'MX'), {
      answer: ['example.org. MX 10 mail.example.org.', 'example.org. MX 20 mail.example.net.'],
      additional: ['mail.example.org. A 192.0.2.25'],
    });
    check(q('_sip._tcp.example.org.', 'SRV'), {
      answer: ['_sip._tcp.example.org. SRV 0 5 5060 sip.example.org.'],
      additional: ['sip.example.org. A 192.0.2.50'],
    });
    check(q('svc.example.org.', 'SVCB'), {
      answer: ['svc.example.org. SVCB 1 sip.example.org.'],
      additional: ['sip.example.org. A 192.0.2.50'],
    });
    check(q('mx3.example.org.', 'MX'), {
      answer: ['mx3.example.org. MX 5 ns.sub.example.org.'],
      additional: ['ns.sub.example.org. A 192.0.2.53'],
    });
    check(q('mx4.example.org.', 'MX'), {
      answer: ['mx4.example.org. MX 5 zz.wild.example.org.'],
      additional: ['zz.wild.example.org. A 192.0.2.99'],
    });
  });

  it('gives NODATA with the SOA at the negative TTL (min of SOA TTL and minimum)', () => {
    const r = q('www.example.org.', 'MX');
    check(r, { authority: [SOA] });
    expect(r.authority[0].ttl).toBe(300);
    expect(zone.soa.ttl).toBe(3600);
  });

  it('gives NXDOMAIN with the SOA for a missing name', () => {
    check(q('nope.example.org.', 'A'), { rcode: Rcode.NXDOMAIN, authority: [SOA] });
    check(q('x.www.example.org.', 'A'), { rcode: Rcode.NXDOMAIN, authority: [SOA] });
  });

  it('treats empty non-terminals as existing names: NODATA, not NXDOMAIN', () => {
    check(q('b.c.ent.example.org.', 'A'), { authority: [SOA] });
    check(q('c.ent.example.org.', 'TXT'), { authority: [SOA] });
    check(q('ent.example.org.', 'A'), { authority: [SOA] });
    check(q('x.b.c.ent.example.org.', 'A'), { rcode: Rcode.NXDOMAIN, authority: [SOA] });
  });

  it('answers ANY with one RRset, the lowest type (RFC 8482)', () => {
    check(q('multi.example.org.', 'ANY'), { answer: ['multi.example.org. A 192.0.2.7'] });
    check(q('example.org.', 'ANY'), {
      answer: ['example.org. NS ns1.example.org.', 'example.org. NS ns2.example.net.'],
      additional: ['ns1.example.org. A 192.0.2.1', 'ns1.example.org. AAAA 2001:db8::1'],
    });
    check(q('alias.example.org.', 'ANY'), { answer: ['alias.example.org. CNAME www.example.org.'] });
    check(q('c.ent.example.org.', 'ANY'), { authority: [SOA] });
  });

  it('answers types without typed rdata by number', () => {
    const z = Zone.from(
      'example.org.',
      parseZone(ZONE + 'loc TYPE29 \\# 16 0012161399fe4bb88a8c3f8898967e88\n', { origin: 'example.org.' }),
    );
    const r = z.lookup('loc.example.org.', typeToNumber('LOC'));
    expect(r.answer).toHaveLength(1);
    expect(r.answer[0].type).toBe('TYPE29');
  });
});

describe('Zone.lookup: CNAME', () => {
  it('follows chains inside the zone', () => {
    check(q('alias2.example.org.', 'A'), {
      answer: [
        'alias2.example.org. CNAME alias.example.org.',
        'alias.example.org. CNAME www.example.org.',
        'www.example.org. A 192.0.2.80',
      ],
    });
  });

  it('answers the CNAME itself for qtype CNAME', () => {
    check(q('alias.example.org.', 'CNAME'), { answer: ['alias.example.org. CNAME www.example.org.'] });
  });

  it('signals a target outside the zone for the caller to resolve', () => {
    check(q('ext.example.org.', 'A'), {
      answer: ['ext.example.org. CNAME www.example.net.'],
      chase: 'www.example.net.',
    });
    check(q('toext.example.org.', 'AAAA'), {
      answer: ['toext.example.org. CNAME ext.example.org.', 'ext.example.org. CNAME www.example.net.'],
      chase: 'www.example.net.',
    });
  });

  it('ends a chain at a missing target with NXDOMAIN (RFC 6604)', () => {
    check(q('nxc.example.org.', 'A'), {
      rcode: Rcode.NXDOMAIN,
      answer: ['nxc.example.org. CNAME nothere.example.org.'],
      authority: [SOA],
    });
  });

  it('ends a chain at a target without the type with NODATA', () => {
    check(q('alias.example.org.', 'MX'), {
      answer: ['alias.example.org. CNAME www.example.org.'],
      authority: [SOA],
    });
  });

  it('stops a loop once every CNAME is in the answer', () => {
    check(q('loop1.example.org.', 'A'), {
      answer: ['loop1.example.org. CNAME loop2.example.org.', 'loop2.example.org. CNAME loop1.example.org.'],
    });
    check(q('a.self.example.org.', 'A'), {
      answer: [
        'a.self.example.org. CNAME x.self.example.org.',
        'x.self.example.org. CNAME x.self.example.org.',
      ],
    });
  });

  it('bounds long chains', () => {
    let text = ZONE;
    for (let i = 0; i < 30; i++) text += `c${i} CNAME c${i + 1}\n`;
    text += 'c30 A 192.0.2.30\n';
    const z = Zone.from('example.org.', parseZone(text, { origin: 'example.org.' }));
    const r = z.lookup('c0.example.org.', 1);
    expect(r.rcode).toBe(Rcode.NOERROR);
    expect(r.answer).toHaveLength(12);
    expect(r.answer.every((rr) => rr.type === 'CNAME')).toBe(true);
  });

  it('follows a chain into a wildcard and into a delegation', () => {
    check(q('x.cw.example.org.', 'A'), {
      answer: ['x.cw.example.org. CNAME www.example.org.', 'www.example.org. A 192.0.2.80'],
    });
    check(q('tosub.example.org.', 'A'), {
      aa: true,
      answer: ['tosub.example.org. CNAME x.sub.example.org.'],
      authority: [
        'sub.example.org. NS ns.sub.example.org.',
        'sub.example.org. NS ns.other.example.net.',
        'sub.example.org. NS ns1.example.org.',
      ],
      additional: [
        'ns.sub.example.org. A 192.0.2.53',
        'ns1.example.org. A 192.0.2.1',
        'ns1.example.org. AAAA 2001:db8::1',
      ],
    });
  });
});

describe('Zone.lookup: delegations', () => {
  const referral = {
    aa: false,
    authority: [
      'sub.example.org. NS ns.sub.example.org.',
      'sub.example.org. NS ns.other.example.net.',
      'sub.example.org. NS ns1.example.org.',
    ],
    additional: [
      'ns.sub.example.org. A 192.0.2.53',
      'ns1.example.org. A 192.0.2.1',
      'ns1.example.org. AAAA 2001:db8::1',
    ],
  };

  it('refers below, at and for glue names of a cut, without AA', () => {
    check(q('x.sub.example.org.', 'A'), referral);
    check(q('sub.example.org.', 'A'), referral);
    check(q('sub.example.org.', 'NS'), referral);
    check(q('ns.sub.example.org.', 'A'), referral);
    check(q('deep.ns.sub.example.org.', 'A'), referral);
    check(q('sub.example.org.', 'ANY'), referral);
  });

  it('answers DS at the cut from the parent side', () => {
    check(q('sub.example.org.', 'DS'), {
      answer: [
        'sub.example.org. DS 12345 8 2 49FD46E6C4B45C55D4AC49FD46E6C4B45C55D4AC49FD46E6C4B45C55D4AC1234',
      ],
    });
    check(q('x.sub.example.org.', 'DS'), referral);
  });

  it('leaves DS out of referrals without DO', () => {
    expect(q('x.sub.example.org.', 'A').authority.some((r) => r.type === 'DS')).toBe(false);
    expect(zone.lookup('x.sub.example.org.', 1, { do: true }).authority.some((r) => r.type === 'DS')).toBe(
      true,
    );
  });
});

describe('Zone.lookup: DNAME (RFC 6672)', () => {
  it('substitutes below the owner with the DNAME and a synthesized CNAME', () => {
    const r = q('x.dn.example.org.', 'A');
    check(r, {
      answer: ['dn.example.org. DNAME example.net.', 'x.dn.example.org. CNAME x.example.net.'],
      chase: 'x.example.net.',
    });
    expect(r.answer[1].ttl).toBe(r.answer[0].ttl);
    check(q('a.b.dn.example.org.', 'TXT'), {
      answer: ['dn.example.org. DNAME example.net.', 'a.b.dn.example.org. CNAME a.b.example.net.'],
      chase: 'a.b.example.net.',
    });
  });

  it('keeps the client spelling in the synthesized owner', () => {
    expect(q('X.Dn.example.org.', 'A').answer[1].name).toBe('X.Dn.example.org.');
    expect((q('X.Dn.example.org.', 'A').answer[1] as { data: string }).data).toBe('X.example.net.');
  });

  it('hides data below the owner and answers the owner itself normally', () => {
    check(q('under.dn.example.org.', 'A'), {
      answer: ['dn.example.org. DNAME example.net.', 'under.dn.example.org. CNAME under.example.net.'],
      chase: 'under.example.net.',
    });
    check(q('dn.example.org.', 'TXT'), { answer: ['dn.example.org. TXT "dname owner"'] });
    check(q('dn.example.org.', 'DNAME'), { answer: ['dn.example.org. DNAME example.net.'] });
    check(q('dn.example.org.', 'A'), { authority: [SOA] });
  });

  it('follows an in-zone target, through CNAMEs too', () => {
    check(q('x.dn2.example.org.', 'A'), {
      rcode: Rcode.NXDOMAIN,
      answer: ['dn2.example.org. DNAME www.example.org.', 'x.dn2.example.org. CNAME x.www.example.org.'],
      authority: [SOA],
    });
    check(q('x.dn3.example.org.', 'A'), {
      rcode: Rcode.NXDOMAIN,
      answer: ['dn3.example.org. DNAME alias.example.org.', 'x.dn3.example.org. CNAME x.alias.example.org.'],
      authority: [SOA],
    });
  });

  it('does not chase the synthesized CNAME for qtype CNAME', () => {
    check(q('x.dn2.example.org.', 'CNAME'), {
      answer: ['dn2.example.org. DNAME www.example.org.', 'x.dn2.example.org. CNAME x.www.example.org.'],
    });
  });

  it('substitutes to the root', () => {
    check(q('www.example.com.dnroot.example.org.', 'A'), {
      answer: ['dnroot.example.org. DNAME .', 'www.example.com.dnroot.example.org. CNAME www.example.com.'],
      chase: 'www.example.com.',
    });
  });

  it('answers YXDOMAIN when the substituted name would be too long', () => {
    check(q(`${'b'.repeat(63)}.${'b'.repeat(26)}.longdn.example.org.`, 'A'), {
      rcode: Rcode.YXDOMAIN,
      answer: [
        `longdn.example.org. DNAME ${'a'.repeat(63)}.${'a'.repeat(63)}.${'a'.repeat(63)}.example.org.`,
      ],
    });
  });

  it('applies an apex DNAME to every name below the apex', () => {
    const z = Zone.from(
      'example.org.',
      parseZone(
        '$ORIGIN example.org.\n$TTL 60\n@ SOA ns h 1 2 3 4 5\n@ NS ns.example.net.\n@ DNAME example.com.\nwww A 192.0.2.1\n',
        {
          origin: 'example.org.',
        },
      ),
    );
    check(z.lookup('www.example.org.', 1), {
      answer: ['example.org. DNAME example.com.', 'www.example.org. CNAME www.example.com.'],
      chase: 'www.example.com.',
    });
    check(z.lookup('example.org.', 39), { answer: ['example.org. DNAME example.com.'] });
  });

  it('lets the higher of a cut and a DNAME decide', () => {
    check(q('x.hidden.sub.dn.example.org.', 'A'), {
      answer: [
        'dn.example.org. DNAME example.net.',
        'x.hidden.sub.dn.example.org. CNAME x.hidden.sub.example.net.',
      ],
      chase: 'x.hidden.sub.example.net.',
    });
  });
});

describe('Zone.lookup: wildcards', () => {
  it('synthesizes answers owned by the query name', () => {
    const r = q('x.wild.example.org.', 'A');
    check(r, { answer: ['x.wild.example.org. A 192.0.2.99'] });
    expect(r.wildcard).toBe('*.wild.example.org.');
    check(q('a.b.wild.example.org.', 'TXT'), { answer: ['a.b.wild.example.org. TXT "wild"'] });
  });

  it('gives NODATA when the wildcard lacks the type', () => {
    check(q('x.wild.example.org.', 'MX'), { authority: [SOA] });
  });

  it('does not apply to existing names or below them', () => {
    check(q('host.wild.example.org.', 'TXT'), { authority: [SOA] });
    check(q('x.host.wild.example.org.', 'A'), { rcode: Rcode.NXDOMAIN, authority: [SOA] });
  });

  it('answers the wildcard name itself like any name', () => {
    check(q('*.wild.example.org.', 'A'), { answer: ['*.wild.example.org. A 192.0.2.99'] });
  });

  it('synthesizes a CNAME and follows it', () => {
    check(q('a.cw.example.org.', 'A'), {
      answer: ['a.cw.example.org. CNAME www.example.org.', 'www.example.org. A 192.0.2.80'],
    });
    check(q('a.cw.example.org.', 'CNAME'), { answer: ['a.cw.example.org. CNAME www.example.org.'] });
  });
});

describe('Zone.lookup: the root zone', () => {
  const root = Zone.from(
    '.',
    parseZone(
      `$TTL 60
. SOA a.root-servers.net. nstld.verisign-grs.com. 1 2 3 4 5
. NS a.root-servers.net.
com. NS a.gtld-servers.net.
*. TXT "any tld"
alias. DNAME example.com.
`,
      { origin: '.' },
    ),
  );
  const ROOT_SOA = '. SOA a.root-servers.net. nstld.verisign-grs.com. 1 2 3 4 5';

  it('refers to a TLD and answers the wildcard "*." for everything else', () => {
    check(root.lookup('www.example.com.', 1), { aa: false, authority: ['com. NS a.gtld-servers.net.'] });
    check(root.lookup('net.', 16), { answer: ['net. TXT "any tld"'] });
    check(root.lookup('example.net.', 16), { answer: ['example.net. TXT "any tld"'] });
    check(root.lookup('net.', 1), { authority: [ROOT_SOA] });
    check(root.lookup('.', 6), { answer: [ROOT_SOA] });
  });

  it('substitutes a DNAME owned by a TLD, into a delegation of the same zone', () => {
    check(root.lookup('www.alias.', 1), {
      answer: ['alias. DNAME example.com.', 'www.alias. CNAME www.example.com.'],
      authority: ['com. NS a.gtld-servers.net.'],
    });
  });

  it('substitutes an apex DNAME of the root zone, and stops when it applies again and again', () => {
    const z = Zone.from(
      '.',
      parseZone('$TTL 60\n. SOA a. b. 1 2 3 4 5\n. NS a.\n. DNAME example.net.\n', { origin: '.' }),
    );
    const r = z.lookup('www.example.', 1);
    expect(r.answer.slice(0, 2).map(line)).toEqual([
      '. DNAME example.net.',
      'www.example. CNAME www.example.example.net.',
    ]);
    // Every substituted name is below the apex again: the chain ends at the hop limit or at
    // a name too long to substitute, whichever comes first.
    expect(r.answer.length).toBeLessThanOrEqual(2 * MAX_CHAIN);
    expect([Rcode.NOERROR, Rcode.YXDOMAIN]).toContain(r.rcode);
  });
});
