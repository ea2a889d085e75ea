import { mkdtempSync, renameSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { Rcode, getRcode } from '@tsdns/core';
import { eventually, startTestServer, type TestServer } from '@tsdns/testing';
import file from './index.js';

const dir = mkdtempSync(join(tmpdir(), 'tsdns-file-reload-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let n = 0;
/** Replaces the file in one step, so a check never reads it half written. */
function writeZone(path: string, text: string): void {
  const tmp = `${path}.tmp${n++}`;
  writeFileSync(tmp, text);
  renameSync(tmp, path);
}

function zoneText(serial: number, address: string): string {
  return `$ORIGIN example.org.\n$TTL 60\n@ SOA ns h ${serial} 2 3 4 5\n@ NS ns\nns A 192.0.2.1\nwww A ${address}\n`;
}

let server: TestServer | undefined;
afterEach(async () => {
  await server?.stop();
  server = undefined;
});

async function start(path: string, options = 'reload 50ms'): Promise<TestServer> {
  server = await startTestServer({
    plugins: [file],
    corefile: (ports) => `example.org:${ports[0]} {\n file ${path} {\n  ${options}\n }\n}`,
    captureLogs: true,
  });
  return server;
}

async function www(s: TestServer): Promise<string | number> {
  const r = await s.query('www.example.org.', 'A');
  if (getRcode(r) !== Rcode.NOERROR) return getRcode(r);
  return (r.answers[0] as { data: string }).data;
}

const settle = () => new Promise((r) => setTimeout(r, 300));

describe('file reload', () => {
  it('swaps in the file when its serial grew, and logs it', async () => {
    const path = join(dir, 'db.grow');
    writeZone(path, zoneText(1, '192.0.2.10'));
    const s = await start(path);
    expect(await www(s)).toBe('192.0.2.10');
    writeZone(path, zoneText(2, '192.0.2.20'));
    await eventually(async () => expect(await www(s)).toBe('192.0.2.20'));
    expect(s.logs).toContain(
      `[INFO] plugin/file: Successfully reloaded zone "example.org." in "${path}" with 2 SOA serial`,
    );
  });

  it('ignores a changed file whose serial did not grow', async () => {
    const path = join(dir, 'db.same');
    writeZone(path, zoneText(5, '192.0.2.10'));
    const s = await start(path);
    writeZone(path, zoneText(5, '192.0.2.20'));
    await settle();
    expect(await www(s)).toBe('192.0.2.10');
    writeZone(path, zoneText(4, '192.0.2.30'));
    await settle();
    expect(await www(s)).toBe('192.0.2.10');
  });

  it('follows serial number arithmetic across the wrap (RFC 1982)', async () => {
    const path = join(dir, 'db.wrap');
    writeZone(path, zoneText(4294967295, '192.0.2.10'));
    const s = await start(path);
    writeZone(path, zoneText(3, '192.0.2.20'));
    await eventually(async () => expect(await www(s)).toBe('192.0.2.20'));
  });

  it('keeps serving the old zone when the new file is broken, logging file and line', async () => {
    const path = join(dir, 'db.broken');
    writeZone(path, zoneText(1, '192.0.2.10'));
    const s = await start(path);
    writeZone(path, zoneText(2, '192.0.2.20') + 'bad A 300.1.1.1\n');
    await eventually(async () =>
      expect(
        s.logs.some((l) => l.startsWith(`[ERROR] plugin/file: Parsing zone "example.org.": ${path}:7:`)),
      ).toBe(true),
    );
    expect(await www(s)).toBe('192.0.2.10');
    writeZone(path, zoneText(2, '192.0.2.20') + 'www CNAME ns\n');
    await eventually(async () => expect(s.logs.some((l) => l.includes('CNAME and other data'))).toBe(true));
    expect(await www(s)).toBe('192.0.2.10');
    writeZone(path, zoneText(3, '192.0.2.30'));
    await eventually(async () => expect(await www(s)).toBe('192.0.2.30'));
  });

  it('answers SERVFAIL until a missing file appears', async () => {
    const path = join(dir, 'db.later');
    const s = await start(path);
    expect(
      s.logs.some(
        (l) => l.startsWith('[WARNING] plugin/file: Failed to open') && l.endsWith('trying again in 50ms'),
      ),
    ).toBe(true);
    expect(await www(s)).toBe(Rcode.SERVFAIL);
    writeZone(path, zoneText(1, '192.0.2.10'));
    await eventually(async () => expect(await www(s)).toBe('192.0.2.10'));
  });

  it('with reload_by_mtime, reloads a changed file whatever its serial', async () => {
    const path = join(dir, 'db.mtime');
    writeZone(path, zoneText(9, '192.0.2.10'));
    utimesSync(path, new Date(Date.now() - 10_000), new Date(Date.now() - 10_000));
    const s = await start(path, 'reload 50ms\n  reload_by_mtime');
    writeZone(path, zoneText(9, '192.0.2.20'));
    await eventually(async () => expect(await www(s)).toBe('192.0.2.20'));
  });

  it('does not look at the file with reload 0', async () => {
    const path = join(dir, 'db.frozen');
    writeZone(path, zoneText(1, '192.0.2.10'));
    const s = await start(path, 'reload 0');
    writeZone(path, zoneText(2, '192.0.2.20'));
    await settle();
    expect(await www(s)).toBe('192.0.2.10');
  });
});
