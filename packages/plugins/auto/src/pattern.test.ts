import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { OriginPattern, OriginPatternError } from './pattern.js';

describe('OriginPattern', () => {
  it('defaults to db\\.(.*) with {1}, lowercased and absolute', () => {
    const p = OriginPattern.DEFAULT;
    expect(p.origin('db.example.org')).toBe('example.org.');
    expect(p.origin('db.Example.ORG.')).toBe('example.org.');
    // Go's regexp matches anywhere in the name, so CoreDNS reads this one too.
    expect(p.origin('www.db.example.org')).toBe('example.org.');
    expect(p.origin('example.org.zone')).toBeUndefined();
    // "db." makes no name: the root zone is never picked up by accident.
    expect(p.origin('db.')).toBeUndefined();
  });

  it('fills ORIGIN_TEMPLATE with numbered and named groups (the book, example 4-9)', () => {
    expect(new OriginPattern('(.*)\\.zone', '{1}').origin('example.net.zone')).toBe('example.net.');
    expect(new OriginPattern('^(\\w+)_(\\w+)\\.db$', '{2}.{1}.example').origin('www_mail.db')).toBe(
      'mail.www.example.',
    );
    expect(new OriginPattern('(?P<zone>[a-z.]+)\\.db$', '{zone}').origin('a.b.db')).toBe('a.b.');
    expect(new OriginPattern('(?i)^DB\\.(.*)', '{1}').origin('db.x.org')).toBe('x.org.');
    // Text around the references is kept; braces that are no reference are literal.
    expect(new OriginPattern('^z-(.*)$', 'sub.{1}').origin('z-example.org')).toBe('sub.example.org.');
  });

  it('gives no origin when the template makes no valid name', () => {
    const p = new OriginPattern('^(.*)\\.zone$', '{1}');
    expect(p.origin(`${'a'.repeat(64)}.zone`)).toBeUndefined();
    expect(p.origin('a..b.zone')).toBeUndefined();
  });

  it('rejects a bad REGEXP, one without groups, and references to groups it lacks', () => {
    expect(() => new OriginPattern('db\\.(.*', '{1}')).toThrow(OriginPatternError);
    expect(() => new OriginPattern('db\\..*', '{1}')).toThrow(/needs at least one sub expression/);
    expect(() => new OriginPattern('db\\.(.*)', '{2}')).toThrow(/refers to \{2\}/);
    expect(() => new OriginPattern('db\\.(.*)', '{name}')).toThrow(/refers to \{name\}/);
  });

  it('never throws on any file name (property)', () => {
    const patterns = [OriginPattern.DEFAULT, new OriginPattern('(.*)\\.(zone|db)', '{1}.{2}')];
    fc.assert(
      fc.property(fc.string({ maxLength: 300 }), (name) => {
        for (const p of patterns) {
          const o = p.origin(name);
          if (o !== undefined) expect(o.endsWith('.')).toBe(true);
        }
      }),
    );
  });
});
