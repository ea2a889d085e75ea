import { ResponseType, type Message, type ResourceRecord } from '@tsdns/core';

/** CoreDNS's floor for cached TTLs and its TTL for answers without records (dnsutil). */
export const MINIMAL_DEFAULT_TTL = 5;
/** CoreDNS's default cap for positive answers; denials get half. */
export const MAXIMUM_DEFAULT_TTL = 3600;

function lowestTtl(records: readonly ResourceRecord[], lowest: number): number {
  for (let i = 0; i < records.length; i++) {
    const rr = records[i];
    // An OPT record's TTL field holds the extended rcode and flags, not a TTL.
    if (rr.type !== 'OPT' && rr.ttl < lowest) lowest = rr.ttl;
  }
  return lowest;
}

/**
 * How long, in seconds, a response of `kind` says it may be cached, never more than
 * `maximum` (CoreDNS's dnsutil.MinimalTTLWithMaximum): the lowest TTL of its records.
 * Answers without records, and kinds other than positive or negative answers, get the
 * 5 s fail-safe.
 *
 * For NXDOMAIN and NODATA, RFC 2308 section 5 bounds the negative TTL by the SOA's own TTL
 * and its MINIMUM field; a correct authoritative server has already sent the SOA with the
 * smaller of the two, but a cache must not trust it to have done so.
 */
export function minimalTtl(msg: Message, kind: ResponseType, maximum: number): number {
  if (kind !== ResponseType.NoError && kind !== ResponseType.NameError && kind !== ResponseType.NoData) {
    return MINIMAL_DEFAULT_TTL;
  }
  const extra = msg.additionals;
  if (
    msg.answers.length + msg.authorities.length === 0 &&
    (extra.length === 0 || (extra.length === 1 && extra[0].type === 'OPT'))
  ) {
    return MINIMAL_DEFAULT_TTL;
  }
  let lowest = lowestTtl(msg.answers, maximum);
  lowest = lowestTtl(msg.authorities, lowest);
  lowest = lowestTtl(extra, lowest);
  if (kind !== ResponseType.NoError) {
    for (const rr of msg.authorities) {
      if (rr.type === 'SOA' && rr.data.minimum < lowest) lowest = rr.data.minimum;
    }
  }
  return lowest;
}

/** The cache duration: the response's TTL raised to `min`, then capped at `max`. */
export function clampTtl(ttl: number, min: number, max: number): number {
  return Math.min(Math.max(ttl, min), max);
}
