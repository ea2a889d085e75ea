/**
 * Knot (Debian's knotd) as the upstream name server of a test "node": the address a
 * cluster's resolv.conf names. A resolv.conf cannot give a port, so Knot listens on port 53
 * of a loopback address of the test's own (127.0.0.0/8 is all loopback on Linux), which
 * needs root; `canServePort53` tells tests to skip without it.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { hasTool, kdig } from '@tsdns/testing';

export const canServePort53 = process.getuid?.() === 0 && hasTool('knotd') && hasTool('kdig');

export interface KnotUpstream {
  readonly host: string;
  /** resolv.conf text naming this server (and a search line, as a node's has). */
  resolvConf(search?: readonly string[]): string;
  stop(): Promise<void>;
}

/** Starts knotd on `host`:53 serving `zones` (origin to zone file text); resolves once all answer. */
export async function startKnotUpstream(
  host: string,
  zones: Readonly<Record<string, string>>,
): Promise<KnotUpstream> {
  const dir = mkdtempSync(join(tmpdir(), 'tsdns-knot-'));
  const zoneConf: string[] = ['zone:'];
  for (const [origin, text] of Object.entries(zones)) {
    const file = join(dir, `${origin}zone`);
    writeFileSync(file, text);
    zoneConf.push(`  - domain: ${origin}`, `    file: ${file}`);
  }
  const conf = join(dir, 'knot.conf');
  writeFileSync(
    conf,
    [
      'server:',
      `    listen: ${host}@53`,
      `    rundir: ${dir}`,
      '    udp-workers: 1',
      '    tcp-workers: 1',
      '    background-workers: 1',
      'database:',
      `    storage: ${dir}`,
      'log:',
      '  - target: stderr',
      '    any: warning',
      ...zoneConf,
      '',
    ].join('\n'),
  );
  const child = spawn('knotd', ['-c', conf], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    await exited;
    rmSync(dir, { recursive: true, force: true });
  };
  const deadline = Date.now() + 15_000;
  for (const origin of Object.keys(zones)) {
    for (;;) {
      if (child.exitCode !== null) {
        await stop();
        throw new Error(`knotd exited: ${stderr}`);
      }
      const r = await kdig([origin, 'SOA'], { target: { host, port: 53 } }).catch(() => undefined);
      if (r?.status === 'NOERROR' && r.answer.some((a) => a.type === 'SOA')) break;
      if (Date.now() > deadline) {
        await stop();
        throw new Error(`knotd on ${host}:53 did not serve ${origin}: ${stderr}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  return {
    host,
    resolvConf: (search = []) =>
      `${search.length > 0 ? `search ${search.join(' ')}\n` : ''}nameserver ${host}\noptions ndots:5\n`,
    stop,
  };
}
