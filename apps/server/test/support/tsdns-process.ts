/**
 * Runs the built `tsdns` executable (dist/main.js) as a real process with a Corefile in a
 * fresh temporary directory, for the integration tests. Every process a test file started
 * is killed when the file's tests are done, if it is still running.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll } from 'vitest';
import { freePorts } from '@tsdns/testing';

export const BIN = fileURLToPath(new URL('../../dist/main.js', import.meta.url));

export function assertBuilt(): void {
  if (!existsSync(BIN)) {
    throw new Error(
      `${BIN} is missing: build first (npx pnpm@12.4.2 test builds everything, or turbo run build)`,
    );
  }
}

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface TsdnsProcess {
  readonly child: ChildProcess;
  /** The temporary working directory holding the Corefile and any other files. */
  readonly dir: string;
  readonly ports: readonly number[];
  /** Everything written so far. */
  stdout(): string;
  stderr(): string;
  /** Resolves when stdout has matched `pattern` (from the start), rejects on exit or timeout. */
  waitForStdout(pattern: RegExp, timeout?: number): Promise<void>;
  /** Resolves when stdout holds `count` lines that contain `text`. */
  waitForLines(text: string, count: number, timeout?: number): Promise<void>;
  /** Resolves on exit. */
  readonly exited: Promise<Exit>;
  /** Writes a file in `dir` (e.g. a new Corefile before a reload). */
  writeFile(name: string, text: string): void;
  signal(sig: NodeJS.Signals): void;
}

const running = new Set<ChildProcess>();
const dirs: string[] = [];

afterAll(async () => {
  for (const child of running) {
    if (child.exitCode === null && child.signalCode === null) {
      const gone = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGKILL');
      await gone;
    }
  }
  running.clear();
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

export interface SpawnOptions {
  /** The Corefile written as `Corefile` in the working directory; a function gets free ports. */
  corefile?: string | ((ports: readonly number[]) => string);
  portCount?: number;
  /** More files for the working directory. */
  files?: Record<string, string>;
  /** Command-line arguments; default ['-conf', 'Corefile'] when a corefile is given. */
  args?: readonly string[] | ((ports: readonly number[]) => readonly string[]);
}

export async function spawnTsdns(opts: SpawnOptions = {}): Promise<TsdnsProcess> {
  assertBuilt();
  const ports = await freePorts(opts.portCount ?? (opts.corefile === undefined ? 0 : 1));
  const dir = mkdtempSync(join(tmpdir(), 'tsdns-it-'));
  dirs.push(dir);
  if (opts.corefile !== undefined) {
    writeFileSync(
      join(dir, 'Corefile'),
      typeof opts.corefile === 'string' ? opts.corefile : opts.corefile(ports),
    );
  }
  for (const [name, text] of Object.entries(opts.files ?? {})) writeFileSync(join(dir, name), text);
  const args =
    typeof opts.args === 'function'
      ? opts.args(ports)
      : (opts.args ?? (opts.corefile === undefined ? [] : ['-conf', 'Corefile']));
  const child = spawn(process.execPath, [BIN, ...args], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
  running.add(child);
  let out = '';
  let err = '';
  const waiters = new Set<() => void>();
  child.stdout!.setEncoding('utf8').on('data', (d: string) => {
    out += d;
    for (const w of waiters) w();
  });
  child.stderr!.setEncoding('utf8').on('data', (d: string) => {
    err += d;
  });
  const exited = new Promise<Exit>((resolve) => {
    child.once('exit', (code, signal) => {
      for (const w of waiters) w();
      resolve({ code, signal });
    });
  });
  return {
    child,
    dir,
    ports,
    stdout: () => out,
    stderr: () => err,
    exited,
    writeFile: (name, text) => writeFileSync(join(dir, name), text),
    signal: (sig) => {
      child.kill(sig);
    },
    waitForStdout(pattern, timeout = 10_000) {
      return waitFor(() => pattern.test(out), String(pattern), timeout);
    },
    waitForLines(text, count, timeout = 10_000) {
      return waitFor(() => countLines(out, text) >= count, `${count} lines with "${text}"`, timeout);
    },
  };

  function waitFor(done: () => boolean, what: string, timeout: number): Promise<void> {
    return new Promise((resolve, reject) => {
      const check = (): void => {
        if (done()) finish();
        else if (child.exitCode !== null || child.signalCode !== null) {
          finish(
            new Error(
              `tsdns exited (${child.exitCode ?? child.signalCode}) before printing ${what}\nstdout:\n${out}\nstderr:\n${err}`,
            ),
          );
        }
      };
      const timer = setTimeout(
        () =>
          finish(
            new Error(`tsdns did not print ${what} within ${timeout} ms\nstdout:\n${out}\nstderr:\n${err}`),
          ),
        timeout,
      );
      const finish = (e?: Error): void => {
        clearTimeout(timer);
        waiters.delete(check);
        if (e) reject(e);
        else resolve();
      };
      waiters.add(check);
      check();
    });
  }
}

/** How many lines of `text` contain `needle`. */
export function countLines(text: string, needle: string): number {
  let n = 0;
  for (const line of text.split('\n')) if (line.includes(needle)) n++;
  return n;
}

/** Starts tsdns and waits until it has printed its version line, i.e. it is serving. */
export async function startTsdns(opts: SpawnOptions): Promise<TsdnsProcess> {
  const p = await spawnTsdns(opts);
  await p.waitForStdout(/^tsdns-\d+\.\d+\.\d+/m);
  return p;
}

/** Runs tsdns to completion (for -version, -plugins and startup failures). */
export async function runTsdns(opts: SpawnOptions): Promise<Exit & { stdout: string; stderr: string }> {
  const p = await spawnTsdns(opts);
  const exit = await p.exited;
  return { ...exit, stdout: p.stdout(), stderr: p.stderr() };
}
