import type { SoaData } from '../wire/types.js';
import { readZone } from '../zonefile/reader.js';
import { compareSerials } from '../plugin/transfer-history.js';
import { Zone } from './zone.js';

/**
 * Reads the master file at `path` as zone `origin` and returns the sealed zone: what file,
 * auto and a secondary's persisted copy all load. With `olderSerial`, reading stops as soon
 * as the SOA is seen and returns undefined unless its serial is newer (RFC 1982), so a
 * periodic check costs a few lines rather than a whole parse. Throws ZoneFileError
 * (file:line:column) for bad text or records outside the zone, ZoneError for zone-level
 * faults (no SOA, CNAME beside other data), and the file system's error when the file
 * cannot be opened.
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
      if (olderSerial !== undefined && compareSerials((rr.data as SoaData).serial, olderSerial) <= 0)
        return undefined;
    }
    zone.add(rr, path);
  }
  return zone.seal();
}
