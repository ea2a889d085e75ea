/**
 * Interop with Knot DNS: knotd as a secondary of tsdns (AXFR at bootstrap, then IXFR after
 * our NOTIFY), and knotd as the primary our transfer client pulls from (AXFR, and IXFR
 * from its journal).
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { querySoa, transferIn, type ResourceRecord } from '@tsdns/core';
import {
  freePorts,
  hasTool,
  kdig,
  runTool,
  startKnot,
  startTestServer,
  waitFor,
  type Knot,
  type TestServer,
} from '@tsdns/testing';
import transfer from './index.js';
import { a, soa, testZones, zoneRecords, zoneSourcePlugin } from './test-support/zones.js';

const Z = 'example.org.';
const haveKnot = hasTool('knotd') && hasTool('kdig') && hasTool('knotc');

let knot: Knot | undefined;
let server: TestServer | undefined;

beforeEach(() => {
  testZones.reset();
});
afterEach(async () => {
  await knot?.stop();
  knot = undefined;
  await server?.stop();
  server = undefined;
});

/** Waits until Knot serves `serial` for the zone; fails with Knot's log. */
function untilSerial(k: Knot, serial: number, what: string): Promise<void> {
  return waitFor(async () => (await k.serial(Z)) === serial, { timeout: 15_000, what, detail: k.output });
}

describe.skipIf(!haveKnot)('knotd as a secondary of tsdns', () => {
  it('loads the zone by AXFR, then follows our NOTIFY with an IXFR', async () => {
    const [knotPort] = await freePorts(1);
    testZones.set(Z, 100, zoneRecords(Z, 500));
    server = await startTestServer({
      corefile: ([port]) =>
        `example.org:${port} {\n  transfer {\n    to 127.0.0.1:${knotPort}\n  }\n  zonesrc\n}\n`,
      plugins: [transfer, zoneSourcePlugin],
      captureLogs: true,
    });
    const tsdns = server;
    knot = await startKnot({
      zones: [{ origin: Z, primary: { port: tsdns.port } }],
      journal: true,
      logLevel: 'info',
      port: knotPort,
    });
    const k = knot;
    await untilSerial(k, 100, 'the bootstrap AXFR');
    expect(k.output()).toMatch(/AXFR, incoming, remote 127\.0\.0\.1@\d+.*finished/);
    const host7 = await kdig(['A', `host7.${Z}`, '+norecurse'], { target: { port: k.port } });
    expect(host7.answer.map((r) => r.rdata)).toEqual(['10.0.0.7']);

    // A new version: host0 goes, host500 and www come. Knot refreshes hourly, so only our NOTIFY makes it look.
    const next: ResourceRecord[] = [
      ...zoneRecords(Z, 500).filter((r) => r.name !== `host0.${Z}`),
      ...zoneRecords(Z, 1, 500).slice(2),
      a(`www.${Z}`, '192.0.2.80'),
    ];
    testZones.set(Z, 101, next);
    await untilSerial(k, 101, 'the IXFR after NOTIFY');
    // Our NOTIFY (the startup one may come before or after), then the IXFR it caused.
    expect(k.output()).toMatch(
      /notify, incoming, remote 127\.0\.0\.1@\d+[^\n]*\n.*remote serial 101, zone is outdated/,
    );
    expect(k.output()).toMatch(/IXFR, incoming, remote 127\.0\.0\.1@\d+, finished/);
    expect(k.output()).toMatch(/zone updated, [\d.]+ seconds, serial 100 -> 101/);
    expect(
      tsdns.logs.some((l) => l.includes('Outgoing incremental transfer of') && l.includes('from 100 to 101')),
    ).toBe(true);

    const target = { target: { port: k.port } };
    expect((await kdig(['A', `www.${Z}`, '+norecurse'], target)).answer.map((r) => r.rdata)).toEqual([
      '192.0.2.80',
    ]);
    expect((await kdig(['A', `host500.${Z}`, '+norecurse'], target)).answer.map((r) => r.rdata)).toEqual([
      '10.0.1.244',
    ]);
    expect((await kdig(['A', `host0.${Z}`, '+norecurse'], target)).status).toBe('NXDOMAIN');

    // Knot's copy is the same zone as ours, record for record.
    const axfr = await runTool('kdig', ['@127.0.0.1', '-p', String(k.port), 'AXFR', Z, '+timeout=5']);
    const lines = axfr.stdout.split('\n').filter((l) => l.trim() !== '' && !l.startsWith(';'));
    expect(lines).toHaveLength(next.length + 2);
  });
});

/** "owner type rdata" for the A records of a step. */
function rrText(rr: ResourceRecord): string {
  return rr.type === 'A' ? `${rr.name} A ${rr.data}` : `${rr.name} ${rr.type}`;
}

describe.skipIf(!haveKnot)('transferIn from knotd as the primary', () => {
  function zoneFile(serial: number, body: string[]): string {
    return [
      `$ORIGIN ${Z}`,
      '$TTL 300',
      `@ SOA ns1 hostmaster ${serial} 3600 600 86400 60`,
      '@ NS ns1',
      'ns1 A 192.0.2.53',
      ...body,
      '',
    ].join('\n');
  }

  it('pulls the zone by AXFR, then the change by IXFR from the journal, then "current"', async () => {
    knot = await startKnot({
      zones: [{ origin: Z, text: zoneFile(1, ['www A 192.0.2.80', 'old A 192.0.2.1', 'txt TXT "one"']) }],
      journal: true,
    });
    const k = knot;
    const primary = { host: '127.0.0.1', port: k.port };
    await untilSerial(k, 1, 'the zone');
    expect((await querySoa(Z, primary)).data.serial).toBe(1);

    const full = await transferIn(Z, primary);
    expect(full.kind).toBe('axfr');
    if (full.kind !== 'axfr') return;
    expect(full.soa.data).toEqual({
      ...soa(Z, 1).data,
      refresh: 3600,
      retry: 600,
      expire: 86400,
      minimum: 60,
    });
    expect(full.records.map((r) => `${r.name} ${r.type}`).sort()).toEqual(
      [Z, Z, `ns1.${Z}`, `old.${Z}`, `txt.${Z}`, `www.${Z}`]
        .map((n, i) => `${n} ${['SOA', 'NS', 'A', 'A', 'TXT', 'A'][i]}`)
        .sort(),
    );

    await k.reload(Z, zoneFile(2, ['www A 192.0.2.81', 'txt TXT "one"', 'new A 192.0.2.2']));
    await untilSerial(k, 2, 'serial 2');

    const inc = await transferIn(Z, primary, { ixfrFromSerial: 1 });
    expect(inc.kind).toBe('ixfr');
    if (inc.kind !== 'ixfr') return;
    expect(inc.soa.data.serial).toBe(2);
    expect(inc.steps).toHaveLength(1);
    const [step] = inc.steps;
    expect(step.from.data.serial).toBe(1);
    expect(step.to.data.serial).toBe(2);
    expect(step.deleted.map(rrText).sort()).toEqual([`old.${Z} A 192.0.2.1`, `www.${Z} A 192.0.2.80`].sort());
    expect(step.added.map(rrText).sort()).toEqual([`new.${Z} A 192.0.2.2`, `www.${Z} A 192.0.2.81`].sort());

    expect(await transferIn(Z, primary, { ixfrFromSerial: 2 })).toMatchObject({ kind: 'current' });
    // A serial Knot's journal does not reach back to: the whole zone.
    const old = await transferIn(Z, primary, { ixfrFromSerial: 0 });
    expect(old.kind).toBe('axfr');
    expect(old.kind === 'axfr' && old.records.length).toBe(6);
  });
});
