import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { freePorts, query } from '@tsdns/testing';

export interface KnotZone {
  origin: string;
  file: string;
}

export interface Knot {
  readonly port: number;
  stop(): Promise<void>;
}

/**
 * Runs Debian's knotd in the foreground on a free loopback port, serving `zones` from their
 * files as they are (no signing, no journal), with its state in `dir`. Resolves once every
 * zone answers its SOA.
 */
export async function startKnot(dir: string, zones: readonly KnotZone[]): Promise<Knot> {
  const [port] = await freePorts(1);
  mkdirSync(join(dir, 'db'), { recursive: true });
  const conf = join(dir, 'knot.conf');
  writeFileSync(
    conf,
    [
      'server:',
      `    listen: 127.0.0.1@${port}`,
      `    rundir: ${dir}`,
      '    udp-workers: 1',
      '    tcp-workers: 1',
      'database:',
      `    storage: ${join(dir, 'db')}`,
      'log:',
      '  - target: stderr',
      '    any: warning',
      'template:',
      '  - id: default',
      '    zonefile-sync: -1',
      '    zonefile-load: whole',
      '    journal-content: none',
      '    semantic-checks: off',
      'zone:',
      ...zones.flatMap((z) => [`  - domain: ${z.origin}`, `    file: ${z.file}`]),
      '',
    ].join('\n'),
  );
  const child: ChildProcess = spawn('knotd', ['-c', conf], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    await exited;
  };
  const deadline = Date.now() + 15_000;
  for (const z of zones) {
    for (;;) {
      if (child.exitCode !== null) throw new Error(`knotd exited: ${stderr}`);
      try {
        const r = await query({ port }, z.origin, 'SOA', { timeout: 300, rd: false });
        if (r.answers.length > 0) break;
      } catch {
        // not listening yet
      }
      if (Date.now() > deadline) {
        await stop();
        throw new Error(`knotd did not serve ${z.origin}: ${stderr}`);
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  return { port, stop };
}
