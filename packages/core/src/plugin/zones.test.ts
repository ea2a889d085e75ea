import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { matchZone } from './zones.js';

describe('matchZone', () => {
  const zones = ['example.org.', 'sub.example.org.', '.', 'example.net.'];

  it('returns the most specific zone the name is in', () => {
    expect(matchZone(zones, 'www.sub.example.org.')).toBe('sub.example.org.');
    expect(matchZone(zones, 'sub.example.org.')).toBe('sub.example.org.');
    expect(matchZone(zones, 'xsub.example.org.')).toBe('example.org.');
    expect(matchZone(zones, 'example.org.')).toBe('example.org.');
    expect(matchZone(zones, 'WWW.Example.NET.')).toBe('example.net.');
    expect(matchZone(zones, 'example.com.')).toBe('.');
  });

  it('returns undefined when no zone covers the name', () => {
    expect(matchZone(['example.org.'], 'example.com.')).toBeUndefined();
    expect(matchZone(['example.org.'], 'org.')).toBeUndefined();
    expect(matchZone([], 'example.org.')).toBeUndefined();
  });

  it('does not match across an escaped dot', () => {
    // 'www\\.example.org.' has two labels: 'www.example' and 'org'
    expect(matchZone(['example.org.'], 'www\\.example.org.')).toBeUndefined();
    expect(matchZone(['example.org.', 'org.'], 'www\\.example.org.')).toBe('org.');
    expect(matchZone(['www.example.org.'], 'a\\.www.example.org.')).toBeUndefined();
    expect(matchZone(['www.example.org.', 'example.org.'], 'a\\.www.example.org.')).toBe('example.org.');
    expect(matchZone(['example.org.'], 'wwwexample.org.')).toBeUndefined();
  });

  it('agrees with a label-by-label reference (property)', () => {
    const label = fc.constantFrom('a', 'b', 'ab', 'B');
    const name = fc.array(label, { maxLength: 4 }).map((l) => (l.length === 0 ? '.' : l.join('.') + '.'));
    fc.assert(
      fc.property(fc.array(name, { maxLength: 5 }), name, (zs, n) => {
        const labels = (s: string) => (s === '.' ? [] : s.toLowerCase().slice(0, -1).split('.'));
        const inZone = (z: string) => {
          const zl = labels(z);
          const nl = labels(n);
          return zl.length <= nl.length && zl.every((x, i) => x === nl[nl.length - zl.length + i]);
        };
        const expected = zs.filter(inZone).sort((a, b) => labels(b).length - labels(a).length)[0];
        const got = matchZone(zs, n);
        expect(got === undefined ? undefined : labels(got)).toEqual(
          expected === undefined ? undefined : labels(expected),
        );
      }),
    );
  });
});
