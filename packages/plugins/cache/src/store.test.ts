import { describe, expect, it } from 'vitest';
import { BoundedStore, effectiveCapacity } from './store.js';

describe('effectiveCapacity', () => {
  it('counts entries as CoreDNS shards them', () => {
    expect(effectiveCapacity(10_000)).toBe(9984);
    expect(effectiveCapacity(5000)).toBe(4864);
    expect(effectiveCapacity(2048)).toBe(2048);
    expect(effectiveCapacity(1)).toBe(1024);
    expect(effectiveCapacity(0)).toBe(1024);
  });
});

describe('BoundedStore', () => {
  it('evicts the entry stored longest ago when full', () => {
    const s = new BoundedStore<number>(3);
    expect(s.set('a', 1)).toBe(false);
    expect(s.set('b', 2)).toBe(false);
    expect(s.set('c', 3)).toBe(false);
    expect(s.set('d', 4)).toBe(true);
    expect([...s.keys()]).toEqual(['b', 'c', 'd']);
    expect(s.get('a')).toBeUndefined();
    expect(s.size).toBe(3);
  });

  it('moves a key stored again to the newest place without evicting', () => {
    const s = new BoundedStore<number>(3);
    s.set('a', 1);
    s.set('b', 2);
    s.set('c', 3);
    expect(s.set('a', 10)).toBe(false);
    expect(s.get('a')).toBe(10);
    expect(s.set('d', 4)).toBe(true);
    expect([...s.keys()]).toEqual(['c', 'a', 'd']);
  });

  it('never holds more than its capacity', () => {
    const s = new BoundedStore<number>(7);
    let evictions = 0;
    for (let i = 0; i < 1000; i++) if (s.set(`k${i % 50}`, i)) evictions++;
    expect(s.size).toBe(7);
    expect(evictions).toBeGreaterThan(0);
  });

  it('rejects a capacity below one', () => {
    expect(() => new BoundedStore(0)).toThrow(RangeError);
  });
});
