import { describe, expect, it } from 'vitest';
import { parseZone } from '../zonefile/reader.js';
import { Rcode, typeToNumber } from '../wire/constants.js';
import type { Nsec3Data, ResourceRecord } from '../wire/types.js';
import { encodeBase32Hex } from '../wire/presentation/binary-text.js';
import { base32hex, nsec3Hash } from './nsec3.js';
import { Zone } from './zone.js';

describe('nsec3Hash', () => {
  // RFC 5155 appendix A: salt aabbccdd, 12 iterations.
  const salt = Uint8Array.from([0xaa, 0xbb, 0xcc, 0xdd]);
  it.each([
    ['example.', '0p9mhaveqvm6t7vbl5lop2u3t2rp3tom'],
    ['a.example.', '35mthgpgcu1qg68fab165klnsnk3dpvl'],
    ['ai.example.', 'gjeqe526plbf1g8mklp59enfd789njgi'],
    ['ns1.example.', '2t7b4g4vsa5smi47k61mv5bv1a22bojr'],
    ['w.example.', 'k8udemvp1j2f7eg6jebps17vp3n8i58h'],
    ['*.w.example.', 'r53bq7cc2uvmubfu5ocmm6pers9tk9en'],
    ['x.w.example.', 'b4um86eghhds6nea196smvmlo4ors995'],
    ['X.W.Example.', 'b4um86eghhds6nea196smvmlo4ors995'],
    ['xx.example.', 't644ebqk9bibcna874givr6joj62mlhv'],
  ])('%s', (name, hash) => {
    expect(nsec3Hash(name, 1, 12, salt)).toBe(hash);
  });

  it('encodes base32hex like the codec does', () => {
    for (const bytes of [[], [0], [255], [1, 2, 3, 4, 5], [0xde, 0xad, 0xbe, 0xef, 0x01, 0x02]]) {
      expect(base32hex(Uint8Array.from(bytes))).toBe(encodeBase32Hex(Uint8Array.from(bytes)).toLowerCase());
    }
  });
});

/**
 * Builds an NSEC3 zone in memory (placeholder signatures): every authoritative name and
 * empty non-terminal gets an NSEC3; the insecure delegation none (opt-out).
 */
const SALT = 'abcd';
const NAMES: Record<string, string> = {
  'example.': 'NS SOA RRSIG NSEC3PARAM',
  'a.example.': 'A RRSIG',
  'b.example.': '',
  'c.b.example.': 'A RRSIG',
  'cut.example.': 'NS DS RRSIG',
  'w.example.': '',
  '*.w.example.': 'A TXT RRSIG',
  'x.w.example.': 'A RRSIG',
};

function buildZone(): Zone {
  const salt = Uint8Array.from([0xab, 0xcd]);
  const hashes = Object.keys(NAMES)
    .map((n) => [nsec3Hash(n, 1, 1, salt), n] as const)
    .sort((x, y) => (x[0] < y[0] ? -1 : 1));
  let text = `$ORIGIN example.
$TTL 3600
@ SOA ns.example.net. h 1 2 3 4 300
@ NS ns.example.net.
@ NSEC3PARAM 1 0 1 ${SALT}
@ RRSIG SOA 13 1 3600 20300101000000 20200101000000 1 example. AAAA
cut RRSIG DS 13 2 3600 20300101000000 20200101000000 1 example. AAAA
a A 192.0.2.1
c.b A 192.0.2.3
cut NS ns.cut
cut DS 1 13 2 0000000000000000000000000000000000000000000000000000000000000000
ns.cut A 192.0.2.53
insec NS ns.example.net.
*.w A 192.0.2.9
*.w TXT "wild"
x.w A 192.0.2.10
`;
  hashes.forEach(([h, n], i) => {
    const next = hashes[(i + 1) % hashes.length][0];
    text += `${h} NSEC3 1 1 1 ${SALT} ${next} ${NAMES[n]}\n`;
    text += `${h} RRSIG NSEC3 13 2 300 20300101000000 20200101000000 1 example. AAAA\n`;
  });
  return Zone.from('example.', parseZone(text, { origin: 'example.' }));
}

const zone = buildZone();
const SALT_BYTES = Uint8Array.from([0xab, 0xcd]);
const H = (name: string) => nsec3Hash(name, 1, 1, SALT_BYTES);

function nsec3s(r: ResourceRecord[]): Array<{ owner: string; next: string }> {
  return r
    .filter((x) => x.type === 'NSEC3')
    .map((x) => ({
      owner: x.name.split('.')[0].toLowerCase(),
      next: base32hex((x.data as Nsec3Data).nextDomain),
    }));
}

const matches = (set: Array<{ owner: string }>, name: string) => set.some((n) => n.owner === H(name));
const covers = (set: Array<{ owner: string; next: string }>, name: string) => {
  const h = H(name);
  return set.some((n) => (n.owner < n.next ? n.owner < h && h < n.next : h > n.owner || h < n.next));
};

describe('DNSSEC with NSEC3 (RFC 5155 7.2)', () => {
  const ask = (name: string, type: string) => zone.lookup(name, typeToNumber(type), { do: true });

  it('proves NXDOMAIN: closest encloser, next closer, wildcard', () => {
    const r = ask('nope.a.example.', 'A');
    expect(r.rcode).toBe(Rcode.NXDOMAIN);
    const set = nsec3s(r.authority);
    expect(matches(set, 'a.example.')).toBe(true);
    expect(covers(set, 'nope.a.example.')).toBe(true);
    expect(covers(set, '*.a.example.')).toBe(true);
    expect(r.authority.filter((x) => x.type === 'RRSIG').length).toBe(set.length + 1);
  });

  it('proves NXDOMAIN several labels below the closest encloser with the next closer name', () => {
    const set = nsec3s(ask('p.q.r.example.', 'A').authority);
    expect(matches(set, 'example.')).toBe(true);
    expect(covers(set, 'r.example.')).toBe(true);
    expect(covers(set, '*.example.')).toBe(true);
  });

  it('proves NODATA, also at an empty non-terminal, with the matching NSEC3', () => {
    for (const name of ['a.example.', 'b.example.']) {
      const r = ask(name, 'MX');
      expect(r.rcode).toBe(Rcode.NOERROR);
      expect(nsec3s(r.authority).map((n) => n.owner)).toEqual([H(name)]);
    }
  });

  it('proves a wildcard answer with the NSEC3 covering the next closer name', () => {
    const r = ask('y.w.example.', 'A');
    expect(r.answer.map((x) => x.type)).toEqual(['A']);
    const set = nsec3s(r.authority);
    expect(set).toHaveLength(1);
    expect(covers(set, 'y.w.example.')).toBe(true);
  });

  it('proves wildcard NODATA with the closest encloser proof and the wildcard NSEC3', () => {
    const set = nsec3s(ask('y.w.example.', 'MX').authority);
    expect(matches(set, 'w.example.')).toBe(true);
    expect(covers(set, 'y.w.example.')).toBe(true);
    expect(matches(set, '*.w.example.')).toBe(true);
  });

  it('proves an opt-out delegation with the closest provable encloser', () => {
    const r = ask('foo.insec.example.', 'A');
    expect(r.aa).toBe(false);
    const set = nsec3s(r.authority);
    expect(matches(set, 'example.')).toBe(true);
    expect(covers(set, 'insec.example.')).toBe(true);
  });

  it('puts DS in a signed referral without NSEC3', () => {
    const r = ask('foo.cut.example.', 'A');
    expect(r.authority.map((x) => x.type).sort()).toEqual(['DS', 'NS', 'RRSIG']);
  });

  it('answers NSEC3 owner names as non-existent', () => {
    expect(ask(`${H('a.example.')}.example.`, 'NSEC3').rcode).toBe(Rcode.NXDOMAIN);
  });
});
