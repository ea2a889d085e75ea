import { describe, expect, it } from 'vitest';
import { GenerateSyntaxError, GenerateTemplate, parseGenerateRange } from './generate.js';

const expand = (template: string, value: number): string => GenerateTemplate.compile(template).expand(value);

describe('$GENERATE ranges', () => {
  it('reads start-stop and start-stop/step', () => {
    expect(parseGenerateRange('1-10')).toEqual({ start: 1, stop: 10, step: 1 });
    expect(parseGenerateRange('0-254/2')).toEqual({ start: 0, stop: 254, step: 2 });
    expect(parseGenerateRange('7-7')).toEqual({ start: 7, stop: 7, step: 1 });
  });

  it.each(['', '1', '1-', '-1-5', '5-1', '1-5/0', '1-5/', 'a-b', '1-5/2x', '1-3000000000'])(
    'rejects %j',
    (text) => {
      expect(() => parseGenerateRange(text)).toThrow(GenerateSyntaxError);
    },
  );
});

describe('$GENERATE templates', () => {
  it('substitutes $ and keeps the rest', () => {
    expect(expand('host-$', 7)).toBe('host-7');
    expect(expand('$.$', 3)).toBe('3.3');
    expect(expand('plain', 3)).toBe('plain');
  });

  it('makes $$ a literal $ and copies backslash escapes unchanged', () => {
    expect(expand('a$$b', 1)).toBe('a$b');
    expect(expand('a\\$b$', 1)).toBe('a\\$b1');
    expect(expand('a\\\\$', 2)).toBe('a\\\\2');
  });

  it('applies offset, width and base', () => {
    expect(expand('${10}', 1)).toBe('11');
    expect(expand('${-1}', 0)).toBe('-1');
    expect(expand('${0,3}', 5)).toBe('005');
    expect(expand('${-10,4}', 5)).toBe('-005');
    expect(expand('${0,4,x}', 255)).toBe('00ff');
    expect(expand('${0,0,X}', 255)).toBe('FF');
    expect(expand('${0,3,o}', 8)).toBe('010');
    expect(expand('${0,0,d}', 42)).toBe('42');
  });

  it('prints nibbles least significant first for ip6.arpa names', () => {
    expect(expand('${0,0,n}', 0x1a)).toBe('a.1');
    expect(expand('${0,0,N}', 0xab)).toBe('B.A');
    expect(expand('${0,3,n}', 1)).toBe('1.0');
    expect(expand('${0,7,n}', 0x12)).toBe('2.1.0.0');
    // BIND leaves a trailing dot for an even width
    expect(expand('${0,2,n}', 1)).toBe('1.');
  });

  it.each(['${', '${1', '${x}', '${1,}', '${1,2,q}', '${1,2,x'])('rejects the modifier %j', (template) => {
    expect(() => GenerateTemplate.compile(template)).toThrow(GenerateSyntaxError);
  });

  it('rejects values beyond 32 bits and widths BIND cannot print', () => {
    expect(() => expand('${2147483647}', 1)).toThrow(GenerateSyntaxError);
    expect(() => GenerateTemplate.compile('${0,200}')).toThrow(GenerateSyntaxError);
  });
});
