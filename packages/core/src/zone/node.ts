import type { ZoneRecord } from '../zonefile/reader.js';

export type { ZoneRecord };

/** Bits of ZoneNode.flags, precomputed so the lookup decides with one AND. */
export const NodeFlag = {
  /** The zone's apex. */
  APEX: 1,
  /** Owns NS and is not the apex: a zone cut (delegation point). */
  CUT: 2,
  /** Owns a DNAME. */
  DNAME: 4,
  /** Owns a CNAME. */
  CNAME: 8,
  /** A strict ancestor (below the apex, or the apex for DNAME) is a cut or owns a DNAME. */
  OCCLUDED: 16,
  /** Owns an NSEC record. */
  NSEC: 32,
  /** Its parent pointer and OCCLUDED bit are final (set while sealing). */
  LINKED: 64,
} as const;

/** The wildcard name directly below `key` ("*.example." for "example.", "*." for the root). */
export function wildcardKey(key: string): string {
  return key === '.' ? '*.' : '*.' + key;
}

const NO_RECORDS: ZoneRecord[] = [];

/**
 * One owner name of a zone. Empty non-terminals are nodes without records, so "does this
 * name exist" is one Map lookup. Kept to four fields because a large zone has one per name.
 */
export class ZoneNode {
  /** Parent node (one label less); null only for the apex and before sealing. */
  parent: ZoneNode | null = null;
  flags = 0;
  constructor(
    /** The owner name lowercased: the Map key, and the form canonical order compares. */
    readonly key: string,
    /** Every record at this name, RRSIG and NSEC included, in the order they were added. */
    public records: ZoneRecord[] = NO_RECORDS,
  ) {}

  /** An empty non-terminal (or a name whose only data moved elsewhere). */
  get empty(): boolean {
    return this.records.length === 0;
  }
}
