import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatSigTime, parseSigTime } from './sig-time.js';

describe('RRSIG times', () => {
  it.each([
    ['20240101000000', 1704067200],
    ['19700101000000', 0],
    ['21060207062815', 4294967295],
    ['20240229235959', 1709251199],
    ['1704067200', 1704067200],
    ['0', 0],
    ['4294967295', 4294967295],
  ])('%s = %d', (text, seconds) => {
    expect(parseSigTime(text)).toBe(seconds);
  });

  it('wraps dates outside 1970-2106 modulo 2^32 as BIND stores them', () => {
    expect(parseSigTime('21060207062816')).toBe(0);
    expect(parseSigTime('19691231235959')).toBe(4294967295);
    expect(parseSigTime('00000101000000')).toBe(((-62167219200 % 2 ** 32) + 2 ** 32) % 2 ** 32);
  });

  it('accepts a leap second as the next minute', () => {
    expect(parseSigTime('20161231235960')).toBe(1483228800);
  });

  it.each([
    ['', /empty time/],
    ['2024010100000', /expected 14 digits/],
    ['2024-01-01', /expected YYYYMMDDHHmmSS or seconds/],
    ['+100', /expected YYYYMMDDHHmmSS or seconds/],
    ['4294967296', /out of range/],
    ['20241301000000', /invalid month/],
    ['20240001000000', /invalid month/],
    ['20230229000000', /invalid day/],
    ['20240431000000', /invalid day/],
    ['20240100000000', /invalid day/],
    ['20240101240000', /invalid hour/],
    ['20240101006000', /invalid minute/],
    ['20240101000061', /invalid second/],
  ])('rejects %j', (text, message) => {
    expect(parseSigTime(text)).toMatch(message);
  });

  it('formats in UTC as YYYYMMDDHHmmSS', () => {
    expect(formatSigTime(0)).toBe('19700101000000');
    expect(formatSigTime(1704067200)).toBe('20240101000000');
    expect(formatSigTime(4294967295)).toBe('21060207062815');
  });

  it('formats and parses back every 32-bit value', () => {
    fc.assert(fc.property(fc.nat({ max: 0xffffffff }), (n) => {
        expect(parseSigTime(formatSigTime(n))).toBe(n);
      }));
  });
});
