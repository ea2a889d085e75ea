import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { diffZones, type ZoneDiff } from '../plugin/transfer-history.js';
import { parseZone } from '../zonefile/reader.js';
import type { ResourceRecord } from '../wire/types.js';
import { applyZoneDiffs } from './apply.js';
import { ZoneError } from './errors.js';
import { Zone } from './zone.js';

const ORIGIN = 'example.';

function soa(serial: number): ResourceRecord {
  return {
    name: ORIGIN,
    type: 'SOA',
    class: 'IN',
    ttl: 60,
    data: {
      mname: 'ns.example.net.',
      rname: 'h.example.net.',
      serial,
      refresh: 2,
      retry: 3,
      expire: 4,
      minimum: 30,
    },
  };
}
const APEX_NS: ResourceRecord = { name: ORIGIN, type: 'NS', class: 'IN', ttl: 60, data: 'ns.example.net.' };

function version(serial: number, records: readonly ResourceRecord[]): Zone {
  return Zone.from(ORIGIN, [soa(serial), APEX_NS, ...records]);
}

/** Every record of a zone as sortable text: owner (folded), type, TTL and data. */
function contents(zone: Zone): string[] {
  const out = new Set<string>();
  for (const rr of zone.records()) {
    const data = JSON.stringify(rr.data, (_k, v: unknown) => (v instanceof Uint8Array ? [...v] : v));
    out.add(`${rr.name.toLowerCase()} ${rr.type} ${rr.ttl} ${data}`);
  }
  return [...out].sort();
}

const owner = fc
  .array(fc.constantFrom('a', 'b', 'c', '*'), { minLength: 1, maxLength: 3 })
  .map((l) => `${l.join('.')}.${ORIGIN}`);
const record = fc
  .tuple(owner, fc.constantFrom('A', 'TXT', 'MX'), fc.integer({ min: 1, max: 3 }), fc.constantFrom(60, 120))
  .map(([name, type, n, ttl]): ResourceRecord => {
    if (type === 'A') return { name, type, class: 'IN', ttl, data: `192.0.2.${n}` };
    if (type === 'TXT') return { name, type, class: 'IN', ttl, data: [Uint8Array.of(0x30 + n)] };
    return { name, type: 'MX', class: 'IN', ttl, data: { preference: n, exchange: `mx.${ORIGIN}` } };
  });
/** Records with at most one TTL per RRset (RFC 2181 5.2), as a zone holds them. */
const records = fc.array(record, { maxLength: 12 }).map((rs) => {
  const ttl = new Map<string, number>();
  return rs.map((r) => {
    const key = `${r.name} ${r.type}`;
    const t = ttl.get(key) ?? (r as { ttl: number }).ttl;
    ttl.set(key, t);
    return { ...r, ttl: t } as ResourceRecord;
  });
});

describe('applyZoneDiffs', () => {
  it('turns a version into the next one with the difference diffZones computed (property)', () => {
    fc.assert(
      fc.property(records, records, records, (r1, r2, r3) => {
        const v1 = version(1, r1);
        const v2 = version(2, r2);
        const v3 = version(3, r3);
        const steps: ZoneDiff[] = [
          diffZones(v1.records(), v2.records()),
          diffZones(v2.records(), v3.records()),
        ];
        expect(contents(applyZoneDiffs(v1, steps.slice(0, 1)))).toEqual(contents(v2));
        const applied = applyZoneDiffs(v1, steps);
        expect(applied.serial).toBe(3);
        expect(contents(applied)).toEqual(contents(v3));
      }),
      { numRuns: 300 },
    );
  });

  it('matches deletions by owner (any letter case), type and data, not TTL', () => {
    const v1 = Zone.from(
      'example.org.',
      parseZone(
        '$ORIGIN example.org.\n@ 60 SOA ns h 1 2 3 4 5\n@ 60 NS ns\nns 60 A 192.0.2.1\nwww 60 A 192.0.2.2\n',
      ),
    );
    const step: ZoneDiff = {
      from: v1.soa,
      to: { ...v1.soa, data: { ...v1.soa.data, serial: 2 } },
      deleted: [{ name: 'WWW.example.org.', type: 'A', class: 'IN', ttl: 999, data: '192.0.2.2' }],
      added: [{ name: 'new.example.org.', type: 'A', class: 'IN', ttl: 60, data: '192.0.2.3' }],
    };
    const v2 = applyZoneDiffs(v1, [step]);
    expect(v2.serial).toBe(2);
    expect(v1.serial).toBe(1);
    expect(contents(v2).join('\n')).not.toContain('www.example.org.');
    expect(contents(v2).join('\n')).toContain('new.example.org. A 60 "192.0.2.3"');
    // The old version is untouched.
    expect(contents(v1).join('\n')).toContain('www.example.org.');
  });

  it('rejects steps that do not fit the zone: a deletion of a record it does not hold, a serial gap', () => {
    const v1 = version(1, [{ name: `a.${ORIGIN}`, type: 'A', class: 'IN', ttl: 60, data: '192.0.2.1' }]);
    const to = soa(2) as ZoneDiff['to'];
    const missing: ZoneDiff = {
      from: v1.soa,
      to,
      deleted: [{ name: `a.${ORIGIN}`, type: 'A', class: 'IN', ttl: 60, data: '192.0.2.9' }],
      added: [],
    };
    expect(() => applyZoneDiffs(v1, [missing])).toThrow(ZoneError);
    expect(() => applyZoneDiffs(v1, [missing])).toThrow(/does not hold/);
    const gap: ZoneDiff = { from: soa(5) as ZoneDiff['from'], to, deleted: [], added: [] };
    expect(() => applyZoneDiffs(v1, [gap])).toThrow(/does not start at the zone's serial 1/);
  });

  it('rejects a result that is not a valid zone (a CNAME added beside an address)', () => {
    const v1 = version(1, [{ name: `a.${ORIGIN}`, type: 'A', class: 'IN', ttl: 60, data: '192.0.2.1' }]);
    const step: ZoneDiff = {
      from: v1.soa,
      to: soa(2) as ZoneDiff['to'],
      deleted: [],
      added: [{ name: `a.${ORIGIN}`, type: 'CNAME', class: 'IN', ttl: 60, data: `b.${ORIGIN}` }],
    };
    expect(() => applyZoneDiffs(v1, [step])).toThrow(ZoneError);
  });
});
