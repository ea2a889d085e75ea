import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { parseZone } from '../zonefile/reader.js';
import { createOpt } from '../wire/edns.js';
import type { ResourceRecord } from '../wire/types.js';
import { Zone } from './zone.js';
import { nameKey, parentName, parseName } from '../wire/name.js';
import { ZoneError } from './errors.js';

const HEAD = `$ORIGIN example.org.
$TTL 3600
@ SOA ns1 hostmaster 7 7200 3600 1209600 300
@ NS ns1
ns1 A 192.0.2.1
`;

function records(text: string): ResourceRecord[] {
  return parseZone(text, { origin: 'example.org.' });
}

function build(text: string): Zone {
  return Zone.from('example.org.', records(text));
}

function buildError(text: string): ZoneError {
  try {
    build(text);
  } catch (e) {
    if (e instanceof ZoneError) return e;
    throw e;
  }
  throw new Error('the zone was accepted');
}

describe('Zone building and validation', () => {
  it('accepts a minimal zone and reports serial, class and size', () => {
    const z = build(HEAD);
    expect(z.serial).toBe(7);
    expect(z.class).toBe('IN');
    expect(z.size).toBe(3);
    expect(z.sealed).toBe(true);
    expect(z.origin).toBe('example.org.');
  });

  it('rejects a zone without SOA', () => {
    expect(buildError('$ORIGIN example.org.\n@ 60 NS ns1\n').reason).toMatch(/no SOA/);
  });

  it('rejects a zone without NS at the apex', () => {
    expect(buildError('$ORIGIN example.org.\n@ 60 SOA ns1 h 1 2 3 4 5\n').reason).toMatch(/no NS/);
  });

  it('rejects an SOA below the apex and a second SOA, but collapses an identical one', () => {
    expect(buildError(HEAD + 'sub SOA ns1 h 1 2 3 4 5\n').reason).toMatch(/not at the zone apex/);
    expect(buildError(HEAD + '@ SOA ns1 hostmaster 8 7200 3600 1209600 300\n').reason).toMatch(
      /more than one SOA/,
    );
    expect(build(HEAD + '@ SOA ns1 hostmaster 7 7200 3600 1209600 300\n').size).toBe(3);
  });

  it('enforces CNAME exclusivity in either order, allowing RRSIG and NSEC beside it', () => {
    expect(buildError(HEAD + 'a CNAME ns1\na A 192.0.2.2\n').reason).toMatch(/CNAME and other data \(A\)/);
    expect(buildError(HEAD + 'a A 192.0.2.2\na CNAME ns1\n').reason).toMatch(/CNAME and other data \(A\)/);
    expect(buildError(HEAD + 'a CNAME ns1\na CNAME www\n').reason).toMatch(/more than one CNAME/);
    expect(buildError(HEAD + '@ CNAME ns1\n').reason).toMatch(/CNAME and other data/);
    const z = build(
      HEAD +
        'a CNAME ns1\na NSEC ns1 CNAME RRSIG NSEC\n' +
        'a RRSIG CNAME 13 3 3600 20300101000000 20200101000000 1 example.org. AAAA\n',
    );
    expect(z.size).toBe(6);
  });

  it('rejects a second DNAME at one name', () => {
    expect(buildError(HEAD + 'd DNAME a.example.\nd DNAME b.example.\n').reason).toMatch(
      /more than one DNAME/,
    );
  });

  it('rejects records outside the zone, naming where they came from', () => {
    const z = new Zone('example.org.');
    const outside: ResourceRecord = {
      name: 'www.example.net.',
      type: 'A',
      class: 'IN',
      ttl: 60,
      data: '192.0.2.1',
    };
    expect(() => z.add(outside, 'db.example.org:12')).toThrow(ZoneError);
    expect(() => z.add(outside, 'db.example.org:12')).toThrow(
      /^db\.example\.org:12: zone example\.org\.: www\.example\.net\. A: owner is outside the zone$/,
    );
  });

  it('rejects a record of another class and OPT records', () => {
    const z = new Zone('example.org.');
    z.add({ name: 'example.org.', type: 'A', class: 'IN', ttl: 60, data: '192.0.2.1' });
    expect(() => z.add({ name: 'example.org.', type: 'A', class: 'CH', ttl: 60, data: '192.0.2.1' })).toThrow(
      /class CH/,
    );
    expect(() => z.add(createOpt({ udpPayloadSize: 512 }))).toThrow(/OPT/);
  });

  it('drops exact duplicates, comparing names in rdata without regard to case', () => {
    const z = build(
      HEAD +
        'www A 192.0.2.80\nwww A 192.0.2.80\nmx MX 10 MAIL.example.org.\nmx MX 10 mail.example.org.\nt TXT "a"\nt TXT "A"\n',
    );
    expect(z.size).toBe(3 + 1 + 1 + 2);
  });

  it('refuses changes after sealing and lookups before', () => {
    const z = new Zone('example.org.');
    for (const r of records(HEAD)) z.add(r);
    expect(() => z.lookup('example.org.', 6)).toThrow(/not sealed/);
    z.seal();
    expect(() => z.add(records(HEAD)[2])).toThrow(/sealed/);
  });

  it('iterates records in transfer order: SOA first and last, everything else once', () => {
    const z = build(HEAD + 'www A 192.0.2.80\na.b.c TXT "deep"\n');
    const all = [...z.records()];
    expect(all.length).toBe(z.size + 1);
    expect(all[0].type).toBe('SOA');
    expect(all[all.length - 1].type).toBe('SOA');
    expect(all.slice(1, -1).filter((r) => r.type === 'SOA')).toHaveLength(0);
    expect(all.map((r) => r.name)).toContain('a.b.c.example.org.');
  });

  it('transfers NSEC3 records too, though lookups never see their owners', () => {
    const z = build(
      HEAD +
        '@ NSEC3PARAM 1 0 0 -\n' +
        '0p9mhaveqvm6t7vbl5lop2u3t2rp3tom NSEC3 1 0 0 - 2t7b4g4vsa5smi47k61mv5bv1a22bojr NS SOA RRSIG NSEC3PARAM\n',
    );
    expect([...z.records()].map((r) => r.type)).toContain('NSEC3');
    expect(z.lookup('0p9mhaveqvm6t7vbl5lop2u3t2rp3tom.example.org.', 50).rcode).toBe(3);
  });

  it('refuses names outside the zone at lookup', () => {
    const r = build(HEAD).lookup('www.example.net.', 1);
    expect(r.rcode).toBe(5);
    expect(r.aa).toBe(false);
  });

  it('rejects NSEC3 parameters it cannot hash with', () => {
    const e = buildError(
      HEAD +
        '@ NSEC3PARAM 2 0 0 -\n0p9mhaveqvm6t7vbl5lop2u3t2rp3tom NSEC3 2 0 0 - 2t7b4g4vsa5smi47k61mv5bv1a22bojr NS\n',
    );
    expect(e.reason).toMatch(/unsupported NSEC3 hash algorithm 2/);
  });

  it('links every name to its parent, escaped dots and backslashes in labels too (property)', () => {
    // Labels whose escapes put a dot or a backslash where a quick suffix test could be fooled.
    const label = fc
      .array(fc.constantFrom('a', 'B', '\\.', '\\\\', '\\046', '\\092', '-'), { minLength: 1, maxLength: 4 })
      .map((parts) => parts.join(''));
    const owner = fc.array(label, { minLength: 1, maxLength: 4 }).map((labels) => labels.join('.'));
    fc.assert(
      fc.property(fc.uniqueArray(owner, { maxLength: 20 }), (owners) => {
        const zone = build(HEAD + owners.map((o) => `${o} TXT x`).join('\n') + '\n');
        for (const node of zone.nodes.values()) {
          if (node === zone.apex) continue;
          expect(node.parent).toBe(zone.nodes.get(parentName(node.key)));
        }
        for (const o of owners)
          expect(zone.nodes.get(nameKey(parseName(o, 'example.org.')))?.empty).toBe(false);
      }),
    );
  });
});
