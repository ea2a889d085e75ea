import type { RrsigData } from '../wire/types.js';
import { typeToNumber } from '../wire/constants.js';
import type { ZoneNode, ZoneRecord } from './node.js';

/** Type numbers the lookup algorithm treats specially. */
export const T = {
  A: 1,
  NS: 2,
  CNAME: 5,
  SOA: 6,
  MX: 15,
  AAAA: 28,
  SRV: 33,
  DNAME: 39,
  DS: 43,
  RRSIG: 46,
  NSEC: 47,
  NSEC3: 50,
  NSEC3PARAM: 51,
  SVCB: 64,
  HTTPS: 65,
  IXFR: 251,
  AXFR: 252,
  ANY: 255,
} as const;

/** The type number an RRSIG covers. */
export function coveredType(sig: ZoneRecord): number {
  return typeToNumber((sig.data as RrsigData).typeCovered);
}

/** Whether `node` owns at least one record of type `type` (a record `type` string). */
export function hasType(node: ZoneNode, type: string): boolean {
  const records = node.records;
  for (let i = 0; i < records.length; i++) if (records[i].type === type) return true;
  return false;
}

/** The first record of `type` at `node`, or undefined. */
export function firstOfType(node: ZoneNode, type: string): ZoneRecord | undefined {
  const records = node.records;
  for (let i = 0; i < records.length; i++) if (records[i].type === type) return records[i];
  return undefined;
}

/** Appends the records of `type` at `node` to `out`; returns how many. */
export function pushType(out: ZoneRecord[], node: ZoneNode, type: string): number {
  const records = node.records;
  let n = 0;
  for (let i = 0; i < records.length; i++) {
    if (records[i].type === type) {
      out.push(records[i]);
      n++;
    }
  }
  return n;
}

/** Appends the RRSIGs at `node` that cover type number `covered`. */
export function pushSigs(out: ZoneRecord[], node: ZoneNode, covered: number): void {
  const records = node.records;
  for (let i = 0; i < records.length; i++) {
    const r = records[i];
    if (r.type === 'RRSIG' && coveredType(r) === covered) out.push(r);
  }
}

/** A copy of `r` owned by `owner`: wildcard synthesis (RFC 4592 3.3.1). */
export function withOwner(r: ZoneRecord, owner: string): ZoneRecord {
  return { ...r, name: owner };
}

/** Appends copies of the records of `type` at wildcard `node`, owned by `owner`. */
export function pushSynthesized(out: ZoneRecord[], node: ZoneNode, type: string, owner: string): number {
  const records = node.records;
  let n = 0;
  for (let i = 0; i < records.length; i++) {
    if (records[i].type === type) {
      out.push(withOwner(records[i], owner));
      n++;
    }
  }
  return n;
}

/** Appends copies of the RRSIGs at wildcard `node` covering `covered`, owned by `owner`. */
export function pushSynthesizedSigs(out: ZoneRecord[], node: ZoneNode, covered: number, owner: string): void {
  const records = node.records;
  for (let i = 0; i < records.length; i++) {
    const r = records[i];
    if (r.type === 'RRSIG' && coveredType(r) === covered) out.push(withOwner(r, owner));
  }
}
