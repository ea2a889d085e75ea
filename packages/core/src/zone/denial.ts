import type { ZoneNode, ZoneRecord } from './node.js';

/**
 * Authenticated denial of existence (RFC 4035 3.1.3, RFC 5155 7.2): which NSEC or NSEC3
 * records, with their RRSIGs, prove a negative or wildcard answer. Each method appends to
 * the authority section, skipping records already there. `key` is the lowercased name
 * that was looked up and `ceKey` its closest encloser.
 */
export interface Denial {
  /** The name exists (node; an empty non-terminal too) but not with the asked type. */
  noData(out: ZoneRecord[], node: ZoneNode): void;
  /** The name does not exist, and no wildcard at the closest encloser does either. */
  nxDomain(out: ZoneRecord[], key: string, ceKey: string): void;
  /** The answer was synthesized from the wildcard at ceKey: no closer name exists. */
  wildcardAnswer(out: ZoneRecord[], key: string, ceKey: string): void;
  /** The wildcard at ceKey matched but lacks the type. */
  wildcardNoData(out: ZoneRecord[], key: string, ceKey: string, wildcard: ZoneNode): void;
  /** A delegation without DS: prove the DS is absent (RFC 4035 3.1.4.1). */
  insecureReferral(out: ZoneRecord[], cut: ZoneNode): void;
}

/** Appends `r` unless it is already in `out` (proofs of chained steps overlap). */
export function pushOnce(out: ZoneRecord[], r: ZoneRecord): void {
  if (!out.includes(r)) out.push(r);
}
