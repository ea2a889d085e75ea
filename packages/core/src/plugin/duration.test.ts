import { describe, expect, it } from 'vitest';
import { DurationError, formatGoDuration, parseGoDuration } from './duration.js';

const S = 1e9;

describe('parseGoDuration', () => {
  it.each<[string, number]>([
    ['0', 0],
    ['-0', 0],
    ['5m', 300 * S],
    ['30s', 30 * S],
    ['1h30m', 5400 * S],
    ['1.5s', 1.5 * S],
    ['.5s', 0.5 * S],
    ['1.s', S],
    ['300ms', 0.3 * S],
    ['2us', 2000],
    ['2\u00b5s', 2000],
    ['2\u03bcs', 2000],
    ['7ns', 7],
    ['+1s', S],
    ['-1m', -60 * S],
    ['1h1m1s1ms1us1ns', 3661 * S + 1_001_001],
    ['0.1h', 360 * S],
    // Exact arithmetic, fractions of a nanosecond dropped, as Go does.
    ['1.0000000001s', S],
    ['1.9999999999s', 2 * S - 1],
    ['2562047h', 2562047 * 3600 * S],
  ])('%s', (text, ns) => {
    expect(parseGoDuration(text)).toBe(ns);
  });

  it.each([
    ['', 'invalid duration ""'],
    ['-', 'invalid duration "-"'],
    ['1', 'missing unit in duration "1"'],
    ['s', 'invalid duration "s"'],
    ['.s', 'invalid duration ".s"'],
    ['1x', 'unknown unit "x" in duration "1x"'],
    ['1 s', 'unknown unit " s" in duration "1 s"'],
    ['1.5.5s', 'missing unit in duration "1.5.5s"'],
    ['--1s', 'invalid duration "--1s"'],
    ['9223372036854775808ns', 'invalid duration "9223372036854775808ns"'],
    ['2562048h', 'invalid duration "2562048h"'],
  ])('rejects %j', (text, message) => {
    expect(() => parseGoDuration(text)).toThrow(DurationError);
    expect(() => parseGoDuration(text)).toThrow(`time: ${message}`);
  });
});

describe('formatGoDuration', () => {
  it.each<[number, string]>([
    [0, '0s'],
    [1, '1ns'],
    [999, '999ns'],
    [1000, '1\u00b5s'],
    [1500, '1.5\u00b5s'],
    [1.5e6, '1.5ms'],
    [0.3 * S, '300ms'],
    [S, '1s'],
    [1.5 * S, '1.5s'],
    [30 * S, '30s'],
    [300 * S, '5m0s'],
    [3600 * S, '1h0m0s'],
    [5400 * S, '1h30m0s'],
    [61 * S + 1, '1m1.000000001s'],
    [-1.5 * S, '-1.5s'],
    [(2 ** 31 - 1) * 1e6, '596h31m23.647s'],
  ])('%d ns -> %s', (ns, text) => {
    expect(formatGoDuration(ns)).toBe(text);
  });

  it('prints what parses back to the same value', () => {
    for (const text of ['5m', '1h30m', '1.5s', '300ms', '2us', '90s', '25h', '1h0m0.5s']) {
      const ns = parseGoDuration(text);
      expect(parseGoDuration(formatGoDuration(ns))).toBe(ns);
    }
  });
});
