import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatTtl, parseTtl, TtlError, tryParseTtl } from './ttl.js';

describe('parseTtl', () => {
  it.each([
    ['0', 0],
    ['3600', 3600],
    ['4294967295', 4294967295],
    ['1s', 1],
    ['1m', 60],
    ['1h30m', 5400],
    ['1H30M', 5400],
    ['1W2D', 777600],
    ['2w', 1209600],
    ['7d', 604800],
    ['1h1h', 7200],
    ['1d2h3m4s', 93784],
    ['0010', 10],
  ])('%s = %d seconds', (text, seconds) => {
    expect(parseTtl(text)).toBe(seconds);
  });

  it.each([
    ['', /empty TTL/],
    ['1h30', /number without unit after a unit/],
    ['h', /expected a number at position 1/],
    ['1hm', /expected a number at position 3/],
    ['1x', /unknown unit "x"/],
    ['-1', /expected a number/],
    ['4294967296', /out of range/],
    ['7102w', /out of range/],
    ['99999999999999999999', /out of range/],
    ['1 h', /unknown unit " "/],
  ])('rejects %j', (text, message) => {
    expect(() => parseTtl(text)).toThrow(TtlError);
    expect(() => parseTtl(text)).toThrow(message);
    expect(typeof tryParseTtl(text)).toBe('string');
  });
});

describe('formatTtl', () => {
  it.each([
    [0, '0s'],
    [1, '1s'],
    [5400, '1h30m'],
    [777600, '1w2d'],
    [93784, '1d2h3m4s'],
  ])('%d -> %s', (seconds, text) => {
    expect(formatTtl(seconds)).toBe(text);
  });
  it('rejects values outside 32 bits', () => {
    expect(() => formatTtl(-1)).toThrow(TtlError);
    expect(() => formatTtl(2 ** 32)).toThrow(TtlError);
    expect(() => formatTtl(1.5)).toThrow(TtlError);
  });
  it('reads back with parseTtl', () => {
    fc.assert(fc.property(fc.nat({ max: 0xffffffff }), (n) => {
        expect(parseTtl(formatTtl(n))).toBe(n);
      }));
  });
});
