import { mkdir, open, rename, stat, unlink, utimes } from 'node:fs/promises';
import { join } from 'node:path';
import { formatZone, loadZone, type Zone } from '@tsdns/core';

/** Characters kept as they are in a file name; everything else is %-encoded. */
const SAFE = /[a-z0-9._-]/;
/** Text gathered before each write, so a large zone costs few system calls. */
const CHUNK = 1 << 16;

/**
 * The file name a zone is kept under: its name without the final dot, with every
 * character outside [a-z0-9._-] %-encoded (so no name can climb out of the directory or
 * collide with another), and `.zone` after it; the root zone is `@.zone`.
 */
export function zoneFileName(origin: string): string {
  const key = origin.toLowerCase();
  if (key === '.') return '@.zone';
  let out = '';
  for (const ch of key.slice(0, -1)) {
    out += SAFE.test(ch)
      ? ch
      : [...Buffer.from(ch, 'utf8')].map((b) => `%${b.toString(16).padStart(2, '0')}`).join('');
  }
  return `${out}.zone`;
}

/** A zone read back from the directory, with when it was last known current. */
export interface PersistedZone {
  readonly zone: Zone;
  /** When the primary last confirmed this version (the file's modification time), ms since the epoch. */
  readonly refreshedAt: number;
}

/**
 * Keeps transferred zones in a directory (`persist DIR`), one master file each, so that
 * after a restart the secondary serves them at once while it checks its primaries. Files
 * are written with core's zone writer to a temporary name, flushed and renamed over the
 * old one, so a crash leaves the previous copy or the new one, never half of one. The
 * file's modification time records when the primary last confirmed the version: the
 * expire timer runs on from there.
 */
export class ZoneDirectory {
  constructor(readonly dir: string) {}

  /** Creates the directory if needed; throws if it cannot be. */
  async prepare(): Promise<void> {
    await mkdir(this.dir, { recursive: true });
  }

  path(origin: string): string {
    return join(this.dir, zoneFileName(origin));
  }

  /**
   * The copy of `origin` kept here, or undefined when there is none. A copy that does not
   * load (damaged, or written by something else) is reported through `onError` and
   * ignored: the zone is transferred afresh.
   */
  async read(origin: string, onError: (message: string) => void): Promise<PersistedZone | undefined> {
    const path = this.path(origin);
    let refreshedAt: number;
    try {
      refreshedAt = (await stat(path)).mtimeMs;
    } catch {
      return undefined;
    }
    try {
      const zone = await loadZone(path, origin);
      return zone === undefined ? undefined : { zone, refreshedAt };
    } catch (e) {
      onError(`Ignoring the kept copy of zone "${origin}": ${(e as Error).message}`);
      return undefined;
    }
  }

  /** Writes `zone` atomically (see the class comment), stamped with `refreshedAt`. */
  async write(zone: Zone, note: string, refreshedAt = Date.now()): Promise<void> {
    const path = this.path(zone.origin);
    const tmp = join(this.dir, `.${zoneFileName(zone.origin)}.${process.pid}.tmp`);
    const file = await open(tmp, 'w', 0o644);
    try {
      let text = `; ${note}\n`;
      // records() repeats the SOA at the end, as a transfer does; a file needs it once.
      const records = zone.records();
      const all = { [Symbol.iterator]: () => withoutLast(records) };
      for (const line of formatZone(all, { origin: zone.origin })) {
        text += line;
        if (text.length >= CHUNK) {
          await file.write(text);
          text = '';
        }
      }
      if (text.length > 0) await file.write(text);
      await file.sync();
    } catch (e) {
      await file.close();
      await unlink(tmp).catch(() => undefined);
      throw e;
    }
    await file.close();
    await rename(tmp, path);
    const at = new Date(refreshedAt);
    await utimes(path, at, at);
  }

  /** Records that the primary confirmed the kept version now (a refresh found no change). */
  async touch(origin: string, at = Date.now()): Promise<void> {
    const when = new Date(at);
    await utimes(this.path(origin), when, when);
  }
}

/** An iterator over all of `it` but its last element. */
function* withoutLast<T>(it: Iterator<T>): Generator<T> {
  let prev = it.next();
  if (prev.done === true) return;
  for (let cur = it.next(); cur.done !== true; cur = it.next()) {
    yield prev.value;
    prev = cur;
  }
}
