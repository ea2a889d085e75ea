import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ZoneFileError } from '../zonefile/errors.js';
import { ZoneError } from './errors.js';
import { loadZone } from './load.js';

const dir = mkdtempSync(join(tmpdir(), 'tsdns-zone-load-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

const ZONE = '$TTL 60\n@ SOA ns h 7 2 3 4 5\n@ NS ns\nns A 192.0.2.1\n';

describe('loadZone', () => {
  it('reads a file as the given origin (relative names) and seals it', async () => {
    const path = file('db.rel', ZONE);
    const a = await loadZone(path, 'example.org.');
    const b = await loadZone(path, 'example.net.');
    expect(a?.serial).toBe(7);
    expect(a?.sealed).toBe(true);
    expect([...(b?.records() ?? [])].map((r) => r.name)).toContain('ns.example.net.');
  });

  it('stops at the SOA when its serial is not newer than the one held (RFC 1982)', async () => {
    const path = file('db.serial', ZONE);
    expect(await loadZone(path, 'example.org.', 7)).toBeUndefined();
    expect(await loadZone(path, 'example.org.', 8)).toBeUndefined();
    expect((await loadZone(path, 'example.org.', 6))?.serial).toBe(7);
    // 7 is newer than 2^32 - 10: the serial wrapped.
    expect((await loadZone(path, 'example.org.', 0xfffffff6))?.serial).toBe(7);
  });

  it('reports errors with the file and line, zone faults with the file', async () => {
    const bad = file('db.bad', `${ZONE}www A 300.1.1.1\n`);
    await expect(loadZone(bad, 'example.org.')).rejects.toThrow(ZoneFileError);
    await expect(loadZone(bad, 'example.org.')).rejects.toThrow(/db\.bad:5/);
    const outside = file('db.out', `${ZONE}www.example.com. A 192.0.2.1\n`);
    await expect(loadZone(outside, 'example.org.')).rejects.toThrow(/db\.out:5/);
    const cname = file('db.cname', `${ZONE}x CNAME ns\nx A 192.0.2.2\n`);
    await expect(loadZone(cname, 'example.org.')).rejects.toThrow(ZoneError);
    await expect(loadZone(cname, 'example.org.')).rejects.toThrow(/db\.cname/);
    const nosoa = file('db.nosoa', '@ 60 NS ns\n');
    await expect(loadZone(nosoa, 'example.org.')).rejects.toThrow(/no SOA/);
    await expect(loadZone(join(dir, 'missing'), 'example.org.')).rejects.toThrow(/not found/);
  });
});
