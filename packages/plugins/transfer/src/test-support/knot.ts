import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { freePorts, kdig } from '@tsdns/testing';

export interface Knot {
  readonly port: number;
  /** The control socket, for knotc -s. */
  readonly socket: string;
  /** Everything knotd logged so far (info and above). */
  log(): string;
  stop(): Promise<void>;
}

/**
 * Runs Debian's knotd in the foreground on a free loopback port with the configuration
 * lines `zoneConf` (remotes, acls, zones) after a common head, its state in `dir`,
 * logging at info level to stderr.
 */
export async function startKnot(dir: string, zoneConf: readonly string[], port?: number): Promise<Knot> {
  const p = port ?? (await freePorts(1))[0];
  mkdirSync(join(dir, 'db'), { recursive: true });
  const conf = join(dir, 'knot.conf');
  const socket = join(dir, 'knot.sock');
  writeFileSync(
    conf,
    [
      'server:',
      `    listen: 127.0.0.1@${p}`,
      `    rundir: ${dir}`,
      '    udp-workers: 1',
      '    tcp-workers: 1',
      '    background-workers: 1',
      'control:',
      `    listen: ${socket}`,
      'database:',
      `    storage: ${join(dir, 'db')}`,
      'log:',
      '  - target: stderr',
      '    any: info',
      ...zoneConf,
      '',
    ].join('\n'),
  );
  const child: ChildProcess = spawn('knotd', ['-c', conf], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    port: p,
    socket,
    log: () => stderr,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}

/** The SOA serial knotd serves for `zone`, or undefined while it serves none. */
export async function knotSerial(knot: Knot, zone: string): Promise<number | undefined> {
  const r = await kdig(['SOA', zone, '+norecurse'], { target: { host: '127.0.0.1', port: knot.port } });
  const soa = r.answer.find((rr) => rr.type === 'SOA');
  return soa === undefined ? undefined : Number(soa.rdata.split(' ')[2]);
}

/** Polls until `check` holds; throws with `what` and knotd's log after `timeoutMs`. */
export async function waitUntil(
  knot: Knot,
  what: string,
  check: () => Promise<boolean>,
  timeoutMs = 15_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; knotd log:\n${knot.log()}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
