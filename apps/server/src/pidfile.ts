/** The -pidfile: the process id and a newline, written once the server runs, removed at exit. */
import { rmSync, writeFileSync } from 'node:fs';

export function writePidfile(path: string): void {
  writeFileSync(path, `${process.pid}\n`, { mode: 0o644 });
}

/** Removes the file; a file already gone is fine. Synchronous because it runs on the way out. */
export function removePidfile(path: string): void {
  rmSync(path, { force: true });
}
