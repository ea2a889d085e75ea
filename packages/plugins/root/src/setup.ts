import { statSync, type Stats } from 'node:fs';
import { resolve } from 'node:path';
import type { Dispenser } from '@tsdns/core';

/** What `root` found: the directory, and whether it exists yet. */
export interface RootConfig {
  /** Absolute path: a relative PATH is taken relative to the process's working directory. */
  readonly path: string;
  /** False when the directory does not exist (yet): allowed, with a warning. */
  readonly exists: boolean;
}

/**
 * Reads `root PATH`. The directive may appear once per server block (the server enforces
 * that). A directory that does not exist is accepted, since it may appear before files are
 * read from it; a path that exists but is not a directory, or cannot be examined, is an
 * error.
 */
export function parseRoot(c: Dispenser): RootConfig {
  c.next(); // the directive
  const args = c.remainingArgs();
  // remainingArgs stops before a '{'; nextArg then steps onto it, for an error that names it.
  if (c.nextArg() || args.length !== 1) throw c.argErr();
  const arg = args[0];
  const path = resolve(arg);
  let stats: Stats;
  try {
    stats = statSync(path);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return { path, exists: false };
    throw c.err(`unable to access root path '${arg}': ${(e as Error).message}`);
  }
  if (!stats.isDirectory()) throw c.err(`root path '${arg}' is not a directory`);
  return { path, exists: true };
}
