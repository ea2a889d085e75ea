import { MnemonicError, typeToNumber, typeToString } from '../constants.js';
import { formatIPv4, formatIPv6, parseIPv4, parseIPv6 } from '../ip.js';
import type { TypedRecord } from '../types.js';
import { encodeBase32Hex, encodeBase64, encodeHex } from './binary-text.js';
import { latin1ToBytes, quoteCharString } from './charstring.js';
import { DS_DIGEST_LENGTHS, SSHFP_FINGERPRINT_LENGTHS, tsigErrorToText } from './mnemonics.js';
import { formatSigTime } from './sig-time.js';
import { formatSvcParams, writableSvcParams } from './svcb-text.js';
import { PresentationError } from './token.js';

/**
 * Writers of the typed presentation form of each record type, in the form kdig prints
 * (Knot's rrset-dump with kdig's default style): numbers in decimal, hex upper-case and
 * unbroken, base64 unbroken, character-strings always quoted, RRSIG times as
 * YYYYMMDDHHmmSS.
 *
 * A writer returns null for data that has no typed text form which reads back to the same
 * data (an empty DNSKEY, an NSEC without types, a DS digest of the wrong length for its
 * type, inconsistent SvcParams...). The caller then writes RFC 3597 generic rdata, which
 * always round-trips. kdig cannot print most of these at all.
 */

type DataOf<T extends TypedRecord['type']> = Extract<TypedRecord, { type: T }>['data'];
type Formatters = { [T in TypedRecord['type']]: (data: DataOf<T>) => string | null };

const scratch = new Uint8Array(16);
const CAA_TAG = /^[A-Za-z0-9]{1,255}$/;
const utf8 = new TextEncoder();

function invalid(type: string, message: string): never {
  throw new PresentationError(`${type}: cannot print invalid rdata: ${message}`);
}

function address(type: 'A' | 'AAAA', text: string): string {
  // Re-rendered so data built by hand ("2001:DB8:0::1") prints in canonical form.
  if (type === 'A' ? !parseIPv4(text, scratch, 0) : !parseIPv6(text, scratch, 0)) {
    invalid(type, `not an IP${type === 'A' ? 'v4' : 'v6'} address: ${JSON.stringify(text)}`);
  }
  return type === 'A' ? formatIPv4(scratch, 0) : formatIPv6(scratch, 0);
}

function latin1(type: string, field: string, s: string): Uint8Array {
  const bytes = latin1ToBytes(s);
  if (bytes === null) invalid(type, `${field} has a character beyond U+00FF (one character per byte)`);
  if (bytes.length > 255) invalid(type, `${field} is longer than 255 bytes`);
  return bytes;
}

/** TXT/SPF data as decoded (byte strings), or as the encoder also accepts it (strings, UTF-8). */
function textStrings(data: unknown): string | null {
  if (typeof data === 'string') {
    const bytes = utf8.encode(data);
    if (bytes.length === 0) return '""';
    const parts: string[] = [];
    for (let i = 0; i < bytes.length; i += 255) parts.push(quoteCharString(bytes.subarray(i, i + 255)));
    return parts.join(' ');
  }
  const pieces = data as Array<Uint8Array | string>;
  if (pieces.length === 0) return null;
  const parts: string[] = [];
  for (const piece of pieces) {
    const bytes = typeof piece === 'string' ? utf8.encode(piece) : piece;
    if (bytes.length > 255) invalid('TXT', 'character-string longer than 255 bytes');
    parts.push(quoteCharString(bytes));
  }
  return parts.join(' ');
}

/** A type name in canonical spelling ('a' -> 'A', 'TYPE1' -> 'A'). */
function canonicalType(type: string, text: string): string {
  try {
    return typeToString(typeToNumber(text));
  } catch (err) {
    if (err instanceof MnemonicError) invalid(type, err.message);
    throw err;
  }
}

/** Type lists print in bitmap order (by number, once each), which is what reading them gives. */
function typeList(type: string, types: readonly string[]): string {
  const numbers = new Set<number>();
  for (const t of types) {
    try {
      numbers.add(typeToNumber(t));
    } catch (err) {
      if (err instanceof MnemonicError) invalid(type, err.message);
      throw err;
    }
  }
  return [...numbers]
    .sort((a, b) => a - b)
    .map(typeToString)
    .join(' ');
}

function saltText(salt: Uint8Array): string {
  return salt.length === 0 ? '-' : encodeHex(salt);
}

function u48ToNumber(b: Uint8Array): number {
  return (b[0] * 0x100 + b[1]) * 0x100000000 + ((b[2] << 24) >>> 0) + ((b[3] << 16) | (b[4] << 8) | b[5]);
}

export const RDATA_FORMATTERS: Formatters = {
  A: (d) => address('A', d),
  AAAA: (d) => address('AAAA', d),
  NS: (d) => d,
  CNAME: (d) => d,
  DNAME: (d) => d,
  PTR: (d) => d,
  SOA: (d) => `${d.mname} ${d.rname} ${d.serial} ${d.refresh} ${d.retry} ${d.expire} ${d.minimum}`,
  MX: (d) => `${d.preference} ${d.exchange}`,
  TXT: textStrings,
  SPF: textStrings,
  SRV: (d) => `${d.priority} ${d.weight} ${d.port} ${d.target}`,
  NAPTR: (d) =>
    `${d.order} ${d.preference} ${quoteCharString(latin1('NAPTR', 'flags', d.flags))} ` +
    `${quoteCharString(latin1('NAPTR', 'services', d.services))} ` +
    `${quoteCharString(latin1('NAPTR', 'regexp', d.regexp))} ${d.replacement}`,
  CAA: (d) => {
    // Tags outside letters and digits do not read back (BIND's rule); kdig writes them bare.
    if (!CAA_TAG.test(d.tag)) return null;
    const flags = d.issuerCritical ? d.flags | 0x80 : d.flags;
    return `${flags} ${d.tag} ${quoteCharString(d.value)}`;
  },
  HINFO: (d) => `${quoteCharString(latin1('HINFO', 'CPU', d.cpu))} ${quoteCharString(latin1('HINFO', 'OS', d.os))}`,
  SSHFP: (d) => {
    const expected = SSHFP_FINGERPRINT_LENGTHS.get(d.hash);
    if (expected !== undefined && d.fingerprint.length !== expected) return null;
    const head = `${d.algorithm} ${d.hash}`;
    return d.fingerprint.length === 0 ? head : `${head} ${encodeHex(d.fingerprint)}`;
  },
  TLSA: (d) =>
    d.certificate.length === 0 ? null : `${d.usage} ${d.selector} ${d.matchingType} ${encodeHex(d.certificate)}`,
  DS: dsText,
  CDS: dsText,
  DNSKEY: dnskeyText,
  CDNSKEY: dnskeyText,
  RRSIG: (d) =>
    d.signature.length === 0
      ? null
      : `${canonicalType('RRSIG', d.typeCovered)} ${d.algorithm} ${d.labels} ${d.originalTTL} ` +
        `${formatSigTime(d.expiration)} ${formatSigTime(d.inception)} ${d.keyTag} ${d.signersName} ` +
        encodeBase64(d.signature),
  NSEC: (d) => (d.rrtypes.length === 0 ? null : `${d.nextDomain} ${typeList('NSEC', d.rrtypes)}`),
  NSEC3: (d) => {
    const hashLength = d.nextDomain.length;
    if (hashLength === 0 || (d.algorithm === 1 && hashLength !== 20) || d.salt.length > 255) return null;
    const head = `${d.algorithm} ${d.flags} ${d.iterations} ${saltText(d.salt)} ${encodeBase32Hex(d.nextDomain)}`;
    return d.rrtypes.length === 0 ? head : `${head} ${typeList('NSEC3', d.rrtypes)}`;
  },
  NSEC3PARAM: (d) => (d.salt.length > 255 ? null : `${d.algorithm} ${d.flags} ${d.iterations} ${saltText(d.salt)}`),
  SVCB: svcbText,
  HTTPS: svcbText,
  TSIG: (d) => {
    const mac = d.mac.length === 0 ? '0' : `${d.mac.length} ${encodeBase64(d.mac)}`;
    const other = d.otherData;
    // kdig prints the 6-byte BADTIME payload as a number; BIND prints base64 for any length.
    const otherText =
      other.length === 0 ? '0' : other.length === 6 ? `6 ${u48ToNumber(other)}` : `${other.length} ${encodeBase64(other)}`;
    return `${d.algorithm} ${d.timeSigned} ${d.fudge} ${mac} ${d.originalId} ${tsigErrorToText(d.error)} ${otherText}`;
  },
};

function dsText(d: DataOf<'DS'>): string | null {
  const expected = DS_DIGEST_LENGTHS.get(d.digestType);
  if (d.digest.length === 0 || (expected !== undefined && d.digest.length !== expected)) return null;
  return `${d.keyTag} ${d.algorithm} ${d.digestType} ${encodeHex(d.digest)}`;
}

function dnskeyText(d: DataOf<'DNSKEY'>): string | null {
  return d.key.length === 0 ? null : `${d.flags} ${d.protocol} ${d.algorithm} ${encodeBase64(d.key)}`;
}

function svcbText(d: DataOf<'SVCB'>): string | null {
  const params = writableSvcParams(d);
  return params === null ? null : `${d.priority} ${d.target}${formatSvcParams(params)}`;
}
