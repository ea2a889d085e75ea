/**
 * The shapes of decoded DNS messages.
 *
 * Record shapes follow dns-packet's (`{ name, type, class, ttl, data }`, the same rdata
 * field names) so JavaScript users feel at home. Two deliberate differences, both for a
 * server's needs:
 *  - names are absolute presentation-form strings with the trailing dot ("example.org.",
 *    root is "."), with RFC 1035 escapes (`\.`, `\DDD`) for bytes that need them, as CoreDNS
 *    and dig print them; the original letter case is kept;
 *  - the header keeps the raw 16-bit flags word; helpers in `header.ts` read and set bits.
 */

/**
 * Mnemonic of a resource record type: 'A', 'AAAA', ..., the query-only 'ANY', 'AXFR', 'IXFR',
 * or 'TYPE65280' (RFC 3597) for any type without typed rdata here.
 */
export type RRType = string;

/** Mnemonic of a class: 'IN', 'CH', 'HS', 'NONE', 'ANY' or 'CLASS123'. */
export type RRClass = string;

export interface Question {
  name: string;
  type: RRType;
  class: RRClass;
}

export interface SoaData {
  mname: string;
  rname: string;
  serial: number;
  refresh: number;
  retry: number;
  expire: number;
  minimum: number;
}
export interface MxData { preference: number; exchange: string }
export interface SrvData { priority: number; weight: number; port: number; target: string }
export interface NaptrData {
  order: number;
  preference: number;
  flags: string;
  services: string;
  regexp: string;
  replacement: string;
}
export interface CaaData { flags: number; tag: string; value: Uint8Array; issuerCritical?: boolean }
export interface HinfoData { cpu: string; os: string }
export interface SshfpData { algorithm: number; hash: number; fingerprint: Uint8Array }
export interface TlsaData { usage: number; selector: number; matchingType: number; certificate: Uint8Array }
/** DS and CDS. */
export interface DsData { keyTag: number; algorithm: number; digestType: number; digest: Uint8Array }
/** DNSKEY and CDNSKEY. */
export interface DnskeyData { flags: number; protocol: number; algorithm: number; key: Uint8Array }
export interface RrsigData {
  typeCovered: RRType;
  algorithm: number;
  labels: number;
  originalTTL: number;
  /** seconds since the epoch (serial-number arithmetic is the reader's business) */
  expiration: number;
  inception: number;
  keyTag: number;
  signersName: string;
  signature: Uint8Array;
}
export interface NsecData { nextDomain: string; rrtypes: RRType[] }
export interface Nsec3Data {
  algorithm: number;
  flags: number;
  iterations: number;
  salt: Uint8Array;
  /** the raw next hashed owner name (printed in base32hex) */
  nextDomain: Uint8Array;
  rrtypes: RRType[];
}
export interface Nsec3ParamData { algorithm: number; flags: number; iterations: number; salt: Uint8Array }
/** One SvcParam (RFC 9460); known keys are decoded, others kept raw. */
export type SvcParam =
  | { key: 'mandatory'; value: string[] }
  | { key: 'alpn'; value: string[] }
  | { key: 'no-default-alpn'; value?: undefined }
  | { key: 'port'; value: number }
  | { key: 'ipv4hint'; value: string[] }
  | { key: 'ech'; value: Uint8Array }
  | { key: 'ipv6hint'; value: string[] }
  | { key: string; value: Uint8Array };
/** SVCB and HTTPS. */
export interface SvcbData { priority: number; target: string; params: SvcParam[] }
export interface TsigData {
  algorithm: string;
  /** seconds since the epoch (48-bit on the wire) */
  timeSigned: number;
  fudge: number;
  mac: Uint8Array;
  originalId: number;
  error: number;
  otherData: Uint8Array;
}

/** EDNS(0) options (RFC 6891 section 6.1.2). Known codes decode to typed objects. */
export type EdnsOption =
  | { code: 3; type: 'NSID'; data: Uint8Array }
  | {
      code: 8;
      type: 'CLIENT_SUBNET';
      family: number;
      sourcePrefixLength: number;
      scopePrefixLength: number;
      /** the address in presentation form, padded out from the truncated wire bytes */
      ip: string;
    }
  | { code: 10; type: 'COOKIE'; client: Uint8Array; server?: Uint8Array }
  | { code: 11; type: 'TCP_KEEPALIVE'; timeout?: number }
  | { code: 12; type: 'PADDING'; length: number }
  | { code: 15; type: 'EDE'; infoCode: number; extraText: string }
  | { code: number; type?: undefined; data: Uint8Array };

/** The OPT pseudo-record (RFC 6891). It lives in `additionals`, as in dns-packet. */
export interface OptRecord {
  name: '.';
  type: 'OPT';
  udpPayloadSize: number;
  /** the upper 8 bits of the 12-bit extended rcode */
  extendedRcode: number;
  ednsVersion: number;
  /** the 16-bit EDNS flags word; bit 15 is DO */
  flags: number;
  options: EdnsOption[];
}

interface RR<T extends RRType, D> {
  name: string;
  type: T;
  class: RRClass;
  ttl: number;
  data: D;
}

/** Resource records, discriminated by `type`. */
export type TypedRecord =
  | RR<'A', string>
  | RR<'AAAA', string>
  | RR<'NS', string>
  | RR<'CNAME', string>
  | RR<'DNAME', string>
  | RR<'PTR', string>
  | RR<'SOA', SoaData>
  | RR<'MX', MxData>
  /** TXT and SPF: the character-strings as raw bytes (a string is accepted when encoding) */
  | RR<'TXT', Uint8Array[]>
  | RR<'SPF', Uint8Array[]>
  | RR<'SRV', SrvData>
  | RR<'NAPTR', NaptrData>
  | RR<'CAA', CaaData>
  | RR<'HINFO', HinfoData>
  | RR<'SSHFP', SshfpData>
  | RR<'TLSA', TlsaData>
  | RR<'DS', DsData>
  | RR<'CDS', DsData>
  | RR<'DNSKEY', DnskeyData>
  | RR<'CDNSKEY', DnskeyData>
  | RR<'RRSIG', RrsigData>
  | RR<'NSEC', NsecData>
  | RR<'NSEC3', Nsec3Data>
  | RR<'NSEC3PARAM', Nsec3ParamData>
  | RR<'SVCB', SvcbData>
  | RR<'HTTPS', SvcbData>
  | RR<'TSIG', TsigData>;

/** Any other type (RFC 3597): named TYPEnnn, rdata kept as opaque bytes that round-trip exactly. */
export interface UnknownRecord {
  name: string;
  type: `TYPE${number}`;
  class: RRClass;
  ttl: number;
  data: Uint8Array;
}

export type ResourceRecord = TypedRecord | OptRecord | UnknownRecord;

/** Rdata of any record, for code that handles records generically. */
export type RecordData = TypedRecord['data'] | Uint8Array;

export interface Message {
  id: number;
  /** the 16-bit flags word: QR, opcode, AA, TC, RD, RA, Z, AD, CD and the low 4 bits of rcode */
  flags: number;
  questions: Question[];
  answers: ResourceRecord[];
  authorities: ResourceRecord[];
  additionals: ResourceRecord[];
}
