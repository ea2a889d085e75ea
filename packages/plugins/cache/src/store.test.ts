import { describe, expect, it } from 'vitest';
import { BoundedStore, cacheBits, effectiveCapacity, type CacheKey } from './store.js';

const k = (name: string, qtype = 'A', bits = 0, qclass = 'IN'): CacheKey => ({ name, qtype, qclass, bits });
const names = (s: BoundedStore<unknown>) =>
  [...s.keys()].map((key) => `${key.name}/${key.qtype}/${key.bits}`);

describe('effectiveCapacity', () => {
  it('counts entries as CoreDNS shards them', () => {
    expect(effectiveCapacity(10_000)).toBe(9984);
    expect(effectiveCapacity(5000)).toBe(4864);
    expect(effectiveCapacity(2048)).toBe(2048);
    expect(effectiveCapacity(1)).toBe(1024);
    expect(effectiveCapacity(0)).toBe(1024);
  });
});

describe('cacheBits', () => {
  it('gives each DO/CD combination its own value', () => {
    expect(
      new Set([
        cacheBits(false, false),
        cacheBits(true, false),
        cacheBits(false, true),
        cacheBits(true, true),
      ]).size,
    ).toBe(4);
  });
});

describe('BoundedStore', () => {
  it('keeps type, class and DO/CD variants of a name apart', () => {
    const s = new BoundedStore<number>(10);
    s.set(k('a.'), 1);
    s.set(k('a.', 'AAAA'), 2);
    s.set(k('a.', 'A', 1), 3);
    s.set(k('a.', 'A', 0, 'CH'), 4);
    s.set(k('b.'), 5);
    expect([
      s.get('a.', 'A', 'IN', 0),
      s.get('a.', 'AAAA', 'IN', 0),
      s.get('a.', 'A', 'IN', 1),
      s.get('a.', 'A', 'CH', 0),
    ]).toEqual([1, 2, 3, 4]);
    expect(s.get('a.', 'A', 'IN', 2)).toBeUndefined();
    expect(s.get('c.', 'A', 'IN', 0)).toBeUndefined();
    expect(s.size).toBe(5);
  });

  it('evicts the entry stored longest ago when full', () => {
    const s = new BoundedStore<number>(3);
    expect(s.set(k('a.'), 1)).toBe(false);
    expect(s.set(k('b.'), 2)).toBe(false);
    expect(s.set(k('b.', 'AAAA'), 3)).toBe(false);
    expect(s.set(k('d.'), 4)).toBe(true);
    expect(names(s)).toEqual(['b./A/0', 'b./AAAA/0', 'd./A/0']);
    expect(s.get('a.', 'A', 'IN', 0)).toBeUndefined();
    expect(s.size).toBe(3);
  });

  it('makes a key stored again the newest without evicting', () => {
    const s = new BoundedStore<number>(3);
    s.set(k('a.'), 1);
    s.set(k('b.'), 2);
    s.set(k('c.'), 3);
    expect(s.set(k('a.'), 10)).toBe(false);
    expect(s.get('a.', 'A', 'IN', 0)).toBe(10);
    expect(s.set(k('d.'), 4)).toBe(true);
    expect(names(s)).toEqual(['c./A/0', 'a./A/0', 'd./A/0']);
  });

  it('deletes entries and keeps the age order intact', () => {
    const s = new BoundedStore<number>(4);
    for (const n of ['a.', 'b.', 'c.', 'd.']) s.set(k(n), 0);
    expect(s.delete(k('b.'))).toBe(true);
    expect(s.delete(k('b.'))).toBe(false);
    expect(s.delete(k('a.'))).toBe(true);
    expect(s.delete(k('d.'))).toBe(true);
    expect(names(s)).toEqual(['c./A/0']);
    s.set(k('e.'), 0);
    expect(names(s)).toEqual(['c./A/0', 'e./A/0']);
    expect(s.size).toBe(2);
  });

  it('never holds more than its capacity, under any mix of operations', () => {
    const s = new BoundedStore<number>(7);
    let evictions = 0;
    for (let i = 0; i < 5000; i++) {
      const key = k(`k${(i * 7919) % 50}.`, i % 3 === 0 ? 'AAAA' : 'A', i % 4);
      if (i % 5 === 0) s.delete(key);
      else if (s.set(key, i)) evictions++;
      expect(s.size).toBeLessThanOrEqual(7);
      expect([...s.keys()]).toHaveLength(s.size);
    }
    expect(evictions).toBeGreaterThan(0);
  });

  it('rejects a capacity below one', () => {
    expect(() => new BoundedStore(0)).toThrow(RangeError);
  });
});
