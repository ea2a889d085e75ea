import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { NodeTable } from './node-table.js';
import { ZoneNode } from './node.js';

describe('NodeTable', () => {
  it('finds what was added, by an equal key that is another string', () => {
    const t = new NodeTable();
    const www = new ZoneNode('www.example.');
    t.add(www);
    t.add(new ZoneNode('example.'));
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
    for (const k of keys) t.add(new ZoneNode(k));
    expect(t.size).toBe(5000);
    expect(t.list.map((n) => n.key)).toEqual(keys);
    expect([...t.values()].map((n) => n.key)).toEqual(keys);
    for (const k of keys) expect(t.get(k)?.key).toBe(k);
    expect(t.get('h5000.example.')).toBeUndefined();
  });

  it('an indexed loop over list sees nodes added during it', () => {
    const t = new NodeTable();
    t.add(new ZoneNode('a.'));
    const seen: string[] = [];
    const list = t.list;
    for (let i = 0; i < list.length; i++) {
      seen.push(list[i].key);
      if (list[i].key.length < 4) t.add(new ZoneNode('a' + list[i].key));
    }
    expect(seen).toEqual(['a.', 'aa.', 'aaa.']);
  });

  it('answers like a Map for any set of keys (property)', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.string({ maxLength: 12 }), { maxLength: 300 }),
        fc.array(fc.string({ maxLength: 12 })),
        (added, probes) => {
          const t = new NodeTable();
          const m = new Map<string, ZoneNode>();
          for (const k of added) {
            const n = new ZoneNode(k);
            t.add(n);
            m.set(k, n);
          }
          expect(t.size).toBe(m.size);
          for (const k of [...added, ...probes]) expect(t.get(k)).toBe(m.get(k));
        },
      ),
    );
  });
});
