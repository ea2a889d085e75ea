import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { KeyStore, type Entry } from './store.js';

const entry = (key: string): Entry => ({ key, error: 'x' });

describe('KeyStore', () => {
  it('keeps keys in byte order and reads ranges like etcd', () => {
    const s = new KeyStore();
    for (const k of ['/a/b/c', '/a/b-c', '/a/b', '/a/c', '/a/b/d']) s.set(entry(k));
    expect([...s.entries()].map((e) => e.key)).toEqual(['/a/b', '/a/b-c', '/a/b/c', '/a/b/d', '/a/c']);
    const [from, to] = s.range('/a/b/', '/a/b0');
    expect([from, to]).toEqual([2, 4]);
    expect(s.get('/a/b')?.key).toBe('/a/b');
    expect(s.get('/a/x')).toBeUndefined();
    expect(s.delete('/a/b-c')?.key).toBe('/a/b-c');
    expect(s.delete('/a/b-c')).toBeUndefined();
    expect(s.size).toBe(4);
  });

  it('agrees with a sorted map under any sequence of writes', () => {
    const key = fc.stringMatching(/^\/[ab/\-0\xff]{0,5}$/);
    const op = fc.oneof(
      key.map((k) => ['set', k] as const),
      key.map((k) => ['delete', k] as const),
    );
    fc.assert(
      fc.property(fc.array(op, { maxLength: 60 }), key, (ops, probe) => {
        const s = new KeyStore();
        const model = new Set<string>();
        for (const [kind, k] of ops) {
          if (kind === 'set') {
            s.set(entry(k));
            model.add(k);
          } else {
            s.delete(k);
            model.delete(k);
          }
        }
        const sorted = [...model].sort();
        expect([...s.entries()].map((e) => e.key)).toEqual(sorted);
        const [from, to] = s.range(probe, probe + '\xff');
        expect(to - from).toBe(sorted.filter((k) => k >= probe && k < probe + '\xff').length);
      }),
    );
  });

  it('builds from sorted entries and refuses unsorted ones', () => {
    expect(KeyStore.fromSorted([entry('/a'), entry('/b')]).size).toBe(2);
    expect(() => KeyStore.fromSorted([entry('/b'), entry('/a')])).toThrow(RangeError);
  });
});
