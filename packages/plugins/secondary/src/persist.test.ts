import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { Zone, parseZone } from '@tsdns/core';
import { ZoneDirectory, zoneFileName } from './persist.js';

const base = mkdtempSync(join(tmpdir(), 'tsdns-secondary-persist-'));
afterAll(() => rmSync(base, { recursive: true, force: true }));

const TEXT = [
  '$TTL 60',
  '@ SOA ns h 9 2 3 4 5',
  '@ NS ns',
  'ns A 192.0.2.1',
  'www AAAA 2001:db8::1',
  'txt TXT "a \\"quoted\\" string" "and another"',
  'mx MX 10 mail.example.net.',
  '_sip._tcp SRV 0 5 5060 sip',
  'unknown TYPE65280 \\# 3 abcdef',
  'sub NS ns.sub',
  'ns.sub A 192.0.2.53',
].join('\n');

function zone(origin = 'example.org.'): Zone {
  return Zone.from(origin, parseZone(TEXT, { origin }));
}

function contents(z: Zone): string[] {
  return [...z.records()]
    .map((r) => JSON.stringify(r, (_k, v: unknown) => (v instanceof Uint8Array ? [...v] : v)))
    .sort();
}

describe('zoneFileName', () => {
  it('keeps plain names, encodes everything else, and names the root @', () => {
    expect(zoneFileName('example.org.')).toBe('example.org.zone');
    expect(zoneFileName('Example.ORG.')).toBe('example.org.zone');
    expect(zoneFileName('0.0.10.in-addr.arpa.')).toBe('0.0.10.in-addr.arpa.zone');
    expect(zoneFileName('_tcp.example.')).toBe('_tcp.example.zone');
    expect(zoneFileName('.')).toBe('@.zone');
    expect(zoneFileName('a\\/b.example.')).toBe('a%5c%2fb.example.zone');
  });

  it('gives distinct names that stay inside the directory (property)', () => {
    const label = fc.stringMatching(/^[a-z0-9_/*@\\-]{1,8}$/);
    fc.assert(
      fc.property(
        fc.array(label, { minLength: 1, maxLength: 4 }),
        fc.array(label, { minLength: 1, maxLength: 4 }),
        (a, b) => {
          const x = `${a.join('.')}.`;
          const y = `${b.join('.')}.`;
          const fx = zoneFileName(x);
          expect(fx).not.toContain('/');
          expect(fx.startsWith('.')).toBe(false);
          if (x !== y) expect(fx).not.toBe(zoneFileName(y));
        },
      ),
    );
  });
});

describe('ZoneDirectory', () => {
  it('writes a zone that reads back the same, stamped with when it was confirmed', async () => {
    const dir = new ZoneDirectory(join(base, 'roundtrip'));
    await dir.prepare();
    const z = zone();
    const at = Date.now() - 60_000;
    await dir.write(z, 'a note', at);
    const text = readFileSync(dir.path('example.org.'), 'utf8');
    expect(text.startsWith('; a note\n$ORIGIN example.org.\n')).toBe(true);
    // The SOA once, not again at the end as in a transfer.
    expect(text.match(/\tSOA\t/g)?.length).toBe(1);
    const back = await dir.read('example.org.', (m) => {
      throw new Error(m);
    });
    expect(back?.refreshedAt).toBeCloseTo(at, -3);
    expect(contents(back!.zone)).toEqual(contents(z));
    // No temporary file is left behind.
    expect(readdirSync(join(base, 'roundtrip'))).toEqual(['example.org.zone']);
  });

  it('replaces the old copy, and touch moves the confirmation time', async () => {
    const dir = new ZoneDirectory(join(base, 'replace'));
    await dir.prepare();
    await dir.write(zone(), 'first', Date.now() - 100_000);
    const newer = Zone.from(
      'example.org.',
      parseZone(TEXT.replace(' 9 ', ' 10 '), { origin: 'example.org.' }),
    );
    await dir.write(newer, 'second', Date.now() - 100_000);
    expect((await dir.read('example.org.', () => undefined))?.zone.serial).toBe(10);
    const before = statSync(dir.path('example.org.')).mtimeMs;
    await dir.touch('example.org.');
    expect(statSync(dir.path('example.org.')).mtimeMs).toBeGreaterThan(before + 50_000);
  });

  it('ignores a missing copy and reports a damaged one', async () => {
    const dir = new ZoneDirectory(join(base, 'damaged'));
    await dir.prepare();
    expect(await dir.read('example.org.', () => undefined)).toBeUndefined();
    writeFileSync(dir.path('example.org.'), '@ SOA ns h 1 2 3 4 5\nwww A not-an-address\n');
    const messages: string[] = [];
    expect(await dir.read('example.org.', (m) => messages.push(m))).toBeUndefined();
    expect(messages[0]).toMatch(/Ignoring the kept copy of zone "example.org.": .*example\.org\.zone:2/);
  });
});
