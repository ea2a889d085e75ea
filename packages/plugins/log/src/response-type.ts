import { EDNS_DO, Opcode, Rcode, getOpcode, getOpt, getRcode, type Message, type ResourceRecord } from '@tsdns/core';

/**
 * What kind of response a message is (CoreDNS's response.Typify), the basis of the log
 * classes and of the `log/type` metadata.
 */
export type ResponseType =
  | 'NOERROR'
  | 'NXDOMAIN'
  | 'SERVERERROR'
  | 'NODATA'
  | 'DELEGATION'
  | 'META'
  | 'UPDATE'
  | 'OTHERERROR';

/** The classes `log { class ... }` selects on (CoreDNS's response.Class). */
export type ResponseClass = 'success' | 'denial' | 'error';

/** RRSIG times are 32-bit serial numbers (RFC 4034 3.1.5): 68 years, half their range, apart. */
const YEAR68 = 2 ** 31;

/** Moves an RRSIG time by whole 68-year periods the way miekg/dns's ValidityPeriod does. */
function shiftTime(t: number, now: number): number {
  return t + Math.trunc((t - now) / YEAR68) * YEAR68;
}

/** Whether `now` (seconds since the epoch) lies inside the signature's validity period. */
function inValidityPeriod(inception: number, expiration: number, now: number): boolean {
  return shiftTime(inception, now) <= now && now <= shiftTime(expiration, now);
}

function hasExpiredSignature(records: readonly ResourceRecord[], now: number): boolean {
  for (const rr of records) {
    if (rr.type === 'RRSIG' && !inValidityPeriod(rr.data.inception, rr.data.expiration, now)) return true;
  }
  return false;
}

/**
 * Types a response the way CoreDNS's cache and log do. `now` is seconds since the epoch:
 * when the query asked for DNSSEC (DO set in the response's OPT), a response carrying a
 * signature outside its validity period is OTHERERROR.
 */
export function typifyResponse(msg: Message | undefined, now: number): ResponseType {
  if (msg === undefined) return 'OTHERERROR';
  const opcode = getOpcode(msg);
  if (opcode === Opcode.UPDATE) return 'UPDATE';
  if (opcode === Opcode.NOTIFY) return 'META';
  const qtype = msg.questions[0]?.type;
  if (qtype === 'AXFR' || qtype === 'IXFR') return 'META';

  const opt = getOpt(msg);
  if (opt !== undefined && (opt.flags & EDNS_DO) !== 0) {
    if (
      hasExpiredSignature(msg.answers, now) ||
      hasExpiredSignature(msg.authorities, now) ||
      hasExpiredSignature(msg.additionals, now)
    ) {
      return 'OTHERERROR';
    }
  }

  const rcode = getRcode(msg);
  if (msg.answers.length > 0) {
    if (rcode === Rcode.NOERROR) return 'NOERROR';
    if (rcode === Rcode.NXDOMAIN) return 'OTHERERROR';
  }
  let soa = false;
  let ns = 0;
  for (const rr of msg.authorities) {
    if (rr.type === 'SOA') soa = true;
    else if (rr.type === 'NS') ns++;
  }
  if (soa && rcode === Rcode.NOERROR) return 'NODATA';
  if (rcode === Rcode.NXDOMAIN) return 'NXDOMAIN';
  if (rcode === Rcode.SERVFAIL || rcode === Rcode.NOTIMP) return 'SERVERERROR';
  if (ns > 0 && rcode === Rcode.NOERROR) return 'DELEGATION';
  if (rcode === Rcode.NOERROR) return 'NOERROR';
  return 'OTHERERROR';
}

/** The class of a response type: answers and referrals succeed, NXDOMAIN and NODATA deny. */
export function classifyResponse(type: ResponseType): ResponseClass {
  switch (type) {
    case 'NOERROR':
    case 'DELEGATION':
      return 'success';
    case 'NXDOMAIN':
    case 'NODATA':
      return 'denial';
    default:
      return 'error';
  }
}
