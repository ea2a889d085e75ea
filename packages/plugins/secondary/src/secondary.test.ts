import { mkdtempSync, readFileSync, rmSync, statSync, utimesSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import {
  Flag,
  Rcode,
  definePlugin,
  getRcode,
  isReadiness,
  sendNotify,
  type Handler,
  type Readiness,
} from '@tsdns/core';
import {
  eventually,
  freePorts,
  hasTool,
  kdigTransfer,
  startTestServer,
  type TestServer,
} from '@tsdns/testing';
import { secondaryPlugin } from './index.js';
import { DEFAULT_TIMING } from './refresh.js';
import { zoneFileName } from './persist.js';
import { ScriptedPrimary } from './test-support/primary.js';

/** Fast pacing: the first transfer retried every 50-200 ms, no jitter, short timeouts. */
const secondary = secondaryPlugin({
  ...DEFAULT_TIMING,
  firstRetryMs: 50,
  maxFirstRetryMs: 200,
  refreshJitterMs: 0,
  retryJitterMs: 0,
  soaTimeoutMs: 300,
  soaAttempts: 1,
  transferTimeoutMs: 1000,
});

const base = mkdtempSync(join(tmpdir(), 'tsdns-secondary-'));
afterAll(() => rmSync(base, { recursive: true, force: true }));

const ZONE = 'example.org.';
function zoneText(serial: number, address: string, timers = '3600 600 86400'): string {
  return `$TTL 60\n@ SOA ns h ${serial} ${timers} 60\n@ NS ns\nns A 192.0.2.1\nwww A ${address}\n`;
}

const servers: TestServer[] = [];
const primaries: ScriptedPrimary[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) await s.stop();
  for (const p of primaries.splice(0)) await p.stop();
});

async function primary(text: string): Promise<ScriptedPrimary> {
  const p = await ScriptedPrimary.start(ZONE, text);
  primaries.push(p);
  return p;
}

async function start(options: string, zone = ZONE): Promise<TestServer> {
  const s = await startTestServer({
    plugins: [readyProbe, secondary],
    corefile: (ports) =>
      `${zone}:${ports[0]} {\n readyprobe\n secondary {\n  ${options.split('\n').join('\n  ')}\n }\n}`,
    captureLogs: true,
  });
  servers.push(s);
  return s;
}

async function www(s: TestServer): Promise<string | number> {
  const r = await s.query(`www.${ZONE}`, 'A');
  if (getRcode(r) !== Rcode.NOERROR) return getRcode(r);
  expect(r.flags & Flag.AA).toBe(Flag.AA);
  return (r.answers[0] as { data: string }).data;
}

/** The handlers of the newest chain that report readiness, found as the ready plugin finds them. */
let readinessHandlers: Readiness[] = [];
const readyProbe = definePlugin({
  name: 'readyprobe',
  setup(c) {
    c.onStartup(() => {
      readinessHandlers = c.handlers().filter((h): h is Handler & Readiness => isReadiness(h));
    });
  },
});

function readiness(_s: TestServer): boolean {
  expect(readinessHandlers.length).toBeGreaterThan(0);
  return readinessHandlers.every((h) => h.ready());
}

describe('secondary', () => {
  it('answers SERVFAIL and is not ready until the first transfer, then serves the zone', async () => {
    const p = await primary(zoneText(1, '192.0.2.10'));
    p.mode = 'refuse';
    const s = await start(`transfer from 127.0.0.1:${p.port}`);
    expect(await www(s)).toBe(Rcode.SERVFAIL);
    expect(readiness(s)).toBe(false);
    await eventually(() =>
      expect(
        s.logs.some((l) =>
          l.includes(`[WARNING] plugin/secondary: All '${ZONE}' masters failed to transfer`),
        ),
      ).toBe(true),
    );
    expect(await www(s)).toBe(Rcode.SERVFAIL);
    p.mode = 'serve';
    await eventually(async () => expect(await www(s)).toBe('192.0.2.10'));
    expect(readiness(s)).toBe(true);
    expect(s.logs).toContain(
      `[INFO] plugin/secondary: Transferred: ${ZONE} from 127.0.0.1:${p.port} (AXFR, serial 1)`,
    );
  });

  it('tries the primaries in turn when the first is down', async () => {
    const p = await primary(zoneText(1, '192.0.2.10'));
    const [dead] = await freePorts(1);
    const s = await start(`transfer from 127.0.0.1:${dead}\ntransfer from 127.0.0.1:${p.port}`);
    await eventually(async () => expect(await www(s)).toBe('192.0.2.10'));
    expect(s.logs.some((l) => l.includes(`Failed to transfer \`${ZONE}' from "127.0.0.1:${dead}"`))).toBe(
      true,
    );
  });

  it('refreshes on the SOA refresh timer when the serial grew', async () => {
    const p = await primary(zoneText(1, '192.0.2.10', '1 1 60'));
    const s = await start(`transfer from 127.0.0.1:${p.port}`);
    await eventually(async () => expect(await www(s)).toBe('192.0.2.10'));
    p.setZone(zoneText(2, '192.0.2.20', '1 1 60'));
    await eventually(async () => expect(await www(s)).toBe('192.0.2.20'));
    // The scripted primary answers IXFR in AXFR form; the secondary asked for IXFR first.
    expect(p.asked).toContain('tcp IXFR');
  });

  it('falls back to AXFR when the primary refuses IXFR', async () => {
    const p = await primary(zoneText(1, '192.0.2.10', '1 1 60'));
    p.mode = 'noixfr';
    const s = await start(`transfer from 127.0.0.1:${p.port}`);
    await eventually(async () => expect(await www(s)).toBe('192.0.2.10'));
    p.setZone(zoneText(2, '192.0.2.20', '1 1 60'));
    await eventually(async () => expect(await www(s)).toBe('192.0.2.20'));
    expect(p.asked.filter((q) => q.startsWith('tcp')).slice(-2)).toEqual(['tcp IXFR', 'tcp AXFR']);
    expect(s.logs.some((l) => l.includes(`IXFR of \`${ZONE}' from 127.0.0.1:${p.port} failed`))).toBe(true);
    expect(s.logs).toContain(
      `[INFO] plugin/secondary: Transferred: ${ZONE} from 127.0.0.1:${p.port} (AXFR, as IXFR was not available, serial 2)`,
    );
  });

  it('checks at once on a NOTIFY from a primary, and answers it', async () => {
    const p = await primary(zoneText(1, '192.0.2.10'));
    const s = await start(`transfer from 127.0.0.1:${p.port}`);
    await eventually(async () => expect(await www(s)).toBe('192.0.2.10'));
    p.setZone(zoneText(2, '192.0.2.20'));
    const result = await sendNotify(
      ZONE,
      { host: '127.0.0.1', port: s.port },
      { attempts: 2, timeoutMs: 500 },
    );
    expect(result.ok).toBe(true);
    await eventually(async () => expect(await www(s)).toBe('192.0.2.20'), { timeout: 2000 });
    expect(s.logs).toContain(`[INFO] plugin/secondary: Notify from 127.0.0.1 for ${ZONE}: checking transfer`);
  });

  it('refuses a NOTIFY from anyone but a primary, and one for a name it does not serve', async () => {
    const [dead] = await freePorts(1);
    const s = await start(`transfer from [::1]:${dead}`);
    const refused = await sendNotify(
      ZONE,
      { host: '127.0.0.1', port: s.port },
      { attempts: 1, timeoutMs: 500 },
    );
    expect(refused).toMatchObject({ ok: false, rcode: Rcode.REFUSED });
    const below = await sendNotify(
      `sub.${ZONE}`,
      { host: '127.0.0.1', port: s.port },
      { attempts: 1, timeoutMs: 500 },
    );
    expect(below).toMatchObject({ ok: false, rcode: 9 });
  });

  it('expires when no primary answers for EXPIRE seconds, and serves again once one does', async () => {
    const p = await primary(zoneText(1, '192.0.2.10', '1 1 2'));
    const s = await start(`transfer from 127.0.0.1:${p.port}`);
    await eventually(async () => expect(await www(s)).toBe('192.0.2.10'));
    p.mode = 'silent';
    await new Promise((r) => setTimeout(r, 1200));
    expect(await www(s)).toBe('192.0.2.10');
    await eventually(async () => expect(await www(s)).toBe(Rcode.SERVFAIL), { timeout: 3000 });
    expect(s.logs).toContain(`[ERROR] plugin/secondary: Zone ${ZONE} is expired`);
    expect(readiness(s)).toBe(false);
    p.mode = 'serve';
    await eventually(async () => expect(await www(s)).toBe('192.0.2.10'), { timeout: 3000 });
  });

  it('keeps the zone it has when a primary sends a transfer that is no valid zone', async () => {
    const p = await primary(zoneText(1, '192.0.2.10', '1 1 60'));
    const s = await start(`transfer from 127.0.0.1:${p.port}`);
    await eventually(async () => expect(await www(s)).toBe('192.0.2.10'));
    p.mode = 'garbage';
    await eventually(() => expect(s.logs.some((l) => l.includes('CNAME and other data'))).toBe(true), {
      timeout: 4000,
    });
    expect(await www(s)).toBe('192.0.2.10');
  });

  it.skipIf(!hasTool('kdig'))('passes the zone on with transfer to (kdig AXFR)', async () => {
    const p = await primary(zoneText(5, '192.0.2.50'));
    const s = await start(`transfer from 127.0.0.1:${p.port}\ntransfer to 127.0.0.1`);
    await eventually(async () => expect(await www(s)).toBe('192.0.2.50'));
    const axfr = await kdigTransfer('AXFR', ZONE, s.target);
    expect(axfr.error).toBeUndefined();
    expect(axfr.records.map((r) => `${r.name} ${r.type}`)).toEqual([
      `${ZONE} SOA`,
      `${ZONE} NS`,
      `ns.${ZONE} A`,
      `www.${ZONE} A`,
      `${ZONE} SOA`,
    ]);
  });
});

describe('secondary persist', () => {
  it('writes each version to DIR and serves it after a restart while the primary is away', async () => {
    const dir = join(base, 'persist');
    const p = await primary(zoneText(3, '192.0.2.30'));
    const s = await start(`transfer from 127.0.0.1:${p.port}\npersist ${dir}`);
    await eventually(async () => expect(await www(s)).toBe('192.0.2.30'));
    const file = join(dir, zoneFileName(ZONE));
    await eventually(() => expect(readFileSync(file, 'utf8')).toContain('192.0.2.30'));
    expect(readFileSync(file, 'utf8')).toMatch(
      /^; zone example\.org\. serial 3, transferred from 127\.0\.0\.1:\d+\n\$ORIGIN example\.org\.\n/,
    );
    await s.stop();
    servers.length = 0;
    p.mode = 'silent';

    const again = await start(`transfer from 127.0.0.1:${p.port}\npersist ${dir}`);
    expect(await www(again)).toBe('192.0.2.30');
    expect(readiness(again)).toBe(true);
    expect(again.logs.some((l) => l.includes(`Loaded zone \`${ZONE}' with serial 3 from ${file}`))).toBe(
      true,
    );
  });

  it('does not serve a kept copy that expired while the server was down', async () => {
    const dir = join(base, 'persist-expired');
    const p = await primary(zoneText(3, '192.0.2.30', '3600 1 60'));
    const s = await start(`transfer from 127.0.0.1:${p.port}\npersist ${dir}`);
    await eventually(async () => expect(await www(s)).toBe('192.0.2.30'));
    const file = join(dir, zoneFileName(ZONE));
    await eventually(() => expect(statSync(file).size).toBeGreaterThan(0));
    await s.stop();
    servers.length = 0;
    const old = new Date(Date.now() - 120_000);
    utimesSync(file, old, old);
    p.mode = 'silent';
    const again = await start(`transfer from 127.0.0.1:${p.port}\npersist ${dir}`);
    expect(await www(again)).toBe(Rcode.SERVFAIL);
    expect(again.logs.some((l) => l.includes('expired while the server was down'))).toBe(true);
    // The primary confirms the serial held: served again without a transfer.
    p.mode = 'serve';
    await eventually(async () => expect(await www(again)).toBe('192.0.2.30'), { timeout: 3000 });
  });
});
