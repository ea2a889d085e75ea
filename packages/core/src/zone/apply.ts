import { nameKey } from '../wire/name.js';
import type { ResourceRecord } from '../wire/types.js';
import type { ZoneDiff } from '../plugin/transfer-history.js';
import { ZoneError } from './errors.js';
import type { ZoneRecord } from './node.js';
import { sameRdata } from './rdata-equal.js';
import { Zone } from './zone.js';

/** The index of the record in `records` that an IXFR deletion of `rr` names, or -1. */
function indexOf(records: readonly ZoneRecord[], rr: ZoneRecord): number {
  // RFC 1995 deletes by owner, type, class and rdata; the TTL does not identify a record.
  for (let i = 0; i < records.length; i++) {
    const r = records[i];
    if (r.type === rr.type && r.class === rr.class && sameRdata(r.type, r.data, rr.data)) return i;
  }
  return -1;
}

/**
 * A new version of `zone` with the IXFR steps applied in order (RFC 1995): each step's
 * deletions removed, its additions added, its closing SOA as the new SOA. The steps must
 * chain from `zone`'s serial; a step that deletes a record the zone does not hold, or
 * that breaks the chain, means the difference was computed from another version, and
 * throws ZoneError (the caller falls back to a full transfer). So does a result that is
 * not a valid zone. `zone` itself is not changed. Only the owner names the steps touch
 * are copied; the cost beyond that is rebuilding the zone's index.
 */
export function applyZoneDiffs(zone: Zone, steps: readonly ZoneDiff[]): Zone {
  let soa = zone.soa as ResourceRecord;
  let serial = zone.serial;
  // Owner key -> that owner's records after the steps so far, for every owner a step touched.
  const touched = new Map<string, ZoneRecord[]>();
  const recordsOf = (key: string): ZoneRecord[] => {
    let list = touched.get(key);
    if (list === undefined) {
      list = [];
      const node = zone.nodes.get(key);
      if (node !== undefined) for (const r of node.records) if (r.type !== 'SOA') list.push(r);
      const nsec3 = zone.nsec3Nodes.get(key);
      if (nsec3 !== undefined) for (const r of nsec3.records) list.push(r);
      touched.set(key, list);
    }
    return list;
  };
  for (const step of steps) {
    if (step.from.data.serial !== serial) {
      throw new ZoneError(
        `IXFR step from serial ${step.from.data.serial} does not start at the zone's serial ${serial}`,
        zone.origin,
      );
    }
    for (const deleted of step.deleted) {
      if (deleted.type === 'OPT') continue;
      const rr = deleted as ZoneRecord;
      const list = recordsOf(nameKey(rr.name));
      const i = indexOf(list, rr);
      if (i < 0)
        throw new ZoneError(`IXFR deletes ${rr.name} ${rr.type}, which the zone does not hold`, zone.origin);
      list.splice(i, 1);
    }
    for (const added of step.added) {
      if (added.type === 'OPT') continue;
      const rr = added as ZoneRecord;
      const list = recordsOf(nameKey(rr.name));
      // A record added again replaces the old one: its TTL may have changed.
      const i = indexOf(list, rr);
      if (i >= 0) list[i] = rr;
      else list.push(rr);
    }
    soa = step.to;
    serial = step.to.data.serial;
  }
  const next = new Zone(zone.origin);
  next.add(soa);
  for (const node of zone.nodes.values()) {
    if (touched.has(node.key)) continue;
    const records = node.records;
    for (let i = 0; i < records.length; i++) if (records[i].type !== 'SOA') next.add(records[i]);
  }
  for (const node of zone.nsec3Nodes.values()) {
    if (!touched.has(node.key)) for (const r of node.records) next.add(r);
  }
  for (const list of touched.values()) for (const r of list) next.add(r);
  return next.seal();
}
