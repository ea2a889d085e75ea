import { describe, expect, it } from 'vitest';
import { cacheKey } from './key.js';

describe('cacheKey', () => {
  it('separates the DO and CD bits, type and class', () => {
    const keys = new Set([
      cacheKey('a.org.', 'A', 'IN', false, false),
      cacheKey('a.org.', 'A', 'IN', true, false),
      cacheKey('a.org.', 'A', 'IN', false, true),
      cacheKey('a.org.', 'A', 'IN', true, true),
      cacheKey('a.org.', 'AAAA', 'IN', false, false),
      cacheKey('a.org.', 'A', 'CH', false, false),
      cacheKey('b.org.', 'A', 'IN', false, false),
    ]);
    expect(keys.size).toBe(7);
  });

  it('keeps names with spaces apart: type and class mnemonics never contain one', () => {
    expect(cacheKey('a b.', 'A', 'IN', false, false)).not.toBe(cacheKey('b.', 'A', 'IN', false, false));
    expect(cacheKey('IN a.', 'A', 'IN', false, false)).not.toBe(cacheKey('a.', 'A', 'IN', false, false));
  });
});
