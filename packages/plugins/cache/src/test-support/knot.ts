import { spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { freePorts, query } from '@tsdns/testing';

export interface RunningKnot {
  readonly port: number;
  /** Ends knotd (SIGTERM) and waits for it to exit. */
  stop(): Promise<void>;
}

/**
 * Starts Debian's knotd in the foreground on 127.0.0.1 and a free port, serving one zone
 * from `zoneText`, with all of its state under `dir`. Resolves when the zone answers.
 */
export async function startKnot(dir: string, origin: string, zoneText: string): Promise<RunningKnot> {
  const [port] = await freePorts(1);
  const zoneFile = join(dir, 'zone.db');
  mkdirSync(join(dir, 'storage'), { recursive: true });
  writeFileSync(zoneFile, zoneText);
  const config = join(dir, 'knot.conf');
  writeFileSync(
    config,
    `server:
    listen: 127.0.0.1@${port}
    rundir: ${dir}
    udp-workers: 1
    tcp-workers: 1
database:
    storage: ${join(dir, 'storage')}
log:
  - target: stderr
    any: error
zone:
  - domain: ${origin}
    file: ${zoneFile}
    zonefile-sync: -1
    journal-content: none
`,
  );
  const child = spawn('knotd', ['-c', config], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    await exited;
  };
  const deadline = Date.now() + 10_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`knotd exited early: ${stderr}`);
    try {
      const soa = await query({ port }, origin, 'SOA', { timeout: 250, rd: false });
      if (soa.answers.length > 0) break;
    } catch {
      // not answering yet
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`knotd did not serve ${origin} in time: ${stderr}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return { port, stop };
}
