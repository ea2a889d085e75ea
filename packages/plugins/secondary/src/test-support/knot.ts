import { spawn, execFile, type ChildProcess } from 'node:child_process';
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { query } from '@tsdns/testing';

/** A knotd primary serving one zone from a file, with a journal (so it serves IXFR) and NOTIFY. */
export interface KnotPrimary {
  readonly port: number;
  readonly zoneFile: string;
  /** Replaces the zone file and has knotd load it (knotc zone-reload); knotd then NOTIFYs. */
  update(text: string): Promise<void>;
  stop(): Promise<void>;
}

/**
 * Runs Debian's knotd in the foreground as the primary for `origin` on 127.0.0.1:`port`,
 * its state (config, journal, control socket) in `dir`. Zone file changes are loaded as
 * differences and kept in the journal, so knotd answers IXFR; every change is NOTIFYed to
 * 127.0.0.1:`notifyPort`. Resolves once the zone answers its SOA.
 */
export async function startKnotPrimary(
  dir: string,
  origin: string,
  text: string,
  port: number,
  notifyPort: number,
): Promise<KnotPrimary> {
  mkdirSync(join(dir, 'db'), { recursive: true });
  const zoneFile = join(dir, `${origin}zone`);
  writeFileSync(zoneFile, text);
  const socket = join(dir, 'knot.sock');
  const conf = join(dir, 'knot.conf');
  writeFileSync(
    conf,
    [
      'server:',
      `    listen: 127.0.0.1@${port}`,
      `    rundir: ${dir}`,
      '    udp-workers: 1',
      '    tcp-workers: 1',
      '    background-workers: 1',
      'database:',
      `    storage: ${join(dir, 'db')}`,
      'control:',
      `    listen: ${socket}`,
      'log:',
      '  - target: stderr',
      '    any: warning',
      'remote:',
      '  - id: tsdns',
      `    address: 127.0.0.1@${notifyPort}`,
      'acl:',
      '  - id: transfer',
      '    address: 127.0.0.0/8',
      '    action: transfer',
      'template:',
      '  - id: default',
      `    storage: ${dir}`,
      '    zonefile-sync: -1',
      '    zonefile-load: difference',
      '    journal-content: changes',
      '    semantic-checks: off',
      'zone:',
      `  - domain: ${origin}`,
      `    file: ${zoneFile}`,
      '    notify: tsdns',
      '    acl: transfer',
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
  for (;;) {
    if (child.exitCode !== null) throw new Error(`knotd exited: ${stderr}`);
    try {
      const r = await query({ port }, origin, 'SOA', { timeout: 300, rd: false });
      if (r.answers.length > 0) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`knotd did not serve ${origin}: ${stderr}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  let n = 0;
  return {
    port,
    zoneFile,
    async update(next: string): Promise<void> {
      const tmp = `${zoneFile}.${n++}`;
      writeFileSync(tmp, next);
      renameSync(tmp, zoneFile);
      await new Promise<void>((resolve, reject) =>
        execFile('knotc', ['-s', socket, 'zone-reload', origin], (err, _out, errText) =>
          err === null ? resolve() : reject(new Error(`knotc zone-reload: ${errText || err.message}`)),
        ),
      );
    },
    stop,
  };
}
