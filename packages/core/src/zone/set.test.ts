import { describe, expect, it } from 'vitest';
import { parseZone } from '../zonefile/reader.js';
import type { ResourceRecord } from '../wire/types.js';
import { ZoneSet, ZoneSets } from './set.js';
import { Zone } from './zone.js';

function zone(origin: string, serial: number, extra = ''): Zone {
  const text = `@ 60 SOA ns h ${serial} 2 3 4 5\n@ 60 NS ns\nns 60 A 192.0.2.1\n${extra}`;
  return Zone.from(origin, parseZone(text, { origin }));
}

function flatten(batches: Iterable<readonly ResourceRecord[]> | undefined): ResourceRecord[] {
  if (batches === undefined) throw new Error('no transfer');
  const out: ResourceRecord[] = [];
  for (const b of batches) out.push(...b);
  return out;
}

describe('ZoneSet', () => {
  it('matches the most specific zone by walking up the labels', () => {
    const s = new ZoneSet();
    s.set(zone('example.org.', 1));
    s.set(zone('sub.example.org.', 1));
    s.add('.');
    expect(s.match('www.sub.example.org.')).toBe('sub.example.org.');
    expect(s.match('sub.example.org.')).toBe('sub.example.org.');
    expect(s.match('www.example.org.')).toBe('example.org.');
    expect(s.match('example.com.')).toBe('.');
    s.remove('.');
    expect(s.match('example.com.')).toBeUndefined();
    expect(new ZoneSet().match('example.com.')).toBeUndefined();
    expect(s.names).toEqual(['example.org.', 'sub.example.org.']);
  });

  it('matches the same way with many zones (label walk) as with few (comparison)', () => {
    const few = new ZoneSet();
    const many = new ZoneSet();
    const origins = ['example.org.', 'sub.example.org.', 'example.net.'];
    for (const o of origins) {
      few.add(o);
      many.add(o);
    }
    for (let i = 0; i < 50; i++) many.add(`z${i}.example.com.`);
    for (const name of [
      'a.b.sub.example.org.',
      'example.org.',
      'x.example.net.',
      'example.com.',
      '.',
      'z7.example.com.',
    ]) {
      const expected = name === 'z7.example.com.' ? 'z7.example.com.' : few.match(name);
      expect(many.match(name)).toBe(expected);
    }
    expect(many.match('a.z49.example.com.')).toBe('z49.example.com.');
  });

  it('knows declared and withdrawn zones without serving them', () => {
    const s = new ZoneSet();
    s.add('Example.ORG.');
    expect(s.has('example.org.')).toBe(true);
    expect(s.get('example.org.')).toBeUndefined();
    expect(s.transfer('example.org.')).toBeUndefined();
    s.set(zone('example.org.', 1));
    expect(s.get('example.org.')?.serial).toBe(1);
    s.withdraw('example.org.');
    expect(s.get('example.org.')).toBeUndefined();
    expect(s.match('www.example.org.')).toBe('example.org.');
  });

  it('streams the version served when the transfer started, SOA first and last', () => {
    const s = new ZoneSet();
    const many = Array.from({ length: 2500 }, (_, i) => `h${i} 60 A 192.0.2.2`).join('\n');
    s.set(zone('example.org.', 1, many));
    const batches = s.transfer('example.org.');
    s.set(zone('example.org.', 2));
    const records = flatten(batches);
    expect(records.length).toBe(2500 + 4);
    expect(records[0].type).toBe('SOA');
    expect(records.at(-1)?.type).toBe('SOA');
    expect((records[0] as { data: { serial: number } }).data.serial).toBe(1);
  });

  it('tells listeners of new serials only, and keeps history for IXFR once asked to', () => {
    const s = new ZoneSet();
    s.keepHistory();
    s.set(zone('example.org.', 1));
    const heard: string[] = [];
    s.onZoneChange((z, serial) => heard.push(`${z} ${serial}`));
    s.set(zone('example.org.', 1));
    s.set(zone('example.org.', 2, 'www 60 A 192.0.2.9'));
    s.set(zone('example.org.', 3, 'www 60 A 192.0.2.10'));
    expect(heard).toEqual(['example.org. 2', 'example.org. 3']);
    const steps = s.ixfr('example.org.', 1);
    expect(steps?.map((d) => [d.from.data.serial, d.to.data.serial])).toEqual([
      [1, 2],
      [2, 3],
    ]);
    expect(steps?.[1].deleted.map((r) => r.name)).toEqual(['www.example.org.']);
    expect(s.ixfr('example.org.', 0)).toBeUndefined();
    expect([...s.transferZones()]).toEqual(['example.org.']);
    s.withdraw('example.org.');
    expect(s.ixfr('example.org.', 1)).toBeUndefined();
    expect([...s.transferZones()]).toEqual([]);
  });

  it('keeps no history unless asked, and takes the steps it is given', () => {
    const s = new ZoneSet();
    s.set(zone('example.org.', 1));
    s.set(zone('example.org.', 2));
    expect(s.ixfr('example.org.', 1)).toBeUndefined();
    s.keepHistory();
    const v3 = zone('example.org.', 3);
    const step = { from: s.get('example.org.')!.soa, to: v3.soa, deleted: [], added: [] };
    s.set(v3, [step]);
    expect(s.ixfr('example.org.', 2)).toEqual([step]);
  });
});

describe('ZoneSets', () => {
  it('transfers a zone from the first set with data for it', () => {
    const a = new ZoneSet();
    const b = new ZoneSet();
    a.add('example.org.'); // declared, no data yet
    b.set(zone('example.org.', 7, 'www 60 A 192.0.2.7\n'));
    b.set(zone('example.net.', 1));
    a.set(zone('example.com.', 3));
    const sets = new ZoneSets([a, b]);
    const records = flatten(sets.transfer('example.org.'));
    expect(records.map((r) => r.type)).toEqual(['SOA', 'NS', 'A', 'A', 'SOA']);
    expect((records[0] as { data: { serial: number } }).data.serial).toBe(7);
    expect(flatten(sets.transfer('example.com.'))).toHaveLength(4);
    expect(sets.transfer('example.edu.')).toBeUndefined();
    expect(new ZoneSets([]).transfer('example.org.')).toBeUndefined();
  });

  it('lists the zones with data of every set, in order, and keeps history in all of them', () => {
    const a = new ZoneSet();
    const b = new ZoneSet();
    a.set(zone('a.example.', 1));
    a.add('pending.example.');
    b.set(zone('b.example.', 1));
    const sets = new ZoneSets([a, b]);
    expect([...sets.transferZones()]).toEqual(['a.example.', 'b.example.']);

    sets.keepHistory({});
    a.set(zone('a.example.', 2, 'x 60 A 192.0.2.2\n'));
    b.set(zone('b.example.', 2, 'y 60 A 192.0.2.3\n'));
    expect(sets.ixfr('a.example.', 1)?.map((d) => d.to.data.serial)).toEqual([2]);
    expect(sets.ixfr('b.example.', 1)?.map((d) => d.added.map((r) => r.name))).toEqual([['y.b.example.']]);
    expect(sets.ixfr('b.example.', 5)).toBeUndefined();
    expect(sets.ixfr('c.example.', 1)).toBeUndefined();
  });

  it('asks IXFR of the first set that knows the zone, even one without data', () => {
    const a = new ZoneSet();
    const b = new ZoneSet();
    a.add('example.org.');
    b.keepHistory();
    b.set(zone('example.org.', 1));
    b.set(zone('example.org.', 2));
    expect(b.ixfr('example.org.', 1)).toHaveLength(1);
    expect(new ZoneSets([a, b]).ixfr('example.org.', 1)).toBeUndefined();
    expect(new ZoneSets([b, a]).ixfr('example.org.', 1)).toHaveLength(1);
  });

  it('tells a listener of new versions in any set', () => {
    const a = new ZoneSet();
    const b = new ZoneSet();
    const heard: string[] = [];
    new ZoneSets([a, b]).onZoneChange((z, serial) => heard.push(`${z} ${serial}`));
    a.set(zone('a.example.', 1));
    b.set(zone('b.example.', 4));
    b.set(zone('b.example.', 4));
    expect(heard).toEqual(['a.example. 1', 'b.example. 4']);
  });
});
