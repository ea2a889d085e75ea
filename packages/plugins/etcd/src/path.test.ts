import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  cleanPath,
  domainOfKey,
  keyOfName,
  matchesWildcard,
  normalizePrefix,
  prefixEnd,
  segmentsOfName,
} from './path.js';

describe('SkyDNS keys', () => {
  it("reverses the labels under the prefix (the book's example)", () => {
    expect(keyOfName('users.services.example.com.', '/skydns')).toEqual({
      key: '/skydns/com/example/services/users',
      wildcard: false,
    });
    expect(keyOfName('.', '/skydns')).toEqual({ key: '/skydns', wildcard: false });
  });

  it("normalises the configured path as CoreDNS's path.Join does", () => {
    expect(normalizePrefix('skydns')).toBe('/skydns');
    expect(normalizePrefix('/skydns/')).toBe('/skydns');
    expect(normalizePrefix('//a//b/')).toBe('/a/b');
    expect(normalizePrefix('/')).toBe('/');
    expect(keyOfName('x.org.', '/')).toEqual({ key: '/org/x', wildcard: false });
    expect(cleanPath('/a/./b/../c')).toBe('/a/c');
  });

  it('stops the key at the wildcard label nearest the root', () => {
    expect(keyOfName('a.*.b.skydns.test.', '/skydns')).toEqual({
      key: '/skydns/test/skydns/b',
      wildcard: true,
    });
    expect(keyOfName('prod.any.skydns.test.', '/skydns')).toEqual({
      key: '/skydns/test/skydns',
      wildcard: true,
    });
    expect(segmentsOfName('prod.*.skydns.test.', '/skydns')).toEqual([
      '',
      'skydns',
      'test',
      'skydns',
      '*',
      'prod',
    ]);
  });

  it('matches keys against wildcard segments', () => {
    const segments = segmentsOfName('prod.*.skydns.test.', '/skydns');
    expect(matchesWildcard('/skydns/test/skydns/region1/prod', segments)).toBe(true);
    expect(matchesWildcard('/skydns/test/skydns/region1/prod/server1/a', segments)).toBe(true);
    expect(matchesWildcard('/skydns/test/skydns/region1/dev/a', segments)).toBe(false);
    expect(matchesWildcard('/skydns/test/skydns/region1', segments)).toBe(false);
  });

  it('turns keys back into names (the target of address hosts)', () => {
    expect(domainOfKey('/skydns/test/skydns/region1/prod/a', '/skydns')).toBe('a.prod.region1.skydns.test.');
    expect(domainOfKey('/skydns', '/skydns')).toBe('.');
    expect(domainOfKey('/a/b/test/x', '/a/b')).toBe('x.test.');
    expect(domainOfKey('/other/test', '/skydns')).toBeUndefined();
    expect(domainOfKey('/skydns/test/' + 'x'.repeat(64), '/skydns')).toBeUndefined();
  });

  it('gives the end of a prefix range', () => {
    expect(prefixEnd('/skydns/')).toBe('/skydns0');
    expect(prefixEnd('/a\xff')).toBe('/b');
    expect(prefixEnd('\xff')).toBe('\0');
  });
});

describe('keyOfName and path.Clean', () => {
  it('gives the cleaned key for any name, as path.Join would', () => {
    const label = fc
      .stringMatching(/^[a-z0-9/.*-]{1,6}$/)
      .filter((l) => !l.startsWith('.') && !l.endsWith('.') && !l.includes('..'));
    const names = fc.array(fc.oneof(label, fc.constant('..'), fc.constant('any')), { maxLength: 5 });
    fc.assert(
      fc.property(names, fc.constantFrom('/skydns', '/', '/a/b'), (labels, prefix) => {
        const escaped = labels.map((l) => l.replace(/\./g, '\\.'));
        const name = escaped.length === 0 ? '.' : escaped.join('.') + '.';
        const { key } = keyOfName(name, prefix);
        expect(key).toBe(cleanPath(key));
      }),
    );
  });
});
