import { A, AAAA } from './address.js';
import type { RdataCodec } from './codec.js';
import { NSEC, NSEC3, NSEC3PARAM, RRSIG } from './dnssec.js';
import { CDNSKEY, CDS, DNSKEY, DS, SSHFP, TLSA } from './keys.js';
import { CNAME, DNAME, MX, NS, PTR, SOA } from './names.js';
import { NAPTR, SRV } from './service.js';
import { HTTPS, SVCB } from './svcb.js';
import { CAA, HINFO, SPF, TXT } from './text.js';
import { TSIG } from './tsig.js';

export type { RdataCodec } from './codec.js';

// prettier-ignore
const ALL: readonly RdataCodec[] = [
  A, AAAA, NS, CNAME, DNAME, PTR, SOA, MX, TXT, SPF, SRV, NAPTR, CAA, HINFO, SSHFP, TLSA, DS, CDS,
  DNSKEY, CDNSKEY, RRSIG, NSEC, NSEC3, NSEC3PARAM, SVCB, HTTPS, TSIG,
] as RdataCodec[];

/** Codecs by type number (a dense array: the largest typed number is CAA's 257). */
export const codecsByCode: ReadonlyArray<RdataCodec | undefined> = (() => {
  const table: Array<RdataCodec | undefined> = new Array<RdataCodec | undefined>(258).fill(undefined);
  for (const c of ALL) table[c.code] = c;
  return table;
})();

/** Codecs by the `type` string records carry. */
export const codecsByType: ReadonlyMap<string, RdataCodec> = new Map(ALL.map((c) => [c.type, c]));

/**
 * The codec for a record's `type` string. The commonest types are compared first: the type
 * strings are constants, so that is a pointer comparison each, where a Map lookup touches
 * a hash table that is cold by the time each response is encoded.
 */
export function codecForType(type: string): RdataCodec | undefined {
  switch (type) {
    case 'A':
      return A as RdataCodec;
    case 'AAAA':
      return AAAA as RdataCodec;
    case 'CNAME':
      return CNAME as RdataCodec;
    case 'NS':
      return NS as RdataCodec;
    case 'SOA':
      return SOA as RdataCodec;
    case 'SRV':
      return SRV as RdataCodec;
    case 'MX':
      return MX as RdataCodec;
    case 'PTR':
      return PTR as RdataCodec;
    case 'TXT':
      return TXT as RdataCodec;
    default:
      return codecsByType.get(type);
  }
}
