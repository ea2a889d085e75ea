import { readFile } from 'node:fs/promises';
import type { CorefileSource } from './types.js';

/** Reads the Corefile at `path` (relative paths from the working directory), named by that path. */
export async function readCorefileFile(path: string): Promise<CorefileSource> {
  return { text: await readFile(path, 'utf8'), filename: path };
}
