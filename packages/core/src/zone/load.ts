import type { SoaData } from '../wire/types.js';
import { nameEquals } from '../wire/name.js';
import { readZoneBatches, type RecordBatch } from '../zonefile/reader.js';
import { compareSerials } from '../plugin/transfer-history.js';
import { ZoneError } from './errors.js';
import { Zone } from './zone.js';

/**
 * Reads the master file at `path` as zone `origin` and returns the sealed zone: what file,
 * auto and a secondary's persisted copy all load. With `olderSerial`, reading stops as soon
 * as the SOA is seen and returns undefined unless its serial is newer (RFC 1982), so a
 * periodic check costs a few lines rather than a whole parse.
 *
 * Every fault names the file and line: ZoneFileError (file:line:column) for bad text, a
 * record outside the zone or of another class; ZoneError with `where` = file:line:column
 * for a record the zone refuses (a CNAME beside other data, a second SOA, an SOA below the
 * apex: the position of that record) and for the faults found when sealing, which all
 * concern the apex (no SOA, no NS at the apex, an unusable NSEC3 chain: the position of the
 * first record at the apex, or `file:1:1` when the file has none). The file system's
 * error when the file cannot be opened.
 */
export async function loadZone(
  path: string,
  origin: string,
  olderSerial?: number,
): Promise<Zone | undefined> {
  const zone = new Zone(origin);
  let soaSeen = false;
  // Kept only for the first record at the apex (usually the SOA on the first lines), so a
  // large zone pays one length comparison per record for it.
  let apexWhere: string | undefined;
  // Batches rather than readZone's records one by one: no promise per record.
  for await (const batch of readZoneBatches(path, { origin, rejectOutOfZone: true })) {
    const records = batch.records;
    for (let i = 0; i < batch.length; i++) {
      const rr = records[i];
      if (!soaSeen && rr.type === 'SOA') {
        soaSeen = true;
        if (olderSerial !== undefined && compareSerials((rr.data as SoaData).serial, olderSerial) <= 0)
          return undefined;
      }
      if (apexWhere === undefined && nameEquals(rr.name, zone.origin)) apexWhere = positionOf(batch, i);
      try {
        zone.add(rr);
      } catch (e) {
        throw located(e, positionOf(batch, i));
      }
    }
  }
  try {
    return zone.seal();
  } catch (e) {
    throw located(e, apexWhere ?? `${path}:1:1`);
  }
}

function positionOf(batch: RecordBatch, i: number): string {
  return `${batch.files[i] ?? '<input>'}:${batch.lines[i]}:${batch.columns[i]}`;
}

/** The ZoneError `e` with its source position; any other error as it is. */
function located(e: unknown, where: string): unknown {
  return e instanceof ZoneError && e.where === undefined ? new ZoneError(e.reason, e.origin, where) : e;
}
