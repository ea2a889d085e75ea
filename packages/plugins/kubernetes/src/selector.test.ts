import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SelectorError, parseLabelSelector } from './selector.js';

describe('parseLabelSelector', () => {
  it('reads the README example in canonical form', () => {
    const s = parseLabelSelector('environment in (staging, qa),application=nginx');
    expect(s.requirements).toEqual([
      { key: 'application', op: 'in', values: ['nginx'] },
      { key: 'environment', op: 'in', values: ['qa', 'staging'] },
    ]);
    expect(s.toString()).toBe('application=nginx,environment in (qa,staging)');
  });

  it('reads every operator', () => {
    expect(parseLabelSelector('a==1, b!=2, c notin (x,y,x), d, !e, f=').toString()).toBe(
      'a=1,b!=2,c notin (x,y),d,!e,f=',
    );
    expect(parseLabelSelector('example.com/tier in (front)').toString()).toBe('example.com/tier=front');
    expect(
      parseLabelSelector('istio-injection=enabled').and({ key: 'x', op: 'exists', values: [] }).toString(),
    ).toBe('istio-injection=enabled,x');
  });

  it('rejects malformed expressions with a reason', () => {
    const cases: [string, RegExp][] = [
      ['', /empty/],
      ['a=b,', /trailing/],
      ['a in b', /expected '\('/],
      ['a in (b', /end of selector/],
      ['a in (b c)', /expected ',' or '\)'/],
      ['a b', /expected an operator/],
      ['a=b c', /expected ','/],
      ['-a=b', /invalid label key/],
      ['a=-b', /invalid label value/],
      ['=b', /expected a label key/],
      ['Bad_Prefix/a=b', /invalid label key/],
      ['a=' + 'x'.repeat(64), /invalid label value/],
    ];
    for (const [text, why] of cases) expect(() => parseLabelSelector(text), text).toThrow(why);
  });

  it('fails only with SelectorError, and what it accepts reparses to itself', () => {
    const pieces = fc.constantFrom(
      'a',
      'b.c/d',
      '=',
      '==',
      '!=',
      '!',
      ',',
      '(',
      ')',
      ' ',
      'in',
      'notin',
      'x1',
      '-',
    );
    fc.assert(
      fc.property(fc.array(pieces, { maxLength: 12 }), (parts) => {
        const text = parts.join('');
        let canonical: string;
        try {
          canonical = parseLabelSelector(text).toString();
        } catch (e) {
          expect(e).toBeInstanceOf(SelectorError);
          return;
        }
        expect(parseLabelSelector(canonical).toString()).toBe(canonical);
      }),
    );
  });
});
