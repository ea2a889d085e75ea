import { describe, expect, it } from 'vitest';
import {
  NameError,
  compareCanonical,
  isSubdomain,
  labelCount,
  nameEquals,
  nameKey,
  nameToCanonicalWire,
  nameWireLength,
  parentName,
  parseName,
  splitLabels,
} from './name.js';

describe('parseName', () => {
  it('keeps absolute names and case', () => {
    expect(parseName('WWW.Example.org.')).toBe('WWW.Example.org.');
    expect(parseName('.')).toBe('.');
  });
  it('joins relative names and @ to the origin', () => {
    expect(parseName('www', 'example.org.')).toBe('www.example.org.');
    expect(parseName('@', 'example.org.')).toBe('example.org.');
    expect(parseName('a.b', '.')).toBe('a.b.');
    expect(parseName('a.b')).toBe('a.b.');
  });
  it('normalises escapes', () => {
    expect(parseName('\\065bc.')).toBe('Abc.');
    expect(parseName('a\\046b.')).toBe('a\\.b.');
    expect(parseName('a\\.b.')).toBe('a\\.b.');
    expect(parseName('a\\ b.')).toBe('a\\032b.');
    expect(parseName('a b.')).toBe('a\\032b.');
    expect(parseName('a(b).')).toBe('a\\(b\\).');
    expect(parseName('\\a\\000.')).toBe('a\\000.');
    expect(parseName('x\\@\\$\\;\\"\\\\.')).toBe('x\\@\\$\\;\\"\\\\.');
    expect(parseName('\\255.')).toBe('\\255.');
  });
  it('rejects bad input with NameError', () => {
    for (const bad of ['', 'a..b.', '.a.', '..', 'a\\', 'a\\25', 'a\\256.', 'a\\2x5.', 'é.', 'a\tb.']) {
      expect(() => parseName(bad), bad).toThrow(NameError);
    }
    expect(() => parseName('@', 'relative')).toThrow(NameError);
  });
  it('enforces label and name lengths in wire octets', () => {
    const l63 = 'a'.repeat(63);
    expect(parseName(l63 + '.')).toBe(l63 + '.');
    expect(() => parseName('a'.repeat(64) + '.')).toThrow(/63/);
    // escapes count as one octet
    expect(parseName('\\000'.repeat(63) + '.')).toBe('\\000'.repeat(63) + '.');
    expect(() => parseName('\\000'.repeat(64) + '.')).toThrow(NameError);
    // 4 labels of 63 = 4*64 + 1 = 257 > 255; 3 labels of 63 + one of 61 = 255
    const max = [l63, l63, l63, 'a'.repeat(61)].join('.') + '.';
    expect(nameWireLength(parseName(max))).toBe(255);
    expect(() => parseName([l63, l63, l63, 'a'.repeat(62)].join('.') + '.')).toThrow(/255/);
    expect(() => parseName('a'.repeat(62), [l63, l63, l63].join('.') + '.')).toThrow(/255/);
    expect(parseName('a'.repeat(61), [l63, l63, l63].join('.') + '.')).toBe(
      ['a'.repeat(61), l63, l63, l63].join('.') + '.',
    );
  });
});

describe('name operations', () => {
  it('folds case for keys and equality', () => {
    expect(nameKey('WwW.Example.ORG.')).toBe('www.example.org.');
    // a capital only at the very end, none at all, and the letters either side of A-Z
    expect(nameKey('www.example.orG.')).toBe('www.example.org.');
    expect(nameKey('@[`{.example.')).toBe('@[`{.example.');
    expect(nameKey('\\065.example.')).toBe('\\065.example.');
    expect(nameEquals('WwW.Example.ORG.', 'www.example.org.')).toBe(true);
    expect(nameEquals('a.', 'b.')).toBe(false);
    expect(nameEquals('[.', '{.')).toBe(false);
  });
  it('tests subdomains on label boundaries', () => {
    expect(isSubdomain('www.example.org.', 'example.org.')).toBe(true);
    expect(isSubdomain('WWW.EXAMPLE.org.', 'example.ORG.')).toBe(true);
    expect(isSubdomain('example.org.', 'example.org.')).toBe(true);
    expect(isSubdomain('badexample.org.', 'example.org.')).toBe(false);
    expect(isSubdomain('a\\.example.org.', 'example.org.')).toBe(false);
    expect(isSubdomain('a\\\\.example.org.', 'example.org.')).toBe(true);
    expect(isSubdomain('org.', 'example.org.')).toBe(false);
    expect(isSubdomain('anything.', '.')).toBe(true);
  });
  it('counts, splits and strips labels', () => {
    expect(labelCount('.')).toBe(0);
    expect(labelCount('www.example.org.')).toBe(3);
    expect(labelCount('a\\.b.c.')).toBe(2);
    expect(splitLabels('a\\.b.c\\032d.')).toEqual(['a\\.b', 'c\\032d']);
    expect(splitLabels('.')).toEqual([]);
    expect(parentName('www.example.org.')).toBe('example.org.');
    expect(parentName('a\\.b.c.')).toBe('c.');
    expect(parentName('org.')).toBe('.');
    expect(() => parentName('.')).toThrow(NameError);
  });
  it('computes wire forms', () => {
    expect(nameWireLength('.')).toBe(1);
    expect(nameWireLength('a\\.b\\000.c.')).toBe(1 + 4 + 1 + 1 + 1);
    expect([...nameToCanonicalWire('Ab.C.')]).toEqual([2, 0x61, 0x62, 1, 0x63, 0]);
    expect([...nameToCanonicalWire('.')]).toEqual([0]);
    expect([...nameToCanonicalWire('a\\.\\255.')]).toEqual([3, 0x61, 0x2e, 0xff, 0]);
  });
  it('sorts in RFC 4034 canonical order', () => {
    // the example of RFC 4034 section 6.1
    const ordered = [
      'example.',
      'a.example.',
      'yljkjljk.a.example.',
      'Z.a.example.',
      'zABC.a.EXAMPLE.',
      'z.example.',
      '\\001.z.example.',
      '*.z.example.',
      '\\200.z.example.',
    ];
    const shuffled = [...ordered].reverse();
    expect(shuffled.sort(compareCanonical)).toEqual(ordered);
    expect(compareCanonical('.', 'a.')).toBeLessThan(0);
    expect(compareCanonical('A.', 'a.')).toBe(0);
    expect(compareCanonical('a\\.b.', 'a\\.b.')).toBe(0);
    expect(compareCanonical('b.', 'a.b.')).toBeLessThan(0);
    expect(compareCanonical('ab.', 'a.')).toBeGreaterThan(0);
  });
});
