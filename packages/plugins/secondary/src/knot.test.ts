/**
 * tsdns as a secondary of Knot DNS: the first AXFR (past a primary that is down), Knot's
 * NOTIFY after a change answered with an IXFR, the zone passed on to a third party with
 * `transfer to`, the copy kept on disk served after a restart while Knot is away, and
 * expiry when Knot stays away.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Flag, Rcode, getRcode } from '@tsdns/core';
import {
  eventually,
  freePorts,
  hasTool,
  kdigTransfer,
  startKnot,
  startTestServer,
  type Knot,
  type TestServer,
} from '@tsdns/testing';
import { secondaryPlugin } from './index.js';
import { zoneFileName } from './persist.js';
import { DEFAULT_TIMING } from './refresh.js';

const haveTools = hasTool('knotd') && hasTool('knotc') && hasTool('kdig');
const ZONE = 'example.org.';
const secondary = secondaryPlugin({
  ...DEFAULT_TIMING,
  firstRetryMs: 100,
  maxFirstRetryMs: 500,
  refreshJitterMs: 0,
  retryJitterMs: 0,
  soaTimeoutMs: 300,
  soaAttempts: 1,
  transferTimeoutMs: 2000,
});

/** Refresh every 2 s, retry every second, expire after 5 s without a primary. */
function zoneText(serial: number, address: string, extra = ''): string {
  return `$ORIGIN ${ZONE}\n$TTL 60\n@ SOA ns h ${serial} 2 1 5 60\n@ NS ns\nns A 192.0.2.1\nwww A ${address}\n${extra}`;
}

async function www(s: TestServer): Promise<string | number> {
  const r = await s.query(`www.${ZONE}`, 'A');
  if (getRcode(r) !== Rcode.NOERROR) return getRcode(r);
  expect(r.flags & Flag.AA).toBe(Flag.AA);
  return (r.answers[0] as { data: string }).data;
}

describe.skipIf(!haveTools)('secondary of Knot DNS', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tsdns-secondary-knot-'));
  const persist = join(dir, 'kept');
  let knot: Knot | undefined;
  let tsdns: TestServer | undefined;
  let corefile = '';

  beforeAll(async () => {
    const [knotPort, tsdnsPort, deadPort] = await freePorts(3);
    // A journal, so that Knot answers IXFR; every change is NOTIFYed to tsdns.
    knot = await startKnot({
      port: knotPort,
      journal: true,
      zones: [{ origin: ZONE, text: zoneText(1, '192.0.2.1'), notify: [{ port: tsdnsPort }] }],
    });
    corefile = [
      `${ZONE}:${tsdnsPort} {`,
      '  secondary {',
      `    transfer from 127.0.0.1:${deadPort} 127.0.0.1:${knotPort}`,
      '    transfer to 127.0.0.1',
      `    persist ${persist}`,
      '  }',
      '}',
    ].join('\n');
    tsdns = await startTestServer({ plugins: [secondary], corefile, captureLogs: true });
  }, 30_000);

  afterAll(async () => {
    await tsdns?.stop();
    await knot?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('transfers the zone (AXFR) from the second primary when the first is down', async () => {
    const s = tsdns as TestServer;
    await eventually(async () => expect(await www(s)).toBe('192.0.2.1'));
    expect(s.logs.some((l) => l.includes('(AXFR, serial 1)'))).toBe(true);
    expect(s.logs.some((l) => l.includes(`Failed to transfer \`${ZONE}'`))).toBe(true);
  });

  it("follows Knot's NOTIFY after a change with an IXFR", async () => {
    const s = tsdns as TestServer;
    await (knot as Knot).reload(ZONE, zoneText(2, '192.0.2.2', 'mail A 192.0.2.25\n'));
    await eventually(async () => expect(await www(s)).toBe('192.0.2.2'));
    expect(s.logs.some((l) => l.includes(`Notify from 127.0.0.1 for ${ZONE}: checking transfer`))).toBe(true);
    expect(
      s.logs.some((l) => l.includes(`Transferred: ${ZONE} from 127.0.0.1:${knot?.port} (IXFR, serial 2)`)),
    ).toBe(true);
    const mail = await s.query(`mail.${ZONE}`, 'A');
    expect(mail.answers.map((r) => (r as { data: string }).data)).toEqual(['192.0.2.25']);
  });

  it('passes the zone on with transfer to: AXFR and IXFR from the version before', async () => {
    const s = tsdns as TestServer;
    const axfr = await kdigTransfer('AXFR', ZONE, s.target);
    expect(axfr.error).toBeUndefined();
    expect(
      axfr.records.map((r) => `${r.name} ${r.type} ${r.type === 'SOA' ? r.rdata.split(/\s+/)[2] : r.rdata}`),
    ).toEqual([
      `${ZONE} SOA 2`,
      `${ZONE} NS ns.${ZONE}`,
      `ns.${ZONE} A 192.0.2.1`,
      `www.${ZONE} A 192.0.2.2`,
      `mail.${ZONE} A 192.0.2.25`,
      `${ZONE} SOA 2`,
    ]);
    const ixfr = await kdigTransfer('IXFR=1', ZONE, s.target);
    expect(ixfr.error).toBeUndefined();
    const steps = ixfr.records.map(
      (r) => `${r.type} ${r.type === 'SOA' ? r.rdata.split(/\s+/)[2] : r.rdata}`,
    );
    // RFC 1995: new SOA, then the step: old SOA, deletions, new SOA, additions (in Knot's order), new SOA.
    expect(steps.slice(0, 4)).toEqual(['SOA 2', 'SOA 1', 'A 192.0.2.1', 'SOA 2']);
    expect(steps.slice(4, -1).sort()).toEqual(['A 192.0.2.2', 'A 192.0.2.25']);
    expect(steps.at(-1)).toBe('SOA 2');
  });

  it('serves the copy kept on disk after a restart while Knot is away, then expires', async () => {
    const kept = join(persist, zoneFileName(ZONE));
    await eventually(() => expect(readFileSync(kept, 'utf8')).toContain('192.0.2.25'));
    await tsdns?.stop();
    tsdns = undefined;
    await knot?.stop();
    knot = undefined;
    const s = await startTestServer({ plugins: [secondary], corefile, captureLogs: true });
    tsdns = s;
    expect(await www(s)).toBe('192.0.2.2');
    expect(s.logs.some((l) => l.includes(`Loaded zone \`${ZONE}' with serial 2 from ${kept}`))).toBe(true);
    await eventually(async () => expect(await www(s)).toBe(Rcode.SERVFAIL), { timeout: 8000 });
    expect(s.logs).toContain(`[ERROR] plugin/secondary: Zone ${ZONE} is expired`);
  }, 15_000);
});
