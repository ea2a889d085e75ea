import type { Dirent } from 'node:fs';
import { readdir, realpath, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { OriginPattern } from './pattern.js';

/** A zone file found by a scan. */
export interface FoundZone {
  /** The zone's name, lowercased and absolute. */
  readonly origin: string;
  readonly path: string;
}

/** What one scan of a directory found. */
export interface ScanResult {
  /** One file per zone, the first in walk order. */
  readonly zones: Map<string, string>;
  /** Zones more than one file names: the origin and the files not used. */
  readonly duplicates: FoundZone[];
  /** Entries that could not be read, with the reason (logged, never fatal). */
  readonly errors: string[];
}

/**
 * Walks `directory` and its subdirectories in lexical order (as CoreDNS's filepath.Walk
 * does), matching every file's base name against `pattern`. `directory` itself may be a
 * symbolic link (Kubernetes ConfigMap mounts are); files may be links to files. Entries
 * whose names start with a dot are skipped: editors' swap files and the `..data` links
 * of ConfigMap volumes would otherwise be read as zones, or the same zone twice.
 */
export async function scanDirectory(directory: string, pattern: OriginPattern): Promise<ScanResult> {
  const result: ScanResult = { zones: new Map(), duplicates: [], errors: [] };
  let root: string;
  try {
    root = await realpath(directory);
  } catch (e) {
    result.errors.push(`error reading ${directory}: ${(e as Error).message}`);
    return result;
  }
  await walk(root, pattern, result);
  return result;
}

async function walk(dir: string, pattern: OriginPattern, result: ScanResult): Promise<void> {
  let entries: Dirent[];
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch (e) {
    result.errors.push(`error reading ${dir}: ${(e as Error).message}`);
    return;
  }
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const entry of entries) {
    if (entry.name.startsWith('.')) continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      await walk(path, pattern, result);
      continue;
    }
    const origin = pattern.origin(entry.name);
    if (origin === undefined) continue;
    if (entry.isSymbolicLink()) {
      // A link is a zone file only if it leads to one (a link to a directory is not walked).
      try {
        if (!(await stat(path)).isFile()) continue;
      } catch (e) {
        result.errors.push(`error reading ${path}: ${(e as Error).message}`);
        continue;
      }
    } else if (!entry.isFile()) continue;
    if (result.zones.has(origin)) result.duplicates.push({ origin, path });
    else result.zones.set(origin, path);
  }
}
