import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { nameWireLength } from '../wire/name.js';
import {
  TYPED_TYPE_NAMES,
  arbName,
  arbRecordOf,
  arbUnknownRecord,
} from '../wire/test-support/arbitraries.js';
import { parseZone, type ZoneRecord } from './reader.js';
import { formatZone, relativeName, writeZone } from './writer.js';

/** Query-only and meta types cannot be zone data. */
const META = new Set([41, 249, 250, 251, 252, 253, 254, 255]);

const arbZoneRecord: fc.Arbitrary<ZoneRecord> = fc.oneof(
  ...TYPED_TYPE_NAMES.filter((t) => t !== 'TSIG').map((t) => arbRecordOf(t) as fc.Arbitrary<ZoneRecord>),
  arbUnknownRecord.filter((r) => !META.has(Number(r.type.slice(4)))),
);

/**
 * A zone as a reader returns it: one class throughout, TTLs within 2^31-1 and equal within
 * an RRset, and some owners below the origin so that relative names get written.
 */
const arbZone = fc
  .tuple(
    fc.array(arbZoneRecord, { minLength: 1, maxLength: 12 }),
    arbName,
    fc.array(fc.boolean(), { minLength: 12, maxLength: 12 }),
  )
  .map(([records, origin, under]) => {
    const cls = records[0].class;
    // RFC 2181 5.2: one TTL per RRset (the reader, like BIND, unifies them otherwise)
    const rrsetTtl = new Map<string, number>();
    const zone = records.map((r, i) => {
      const below = `h${i}.${origin === '.' ? '' : origin}`;
      const name = under[i] && nameWireLength(origin) + 3 + String(i).length <= 255 ? below : r.name;
      const set = `${name} ${r.type} ${r.type === 'RRSIG' ? r.data.typeCovered : ''}`;
      const ttl = rrsetTtl.get(set) ?? r.ttl & 0x7fffffff;
      rrsetTtl.set(set, ttl);
      return { ...r, name, class: cls, ttl } as ZoneRecord;
    });
    return { zone, origin };
  });

describe('writeZone', () => {
  it('prints one record a line, with $ORIGIN and relative names when asked', () => {
    const zone: ZoneRecord[] = [
      {
        name: 'example.org.',
        type: 'SOA',
        class: 'IN',
        ttl: 300,
        data: {
          mname: 'ns.example.org.',
          rname: 'h.example.net.',
          serial: 1,
          refresh: 2,
          retry: 3,
          expire: 4,
          minimum: 5,
        },
      },
      {
        name: 'www.example.org.',
        type: 'MX',
        class: 'IN',
        ttl: 60,
        data: { preference: 10, exchange: 'mail.example.org.' },
      },
      { name: 'WWW.Example.ORG.', type: 'CNAME', class: 'IN', ttl: 60, data: 'a\\.b.example.org.' },
    ];
    expect(writeZone(zone, { origin: 'example.org' }).split('\n')).toEqual([
      '$ORIGIN example.org.',
      '@                   \t300\tIN\tSOA\tns h.example.net. 1 2 3 4 5',
      'www                 \t60\tIN\tMX\t10 mail',
      // the origin part differs in case: kept absolute so it reads back exactly
      'WWW.Example.ORG.    \t60\tIN\tCNAME\ta\\.b',
      '',
    ]);
    expect(parseZone(writeZone(zone, { origin: 'example.org.' }))).toEqual(zone);
    expect([...formatZone(zone)]).toHaveLength(3);
  });

  it('relativeName: @, leading labels, escaped dots, other zones, the root', () => {
    expect(relativeName('example.org.', 'example.org.')).toBe('@');
    expect(relativeName('a.b.example.org.', 'example.org.')).toBe('a.b');
    expect(relativeName('a\\.example.org.', 'example.org.')).toBe('a\\.example.org.');
    expect(relativeName('a\\\\.example.org.', 'example.org.')).toBe('a\\\\');
    expect(relativeName('xexample.org.', 'example.org.')).toBe('xexample.org.');
    expect(relativeName('example.net.', 'example.org.')).toBe('example.net.');
    expect(relativeName('www.example.', '.')).toBe('www.example');
    expect(relativeName('.', '.')).toBe('@');
  });

  it('reads back to the same records, with absolute names (property)', () => {
    fc.assert(
      fc.property(arbZone, ({ zone }) => {
        expect(parseZone(writeZone(zone))).toEqual(zone);
      }),
      { numRuns: 300 },
    );
  });

  it('reads back to the same records, with $ORIGIN and relative names (property)', () => {
    fc.assert(
      fc.property(arbZone, ({ zone, origin }) => {
        expect(parseZone(writeZone(zone, { origin }))).toEqual(zone);
      }),
      { numRuns: 300 },
    );
  });
});
