import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ResourceRecord } from '../wire/types.js';
import {
  ZoneHistory,
  ZoneVersionError,
  compareSerials,
  diffZones,
  type ZoneDiff,
} from './transfer-history.js';
import { a, hosts, soa, txt } from './test-support/transfer.js';

const Z = 'example.org.';

describe('compareSerials (RFC 1982)', () => {
  it('orders serials across the wrap', () => {
    expect(compareSerials(1, 1)).toBe(0);
    expect(compareSerials(2, 1)).toBeGreaterThan(0);
    expect(compareSerials(1, 2)).toBeLessThan(0);
    expect(compareSerials(0, 0xffffffff)).toBeGreaterThan(0);
    expect(compareSerials(0xffffffff, 0)).toBeLessThan(0);
    expect(compareSerials(0x7fffffff, 0)).toBeGreaterThan(0);
    expect(compareSerials(0x80000001, 0)).toBeLessThan(0);
  });

  it('never calls two serials 2^31 apart newer than each other', () => {
    expect(compareSerials(0x80000000, 0)).toBeLessThan(0);
    expect(compareSerials(0, 0x80000000)).toBeLessThan(0);
  });

  it('is antisymmetric wherever it is defined', () => {
    fc.assert(
      fc.property(fc.nat(0xffffffff), fc.nat(0xffffffff), fc.boolean(), (x, other, same) => {
        const y = same ? x : other;
        if ((x - y) >>> 0 === 0x80000000) return;
        expect(Math.sign(compareSerials(x, y)) + Math.sign(compareSerials(y, x))).toBe(0);
      }),
    );
  });
});

describe('diffZones', () => {
  it('lists removed and added records, leaving SOAs out', () => {
    const before = [soa(Z, 1), a(`www.${Z}`, '192.0.2.1'), a(`mail.${Z}`, '192.0.2.2'), soa(Z, 1)];
    const after = [soa(Z, 2), a(`www.${Z}`, '192.0.2.1'), a(`ftp.${Z}`, '192.0.2.3')];
    const d = diffZones(before, after);
    expect(d.from.data.serial).toBe(1);
    expect(d.to.data.serial).toBe(2);
    expect(d.deleted).toEqual([a(`mail.${Z}`, '192.0.2.2')]);
    expect(d.added).toEqual([a(`ftp.${Z}`, '192.0.2.3')]);
  });

  it('treats a TTL change as delete and add, and owner case as the same record', () => {
    const d = diffZones(
      [soa(Z, 1), a(`www.${Z}`, '192.0.2.1', 300), a(`Mail.${Z}`, '192.0.2.2')],
      [soa(Z, 2), a(`www.${Z}`, '192.0.2.1', 600), a(`mail.${Z}`, '192.0.2.2')],
    );
    expect(d.deleted).toEqual([a(`www.${Z}`, '192.0.2.1', 300)]);
    expect(d.added).toEqual([a(`www.${Z}`, '192.0.2.1', 600)]);
  });

  it('adds a record repeated in the next version once', () => {
    const d = diffZones([soa(Z, 1)], [soa(Z, 2), txt(Z, 'x'), txt(Z, 'x')]);
    expect(d.added).toEqual([txt(Z, 'x')]);
  });

  it('needs an SOA in both versions', () => {
    expect(() => diffZones([a(`www.${Z}`, '192.0.2.1')], [soa(Z, 2)])).toThrow(ZoneVersionError);
    expect(() => diffZones([soa(Z, 1)], [])).toThrow(ZoneVersionError);
  });

  it('applied to the old version gives the new one (property)', () => {
    const record = fc
      .tuple(fc.constantFrom('a', 'b', 'c', 'd'), fc.nat(7), fc.constantFrom(60, 300))
      .map(([label, n, ttl]) => a(`${label}.${Z}`, `192.0.2.${n}`, ttl));
    const key = (rr: ResourceRecord): string => JSON.stringify(rr);
    fc.assert(
      fc.property(
        fc.uniqueArray(record, { selector: key }),
        fc.uniqueArray(record, { selector: key }),
        (x, y) => {
          const d = diffZones([soa(Z, 1), ...x], [soa(Z, 2), ...y]);
          const set = new Set(x.map(key));
          for (const rr of d.deleted) expect(set.delete(key(rr))).toBe(true);
          for (const rr of d.added) {
            expect(set.has(key(rr))).toBe(false);
            set.add(key(rr));
          }
          expect([...set].sort()).toEqual(y.map(key).sort());
        },
      ),
    );
  });
});

function step(
  from: number,
  to: number,
  added: ResourceRecord[] = [],
  deleted: ResourceRecord[] = [],
): ZoneDiff {
  return { from: soa(Z, from), to: soa(Z, to), added, deleted };
}

describe('ZoneHistory', () => {
  it('hands out the steps from a serial to the newest', () => {
    const h = new ZoneHistory();
    h.add(step(1, 2));
    h.add(step(2, 5));
    h.add(step(5, 6));
    expect(h.serial).toBe(6);
    expect(h.since(1)?.map((s) => s.to.data.serial)).toEqual([2, 5, 6]);
    expect(h.since(5)?.map((s) => s.to.data.serial)).toEqual([6]);
    expect(h.since(6)).toEqual([]);
    expect(h.since(3)).toBeUndefined();
    expect(h.since(0)).toBeUndefined();
    expect(new ZoneHistory().since(1)).toBeUndefined();
  });

  it('records the step between two versions', () => {
    const h = new ZoneHistory();
    const d = h.record([soa(Z, 1), ...hosts(Z, 3)], [soa(Z, 2), ...hosts(Z, 4)]);
    expect(d.added).toEqual(hosts(Z, 1, 3));
    expect(h.since(1)).toEqual([d]);
  });

  it('keeps at most maxSteps steps, dropping the oldest', () => {
    const h = new ZoneHistory({ maxSteps: 2 });
    for (let s = 1; s <= 4; s++) h.add(step(s, s + 1));
    expect(h.steps.map((s) => s.from.data.serial)).toEqual([3, 4]);
    expect(h.since(2)).toBeUndefined();
  });

  it('keeps at most maxRecords records, and forgets everything for a step larger than that', () => {
    const h = new ZoneHistory({ maxRecords: 5 });
    h.add(step(1, 2, hosts(Z, 3)));
    h.add(step(2, 3, hosts(Z, 2, 10)));
    expect(h.steps).toHaveLength(2);
    h.add(step(3, 4, hosts(Z, 1, 20)));
    expect(h.steps.map((s) => s.from.data.serial)).toEqual([2, 3]);
    h.add(step(4, 5, hosts(Z, 6, 30)));
    expect(h.steps).toHaveLength(0);
    expect(h.since(4)).toBeUndefined();
  });

  it('starts afresh after a gap or a serial that did not grow', () => {
    const h = new ZoneHistory();
    h.add(step(1, 2));
    h.add(step(5, 6));
    expect(h.steps.map((s) => s.from.data.serial)).toEqual([5]);
    h.add(step(6, 6));
    expect(h.steps).toHaveLength(0);
    h.add(step(0xffffffff, 1));
    expect(h.since(0xffffffff)).toHaveLength(1);
  });
});
