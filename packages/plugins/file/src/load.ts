import { readZone, Zone, type SoaData } from '@tsdns/core';

/** RFC 1982 serial number arithmetic: whether serial `a` is newer than `b`. */
export function serialNewer(a: number, b: number): boolean {
  const d = (a - b) >>> 0;
  return d !== 0 && d < 0x80000000;
}

/**
 * Reads the zone file at `path` as zone `origin` and returns the sealed zone. With
 * `olderSerial`, stops as soon as the SOA is read and returns undefined unless its serial
 * is newer: a periodic check costs a few lines, not a whole parse. Throws ZoneFileError
 * (file:line:column) for bad text or records outside the zone, ZoneError for zone-level
 * faults, and the file system's error when the file cannot be read.
 */
export async function loadZone(
  path: string,
  origin: string,
  olderSerial?: number,
): Promise<Zone | undefined> {
  const zone = new Zone(origin);
  let soaSeen = false;
  for await (const rr of readZone(path, { origin, rejectOutOfZone: true })) {
    if (!soaSeen && rr.type === 'SOA') {
      soaSeen = true;
      if (olderSerial !== undefined && !serialNewer((rr.data as SoaData).serial, olderSerial))
        return undefined;
    }
    zone.add(rr, path);
  }
  return zone.seal();
}
