import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { NodeTable } from './node-table.js';

describe('NodeTable', () => {
  it('makes a node once per key and finds it by an equal key that is another string', () => {
    const t = new NodeTable();
    const www = t.nodeFor('www.example.');
    expect(www.key).toBe('www.example.');
    expect(www.records).toEqual([]);
    expect(www.parent).toBeNull();
    t.nodeFor('example.');
    expect(t.nodeFor(['www', 'example', ''].join('.'))).toBe(www);
    expect(t.get(['www', 'example', ''].join('.'))).toBe(www);
    expect(t.get('example.')?.key).toBe('example.');
    expect(t.get('ftp.example.')).toBeUndefined();
    expect(t.get('')).toBeUndefined();
    expect(t.size).toBe(2);
  });

  it('keeps the order of adding, through growth, in list and values()', () => {
    const t = new NodeTable();
    const keys: string[] = [];
    for (let i = 0; i < 5000; i++) keys.push(`h${(i * 7919) % 5000}.example.`);
    const nodes = keys.map((k) => t.nodeFor(k));
    expect(t.size).toBe(5000);
    expect(t.list).toEqual(nodes);
    expect([...t.values()]).toEqual(nodes);
    for (let i = 0; i < keys.length; i++) {
      expect(t.get(keys[i])).toBe(nodes[i]);
      expect(t.nodeFor(keys[i])).toBe(nodes[i]);
    }
    expect(t.size).toBe(5000);
    expect(t.get('h5000.example.')).toBeUndefined();
  });

  it('an indexed loop over list sees nodes added during it', () => {
    const t = new NodeTable();
    t.nodeFor('a.');
    const seen: string[] = [];
    const list = t.list;
    for (let i = 0; i < list.length; i++) {
      seen.push(list[i].key);
      if (list[i].key.length < 4) t.nodeFor('a' + list[i].key);
    }
    expect(seen).toEqual(['a.', 'aa.', 'aaa.']);
  });

  it('hashes keys that share the suffix apart, and keys no longer than it whole', () => {
    const t = new NodeTable('example.'.length);
    const apex = t.nodeFor('example.');
    const names = ['a.example.', 'b.example.', 'ab.example.', 'e.', '.', 'a.example.org.'];
    const nodes = names.map((k) => t.nodeFor(k));
    expect(t.get('example.')).toBe(apex);
    names.forEach((k, i) => expect(t.get(k)).toBe(nodes[i]));
    expect(t.get('c.example.')).toBeUndefined();
    expect(t.size).toBe(7);
  });

  it('answers like a Map for any keys (property)', () => {
    const key = fc.oneof(
      fc.string({ maxLength: 12 }),
      fc.string({ maxLength: 4 }).map((s) => s + '.zone.'),
    );
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 8 }),
        fc.array(key, { maxLength: 300 }),
        fc.array(key),
        (suffixLength, added, probes) => {
          const t = new NodeTable(suffixLength);
          const m = new Map<string, unknown>();
          for (const k of added) {
            const n = t.nodeFor(k);
            if (!m.has(k)) m.set(k, n);
            expect(n).toBe(m.get(k));
          }
          expect(t.size).toBe(m.size);
          expect(t.list.map((n) => n.key)).toEqual([...m.keys()]);
          for (const k of probes) expect(t.get(k)).toBe(m.get(k));
        },
      ),
    );
  });
});
