import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ZoneFileError } from '../zonefile/errors.js';
import { ZoneError } from './errors.js';
import { loadZone } from './load.js';

const dir = mkdtempSync(join(tmpdir(), 'tsdns-zone-load-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, text: string): string {
  const path = join(dir, name);
  mkdirSync(dirname(path), { recursive: true });
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

  it('reports a missing file as the file system does', async () => {
    await expect(loadZone(join(dir, 'missing'), 'example.org.')).rejects.toThrow(/not found/);
  });
});

/** The error loading `text` as example.org. throws, and the file it was written to. */
async function loadError(name: string, text: string): Promise<{ error: Error; path: string }> {
  const path = file(name, text);
  const error = await loadZone(path, 'example.org.').then(
    () => {
      throw new Error(`${name} loaded`);
    },
    (e: unknown) => e as Error,
  );
  return { error, path };
}

describe('loadZone errors name the file and the line', () => {
  // ZONE is lines 1-4; what a case appends starts on line 5.
  it.each([
    ['bad rdata', 'www A 300.1.1.1\n', ZoneFileError, 5, 7, /bad A rdata/],
    ['a bad name in rdata', 'www CNAME a..b\n', ZoneFileError, 5, 11, /bad CNAME rdata/],
    ['a record outside the zone', 'www.example.com. A 192.0.2.1\n', ZoneFileError, 5, 1, /outside the zone/],
    ['a different class', 'www CH A 192.0.2.1\n', ZoneFileError, 5, 5, /class CH differs/],
    [
      'a CNAME after other data',
      'x A 192.0.2.2\nx CNAME ns\n',
      ZoneError,
      6,
      1,
      /CNAME and other data \(A\)/,
    ],
    [
      'other data after a CNAME',
      'x CNAME ns\n\n; note\nx A 192.0.2.2\n',
      ZoneError,
      8,
      1,
      /CNAME and other data \(A\)/,
    ],
    ['a second CNAME', 'x CNAME ns\n  CNAME www\n', ZoneError, 6, 3, /more than one CNAME/],
    ['a second DNAME', 'x DNAME a.test.\nx DNAME b.test.\n', ZoneError, 6, 1, /more than one DNAME/],
    ['a second SOA', '@ SOA ns h 8 2 3 4 5\n', ZoneError, 5, 1, /more than one SOA/],
    ['an SOA below the apex', 'sub SOA ns h 8 2 3 4 5\n', ZoneError, 5, 1, /not at the zone apex/],
  ])('%s', async (_what, tail, type, line, column, reason) => {
    const { error, path } = await loadError(`db.case${line}${column}${tail.length}`, ZONE + tail);
    expect(error).toBeInstanceOf(type);
    expect(error.message).toMatch(reason);
    expect(error.message.startsWith(`${path}:${line}:${column}: `)).toBe(true);
    if (error instanceof ZoneError) expect(error.where).toBe(`${path}:${line}:${column}`);
    if (error instanceof ZoneFileError)
      expect([error.file, error.line, error.column]).toEqual([path, line, column]);
  });

  it("reports no NS at the apex at the apex's first record", async () => {
    const { error, path } = await loadError('db.nons', '$TTL 60\n\nns A 192.0.2.1\n@ SOA ns h 7 2 3 4 5\n');
    expect(error).toBeInstanceOf(ZoneError);
    expect((error as ZoneError).where).toBe(`${path}:4:1`);
    expect(error.message).toMatch(/no NS records at the zone apex/);
  });

  it("reports no SOA at the apex's first record, or at the start of a file with none there", async () => {
    const atApex = await loadError('db.nosoa', '$TTL 60\nns A 192.0.2.1\n@ NS ns\n');
    // An owner written in another letter case and absolute is still the apex.
    const upper = await loadError('db.nosoa.case', '$TTL 60\nns A 192.0.2.1\nEXAMPLE.org. NS ns\n');
    const none = await loadError('db.nosoa.none', '$TTL 60\nns A 192.0.2.1\n');
    const empty = await loadError('db.empty', '');
    expect((atApex.error as ZoneError).where).toBe(`${atApex.path}:3:1`);
    expect((upper.error as ZoneError).where).toBe(`${upper.path}:3:1`);
    expect((none.error as ZoneError).where).toBe(`${none.path}:1:1`);
    expect((empty.error as ZoneError).where).toBe(`${empty.path}:1:1`);
    for (const { error } of [atApex, upper, none, empty]) expect(error.message).toMatch(/no SOA record/);
  });

  it('reports NSEC3 parameters the zone cannot use at the apex', async () => {
    const { error, path } = await loadError(
      'db.nsec3',
      `${ZONE}@ NSEC3PARAM 2 0 0 -\n` +
        '2vptu5timamqttgl4luu9kg21e0aor3s NSEC3 2 0 0 - 2vptu5timamqttgl4luu9kg21e0aor3s A\n',
    );
    expect(error).toBeInstanceOf(ZoneError);
    expect((error as ZoneError).where).toBe(`${path}:2:1`);
    expect(error.message).toMatch(/unsupported NSEC3 hash algorithm 2/);
  });

  it('names the included file and its line for a record read there', async () => {
    file('inc/part.db', 'a A 192.0.2.5\n\na CNAME ns\n');
    const { error } = await loadError('inc/main.db', `${ZONE}$INCLUDE part.db\nz A 192.0.2.6\n`);
    expect((error as ZoneError).where).toBe(`${join(dir, 'inc', 'part.db')}:3:1`);
  });

  it('reports a generated record at its $GENERATE line', async () => {
    const { error, path } = await loadError('db.gen', `${ZONE}h2 CNAME ns\n$GENERATE 1-3 h$ A 192.0.2.$\n`);
    expect((error as ZoneError).where).toBe(`${path}:6:1`);
  });

  it('gives the line of a record that starts a parenthesised group', async () => {
    const { error, path } = await loadError('db.paren', `${ZONE}x CNAME ns\nx (\n  A\n  192.0.2.1 )\n`);
    expect((error as ZoneError).where).toBe(`${path}:6:1`);
  });

  it('reports faults in file order when a zone fault precedes bad text', async () => {
    const { error, path } = await loadError('db.order', `${ZONE}x CNAME ns\nx A 192.0.2.2\ny A 1.2.3\n`);
    expect(error).toBeInstanceOf(ZoneError);
    expect((error as ZoneError).where).toBe(`${path}:6:1`);
  });

  it('keeps counting lines across batches and read chunks of a large file', async () => {
    // 60,000 records of ~40 bytes: many batches of records and several 256 KiB chunks.
    let text = ZONE;
    for (let i = 0; i < 60_000; i++) text += `host-with-a-longer-name-${i} A 192.0.2.${i & 255}\n`;
    text += 'host-with-a-longer-name-59999 CNAME ns\n';
    const { error, path } = await loadError('db.large', text);
    expect((error as ZoneError).where).toBe(`${path}:60005:1`);
  });
});
