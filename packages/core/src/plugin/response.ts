/**
 * What kind of answer a response is and its class (CoreDNS's plugin/pkg/response): cache
 * decides on it whether and how long to keep a response, log which lines to print and what
 * `log/type` and `log/class` say.
 */
import { EDNS_DO, Opcode, Rcode } from '../wire/constants.js';
import { getOpt } from '../wire/edns.js';
import { getOpcode, getRcode } from '../wire/header.js';
import type { Message, ResourceRecord, RrsigData } from '../wire/types.js';

/** The kinds of response, valued with CoreDNS's names for them. */
export const ResponseType = {
  /** A positive answer (NOERROR with records, or NOERROR with nothing that says otherwise). */
  NoError: 'NOERROR',
  /** NXDOMAIN. */
  NameError: 'NXDOMAIN',
  /** SERVFAIL or NOTIMP. */
  ServerError: 'SERVERERROR',
  /** NOERROR without the data and with an SOA in authority (RFC 2308 NODATA). */
  NoData: 'NODATA',
  /** NOERROR with NS records in authority and no SOA: a referral. */
  Delegation: 'DELEGATION',
  /** NOTIFY, AXFR, IXFR. */
  Meta: 'META',
  /** Dynamic update. */
  Update: 'UPDATE',
  /** Anything else: REFUSED, FORMERR, NXDOMAIN with answers, a signature out of its validity period. */
  OtherError: 'OTHERERROR',
} as const;
export type ResponseType = (typeof ResponseType)[keyof typeof ResponseType];

/** The classes of response, valued with the names the log plugin's `class` option takes. */
export const ResponseClass = {
  Success: 'success',
  Denial: 'denial',
  Error: 'error',
} as const;
export type ResponseClass = (typeof ResponseClass)[keyof typeof ResponseClass];

/** Serial-number arithmetic window for RRSIG times (RFC 4034 section 3.1.5): 68 years. */
const YEAR68 = 2 ** 31;

/**
 * Whether an RRSIG is inside its validity period at `nowSeconds` (Unix time), reading
 * inception and expiration in 32-bit serial arithmetic as RFC 4034 asks.
 */
export function rrsigValidAt(sig: RrsigData, nowSeconds: number): boolean {
  const now = Math.floor(nowSeconds);
  const inception = sig.inception + Math.trunc((sig.inception - now) / YEAR68) * YEAR68;
  const expiration = sig.expiration + Math.trunc((sig.expiration - now) / YEAR68) * YEAR68;
  return inception <= now && now <= expiration;
}

function hasExpiredSignature(records: readonly ResourceRecord[], nowSeconds: number): boolean {
  for (let i = 0; i < records.length; i++) {
    const rr = records[i];
    if (rr.type === 'RRSIG' && !rrsigValidAt(rr.data, nowSeconds)) return true;
  }
  return false;
}

/**
 * CoreDNS's response.Typify: the kind of a response by opcode, question type, rcode and
 * sections. When the query asked for DNSSEC (DO set in the response's OPT), a response
 * carrying a signature outside its validity period at `nowSeconds` (Unix time) is
 * OtherError: it must not be cached and served on.
 */
export function typifyResponse(msg: Message, nowSeconds: number): ResponseType {
  const opcode = getOpcode(msg);
  if (opcode === Opcode.UPDATE) return ResponseType.Update;
  if (opcode === Opcode.NOTIFY) return ResponseType.Meta;
  const q = msg.questions[0];
  if (q !== undefined && (q.type === 'AXFR' || q.type === 'IXFR')) return ResponseType.Meta;

  const opt = getOpt(msg);
  if (
    opt !== undefined &&
    (opt.flags & EDNS_DO) !== 0 &&
    (hasExpiredSignature(msg.answers, nowSeconds) ||
      hasExpiredSignature(msg.authorities, nowSeconds) ||
      hasExpiredSignature(msg.additionals, nowSeconds))
  ) {
    return ResponseType.OtherError;
  }

  const rcode = getRcode(msg);
  if (msg.answers.length > 0) {
    if (rcode === Rcode.NOERROR) return ResponseType.NoError;
    if (rcode === Rcode.NXDOMAIN) return ResponseType.OtherError;
  }
  let soa = false;
  let ns = false;
  for (const rr of msg.authorities) {
    if (rr.type === 'SOA') soa = true;
    else if (rr.type === 'NS') ns = true;
  }
  if (soa && rcode === Rcode.NOERROR) return ResponseType.NoData;
  if (rcode === Rcode.NXDOMAIN) return ResponseType.NameError;
  if (rcode === Rcode.SERVFAIL || rcode === Rcode.NOTIMP) return ResponseType.ServerError;
  if (ns && rcode === Rcode.NOERROR) return ResponseType.Delegation;
  if (rcode === Rcode.NOERROR) return ResponseType.NoError;
  return ResponseType.OtherError;
}

/** CoreDNS's response.Classify: answers and referrals succeed, NXDOMAIN and NODATA deny, the rest fail. */
export function classifyResponse(type: ResponseType): ResponseClass {
  switch (type) {
    case ResponseType.NoError:
    case ResponseType.Delegation:
      return ResponseClass.Success;
    case ResponseType.NameError:
    case ResponseType.NoData:
      return ResponseClass.Denial;
    default:
      return ResponseClass.Error;
  }
}
