import { describe, expect, it } from 'vitest';
import { formatFloat } from './format.js';

describe('formatFloat (Go strconv.FormatFloat(v, g, -1, 64))', () => {
  it.each([
    [0, '0'],
    [0.00025, '0.00025'],
    [0.0001, '0.0001'],
    [0.00001, '1e-05'],
    [1.5e-7, '1.5e-07'],
    [8.192, '8.192'],
    [16000, '16000'],
    [999999, '999999'],
    [1e6, '1e+06'],
    [1234567, '1.234567e+06'],
    [1e21, '1e+21'],
    [1e100, '1e+100'],
    [-2.5, '-2.5'],
    [-1e6, '-1e+06'],
    [Infinity, '+Inf'],
    [-Infinity, '-Inf'],
    [NaN, 'NaN'],
  ])('%s -> %s', (v, text) => {
    expect(formatFloat(v)).toBe(text);
  });
});
