/**
 * A real DNS server (Knot, Unbound) run as a foreground child process for the length of a
 * test, with its configuration and state in a directory of its own.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { query } from '../client.js';
import type { Target } from '../query-message.js';

export interface PeerProcess {
  /** The program's name, for messages. */
  readonly name: string;
  /** Its configuration and state. */
  readonly dir: string;
  /** What it printed so far (stdout and stderr), for failure messages and log assertions. */
  output(): string;
  readonly running: boolean;
  /** Ends it (SIGTERM, SIGKILL after 3 s), waits for the exit, and removes `dir` when the runner made it. */
  stop(): Promise<void>;
}

export interface StartPeerOptions {
  name: string;
  command: string;
  args: readonly string[];
  dir: string;
  /** Remove `dir` at stop (a directory the runner made for it). */
  removeDir: boolean;
  /** Whether it serves yet; polled until true. */
  ready: () => Promise<boolean>;
  /** Milliseconds to wait for `ready`; default 15000. */
  timeout?: number;
}

const KILL_AFTER_MS = 3000;
const READY_POLL_MS = 50;

/** A new empty directory under the system's temporary directory. */
export function makeTempDir(prefix: string): string {
  return mkdtempSync(join(tmpdir(), `tsdns-${prefix}-`));
}

/**
 * Whether the server at `target` answers a query for `name`/`type`: with any reply, or
 * with `withRecords` only a reply with answer records (a zone that has loaded).
 */
export async function answersQuery(
  target: Target,
  name: string,
  type: string,
  withRecords: boolean,
): Promise<boolean> {
  try {
    const reply = await query(target, name, type, { timeout: 300, rd: false });
    return !withRecords || reply.answers.length > 0;
  } catch {
    return false;
  }
}

/** Spawns the program and resolves once `ready` holds; a failed start stops it and says why. */
export async function startPeer(opts: StartPeerOptions): Promise<PeerProcess> {
  const child = spawn(opts.command, opts.args, { cwd: opts.dir, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (out += d.toString()));
  let exited = false;
  const exit = new Promise<void>((resolve) =>
    child.once('close', () => {
      exited = true;
      resolve();
    }),
  );
  child.once('error', (e) => {
    out += `\nspawn error: ${e.message}`;
    // A program that never started emits no exit of its own.
    if (child.pid === undefined) exited = true;
  });
  const peer: PeerProcess = {
    name: opts.name,
    dir: opts.dir,
    output: () => out,
    get running() {
      return !exited;
    },
    async stop() {
      if (!exited) {
        child.kill('SIGTERM');
        const killer = setTimeout(() => child.kill('SIGKILL'), KILL_AFTER_MS);
        await exit;
        clearTimeout(killer);
      }
      if (opts.removeDir) rmSync(opts.dir, { recursive: true, force: true });
    },
  };
  const timeout = opts.timeout ?? 15_000;
  const deadline = Date.now() + timeout;
  for (;;) {
    if (exited) {
      await peer.stop();
      throw new Error(`${opts.name} exited during startup:\n${out}`);
    }
    if (await opts.ready()) return peer;
    if (Date.now() > deadline) {
      await peer.stop();
      throw new Error(`${opts.name} did not serve within ${timeout} ms:\n${out}`);
    }
    await sleep(READY_POLL_MS);
  }
}
