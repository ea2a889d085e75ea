/**
 * Broken zone files, as an operator meets them: the server refuses to start and says which
 * file and line, and a reload of a file that broke keeps the old zone serving and logs the
 * file and line. One table of faults, each seen both ways.
 */
import { mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { getRcode, Rcode } from '@tsdns/core';
import { startTestServer, type TestServer } from '@tsdns/testing';
import file from './index.js';

const dir = mkdtempSync(join(tmpdir(), 'tsdns-file-bad-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let server: TestServer | undefined;
afterEach(async () => {
  await server?.stop();
  server = undefined;
});

let n = 0;
/** Replaces the file in one step, so a reload check never reads it half written. */
function writeZone(path: string, text: string): void {
  const tmp = `${path}.tmp${n++}`;
  writeFileSync(tmp, text);
  renameSync(tmp, path);
}

/** Lines 1 to 6; a fault appended to it is on line 7. */
const good = (serial: number) =>
  `$ORIGIN example.org.\n$TTL 60\n@ SOA ns h ${serial} 2 3 4 5\n@ NS ns\nns A 192.0.2.1\nwww A 192.0.2.10\n`;

interface Fault {
  what: string;
  text: (serial: number) => string;
  /** file:LINE:COLUMN the error must start with */
  line: number;
  column: number;
  reason: RegExp;
}

const FAULTS: Fault[] = [
  {
    what: 'bad rdata',
    text: (s) => `${good(s)}bad A 300.1.1.1\n`,
    line: 7,
    column: 7,
    reason: /bad A rdata/,
  },
  {
    what: 'a CNAME beside other data',
    text: (s) => `${good(s)}www CNAME ns\n`,
    line: 7,
    column: 1,
    reason: /CNAME and other data \(A\)/,
  },
  {
    what: 'a record outside the zone',
    text: (s) => `${good(s)}www.example.net. A 192.0.2.1\n`,
    line: 7,
    column: 1,
    reason: /outside the zone/,
  },
  {
    what: 'a second SOA',
    text: (s) => `${good(s)}@ SOA ns h 99 2 3 4 5\n`,
    line: 7,
    column: 1,
    reason: /more than one SOA/,
  },
  {
    what: 'a different class',
    text: (s) => `${good(s)}txt CH TXT hi\n`,
    line: 7,
    column: 5,
    reason: /class CH differs/,
  },
  {
    // Reported at the apex's first record: where the SOA belongs.
    what: 'no SOA',
    text: () => `$ORIGIN example.org.\n$TTL 60\nns A 192.0.2.1\n@ NS ns\n`,
    line: 4,
    column: 1,
    reason: /no SOA record/,
  },
  {
    // Reported at the apex's first record, here the SOA.
    what: 'no NS at the apex',
    text: (s) => `$ORIGIN example.org.\n$TTL 60\n@ SOA ns h ${s} 2 3 4 5\nns A 192.0.2.1\n`,
    line: 3,
    column: 1,
    reason: /no NS records at the zone apex/,
  },
];

async function start(path: string, options: string): Promise<TestServer> {
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

describe.each(FAULTS)('a zone file with $what', (fault) => {
  it('stops the server from starting, naming file and line', async () => {
    const path = join(dir, `db.start.${n++}`);
    writeZone(path, fault.text(1));
    const error = await start(path, 'reload 0').then(
      () => {
        throw new Error('the server started');
      },
      (e: unknown) => e as Error,
    );
    expect(error.message).toContain(`${path}:${fault.line}:${fault.column}: `);
    expect(error.message).toMatch(fault.reason);
  });

  it('on reload keeps the old zone serving and logs file and line', async () => {
    const path = join(dir, `db.reload.${n++}`);
    writeZone(path, good(1));
    const s = await start(path, 'reload 50ms');
    expect(await www(s)).toBe('192.0.2.10');
    writeZone(path, fault.text(2));
    const prefix = `[ERROR] plugin/file: Parsing zone "example.org.": ${path}:${fault.line}:${fault.column}: `;
    const line = await vi.waitFor(
      () => {
        const found = s.logs.find((l) => l.startsWith(prefix));
        if (found === undefined) throw new Error(`no log line starting ${prefix}\n${s.logs.join('\n')}`);
        return found;
      },
      { timeout: 3000, interval: 25 },
    );
    expect(line).toMatch(fault.reason);
    expect(await www(s)).toBe('192.0.2.10');
    expect((await s.query('example.org.', 'SOA')).answers).toMatchObject([{ data: { serial: 1 } }]);
  });
});
