import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Flag, Opcode, Rcode, getOpcode, getRcode, transferIn, type ResourceRecord } from '@tsdns/core';
import { NotifyListener, hasTool, query, runTool, startTestServer, type TestServer } from '@tsdns/testing';
import transfer from './index.js';
import { a, soa, testZones, zoneRecords, zoneSourcePlugin } from './test-support/zones.js';

const Z = 'example.org.';
const plugins = [transfer, zoneSourcePlugin];
let server: TestServer | undefined;
const listeners: NotifyListener[] = [];

beforeEach(() => testZones.reset());
afterEach(async () => {
  await server?.stop();
  server = undefined;
  for (const l of listeners.splice(0)) await l.close();
});

async function start(body: string, zone = 'example.org'): Promise<TestServer> {
  server = await startTestServer({
    corefile: ([port]) => `${zone}:${port} {\n${body}\n  zonesrc\n}\n`,
    plugins,
    captureLogs: true,
  });
  return server;
}

async function listener(): Promise<NotifyListener> {
  const l = await NotifyListener.start();
  listeners.push(l);
  return l;
}

/** The records of an AXFR as dig or kdig print them: every line that is not a comment. */
function printedRecords(stdout: string): string[][] {
  return stdout
    .split('\n')
    .filter((l) => l.trim() !== '' && !l.startsWith(';'))
    .map((l) => l.trim().split(/\s+/));
}

describe('transfer', () => {
  it.skipIf(!hasTool('kdig'))('lets kdig AXFR a zone of several messages, SOA first and last', async () => {
    testZones.set(Z, 2024, zoneRecords(Z, 5000));
    const s = await start('  transfer {\n    to 127.0.0.1\n  }');
    const run = await runTool('kdig', ['@127.0.0.1', '-p', String(s.port), 'AXFR', Z, '+timeout=5']);
    expect(run.exitCode).toBe(0);
    const records = printedRecords(run.stdout);
    expect(records).toHaveLength(5000 + 2 + 2);
    expect(records[0].slice(3, 4)).toEqual(['SOA']);
    expect(records[records.length - 1].slice(3, 4)).toEqual(['SOA']);
    const received = /;; Received \d+ B \((\d+) messages, (\d+) records\)/.exec(run.stdout);
    expect(received).not.toBeNull();
    expect(Number(received?.[1])).toBeGreaterThan(1);
    expect(Number(received?.[2])).toBe(5004);
    expect(s.logs).toContain(
      `[INFO] plugin/transfer: Outgoing transfer of 5004 records of zone "${Z}" to 127.0.0.1 for 2024 SOA serial`,
    );
  });

  it.skipIf(!hasTool('dig'))('lets dig AXFR the zone', async () => {
    testZones.set(Z, 7, zoneRecords(Z, 300));
    const s = await start('  transfer {\n    to *\n  }');
    const run = await runTool('dig', ['@127.0.0.1', '-p', String(s.port), 'AXFR', Z, '+time=5']);
    expect(run.exitCode).toBe(0);
    const records = printedRecords(run.stdout);
    expect(records).toHaveLength(304);
    expect(records.filter((r) => r[3] === 'A')).toHaveLength(301);
    expect(run.stdout).toMatch(/;; XFR size: 304 records \(messages \d+, bytes \d+\)/);
  });

  it.skipIf(!hasTool('kdig'))('refuses clients that `to` does not list', async () => {
    testZones.set(Z, 1, zoneRecords(Z, 3));
    const s = await start('  transfer {\n    to 10.0.0.0/8 192.0.2.1\n  }');
    const run = await runTool('kdig', ['@127.0.0.1', '-p', String(s.port), 'AXFR', Z, '+timeout=2']);
    expect(run.stdout + run.stderr).toMatch(/REFUSED/);
  });

  it('answers IXFR from the zone source history, which it turns on', async () => {
    testZones.set(Z, 1, zoneRecords(Z, 3));
    const s = await start('  transfer {\n    to 127.0.0.1\n  }');
    expect(testZones.keepsHistory).toBe(true);
    testZones.set(Z, 2, zoneRecords(Z, 4));
    const got = await transferIn(Z, { host: '127.0.0.1', port: s.port }, { ixfrFromSerial: 1 });
    expect(got).toEqual({
      kind: 'ixfr',
      soa: soa(Z, 2),
      steps: [{ from: soa(Z, 1), to: soa(Z, 2), deleted: [], added: [zoneRecords(Z, 1, 3)[2]] }],
    });
  });

  it('passes other queries, and transfers of zones it does not cover, to the next plugin', async () => {
    testZones.set(Z, 1, zoneRecords(Z, 3));
    testZones.set('other.org.', 1, zoneRecords('other.org.', 1));
    const s = await start('  transfer example.org {\n    to *\n  }', 'org');
    const r = await s.query(`host1.${Z}`, 'A');
    expect(r.answers).toEqual([zoneRecords(Z, 3)[3]]);
    expect(r.flags & Flag.AA).toBe(Flag.AA);
    // zonesrc refuses transfers itself: the transfer plugin did not take this one.
    const other = await transferIn('other.org.', { host: '127.0.0.1', port: s.port }).catch(
      (e: unknown) => e,
    );
    expect((other as { rcode?: number }).rcode).toBe(Rcode.REFUSED);
    expect((await transferIn(Z, { host: '127.0.0.1', port: s.port })).kind).toBe('axfr');
  });

  it('refuses AXFR over UDP', async () => {
    testZones.set(Z, 1, zoneRecords(Z, 1));
    const s = await start('  transfer {\n    to *\n  }');
    const r = await query(s.target, Z, 'AXFR');
    expect(getRcode(r)).toBe(Rcode.REFUSED);
  });

  it('NOTIFYs single-address targets at startup and on every new serial, not networks or *', async () => {
    const l1 = await listener();
    const l2 = await listener();
    testZones.set(Z, 1, zoneRecords(Z, 1));
    await start(`  transfer {\n    to 127.0.0.1:${l1.port} 10.0.0.0/8 *\n    to 127.0.0.1:${l2.port}\n  }`);
    const [first] = await l1.waitFor(1, 4000);
    expect(getOpcode(first)).toBe(Opcode.NOTIFY);
    expect(first.flags & Flag.AA).toBe(Flag.AA);
    expect(first.questions).toEqual([{ name: Z, type: 'SOA', class: 'IN' }]);
    await l2.waitFor(1, 4000);

    testZones.set(Z, 2, zoneRecords(Z, 2));
    await l1.waitFor(2, 4000);
    await l2.waitFor(2, 4000);
    expect(l1.received[1].questions[0].name).toBe(Z);
  });

  it('NOTIFYs for zone changes below its zones, with the targets of the most specific directive', async () => {
    const general = await listener();
    const specific = await listener();
    testZones.set(`sub.${Z}`, 1, zoneRecords(`sub.${Z}`, 1));
    testZones.set(Z, 1, zoneRecords(Z, 1));
    await start(
      `  transfer {\n    to 127.0.0.1:${general.port}\n  }\n  transfer sub.example.org {\n    to 127.0.0.1:${specific.port}\n  }`,
    );
    // Startup: each zone goes to its own directive's targets.
    await general.waitFor(1, 4000);
    await specific.waitFor(1, 4000);
    testZones.set(`sub.${Z}`, 2, zoneRecords(`sub.${Z}`, 2));
    await specific.waitFor(2, 4000);
    expect(specific.received.map((m) => m.questions[0].name)).toEqual([`sub.${Z}`, `sub.${Z}`]);
    expect(general.received.map((m) => m.questions[0].name)).toEqual([Z]);
  });
});

describe('transfer with file', () => {
  it.skipIf(!hasTool('kdig'))(
    'transfers a file zone, and NOTIFYs when the file gets a new serial',
    async () => {
      const { mkdtempSync, writeFileSync, rmSync } = await import('node:fs');
      const { tmpdir } = await import('node:os');
      const { join } = await import('node:path');
      const file = (await import('@tsdns/plugin-file')).default;
      const dir = mkdtempSync(join(tmpdir(), 'tsdns-transfer-'));
      const zoneText = (serial: number, extra: string): string =>
        [
          '$ORIGIN example.org.',
          '$TTL 300',
          `@ IN SOA ns1 hostmaster ${serial} 3600 600 86400 60`,
          '@ IN NS ns1',
          'ns1 IN A 192.0.2.53',
          'www IN A 192.0.2.80',
          extra,
          '',
        ].join('\n');
      try {
        writeFileSync(join(dir, 'db.example.org'), zoneText(1, ''));
        const l = await listener();
        server = await startTestServer({
          corefile: ([port]) =>
            `example.org:${port} {\n  transfer {\n    to 127.0.0.1 127.0.0.1:${l.port}\n  }\n  file ${join(dir, 'db.example.org')} {\n    reload 1s\n  }\n}\n`,
          plugins: [transfer, file],
          captureLogs: true,
        });
        const run = await runTool('kdig', ['@127.0.0.1', '-p', String(server.port), 'AXFR', Z, '+timeout=5']);
        const records = printedRecords(run.stdout);
        expect(records.map((r) => r[3])).toEqual(['SOA', 'NS', 'A', 'A', 'SOA']);

        // The startup NOTIFY, then one for the new serial.
        await l.waitFor(1, 4000);
        writeFileSync(join(dir, 'db.example.org'), zoneText(2, 'new IN A 192.0.2.99'));
        const notifies = await l.waitFor(2, 6000);
        expect(notifies.map((m) => m.questions[0].name)).toEqual([Z, Z]);
        const got = await transferIn(Z, { host: '127.0.0.1', port: server.port }, { ixfrFromSerial: 1 });
        expect(got.soa.data.serial).toBe(2);
        const added: ResourceRecord[] =
          got.kind === 'ixfr' ? got.steps.flatMap((s) => s.added) : got.kind === 'axfr' ? got.records : [];
        expect(added).toContainEqual(a(`new.${Z}`, '192.0.2.99'));
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  );
});
