/**
 * Runs a real DNS server (Knot, Unbound) as a foreground child process on a loopback port for
 * the length of a test, in a temporary directory of its own.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { query } from '@tsdns/testing';

export interface Daemon {
  readonly name: string;
  readonly dir: string;
  /** Output so far (stdout and stderr), for failure messages. */
  output(): string;
  /** Stops the process (SIGTERM, then SIGKILL) and waits for it to exit. */
  stop(): Promise<void>;
  readonly running: boolean;
}

export function tempDir(prefix: string): string {
  return mkdtempSync(join(tmpdir(), `tsdns-${prefix}-`));
}

/** Spawns `command`, then waits until `probe` answers a query for `readyName`. */
export async function startDaemon(opts: {
  name: string;
  dir: string;
  command: string;
  args: readonly string[];
  /** A port and name to query until the daemon answers. */
  probe: { port: number; name: string; type: string };
  timeoutMs?: number;
}): Promise<Daemon> {
  const child: ChildProcess = spawn(opts.command, opts.args, {
    cwd: opts.dir,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout?.on('data', (d) => (out += String(d)));
  child.stderr?.on('data', (d) => (out += String(d)));
  let exited = false;
  const exit = new Promise<void>((resolve) =>
    child.once('exit', () => {
      exited = true;
      resolve();
    }),
  );
  child.once('error', (e) => (out += `\nspawn error: ${e.message}`));
  const daemon: Daemon = {
    name: opts.name,
    dir: opts.dir,
    output: () => out,
    get running() {
      return !exited;
    },
    async stop() {
      if (!exited) {
        child.kill('SIGTERM');
        const killer = setTimeout(() => child.kill('SIGKILL'), 3000);
        await exit;
        clearTimeout(killer);
      }
      rmSync(opts.dir, { recursive: true, force: true });
    },
  };
  const deadline = Date.now() + (opts.timeoutMs ?? 10_000);
  while (true) {
    if (exited) {
      await daemon.stop();
      throw new Error(`${opts.name} exited during startup:\n${out}`);
    }
    try {
      await query({ port: opts.probe.port }, opts.probe.name, opts.probe.type, { timeout: 200 });
      return daemon;
    } catch {
      if (Date.now() > deadline) {
        await daemon.stop();
        throw new Error(`${opts.name} did not answer within ${opts.timeoutMs ?? 10_000} ms:\n${out}`);
      }
      await new Promise((r) => setTimeout(r, 50));
    }
  }
}
