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

function address(type: 'A' | 'AAAA', text: unknown): string {
  // Re-rendered so data built by hand ("2001:DB8:0::1") prints in canonical form.
  const ok = typeof text === 'string' && (type === 'A' ? parseIPv4(text, scratch, 0) : parseIPv6(text, scratch, 0));
  if (!ok) {
    invalid(type, `not an IP${type === 'A' ? 'v4' : 'v6'} address: ${JSON.stringify(text)}`);
  }
  return type === 'A' ? formatIPv4(scratch, 0) : formatIPv6(scratch, 0);
}

function latin1(type: string, field: string, s: unknown): Uint8Array {
  if (typeof s !== 'string') invalid(type, `${field} must be a string`);
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
  const pieces = list('TXT', 'rdata', data);
  if (pieces.length === 0) return null;
  const parts: string[] = [];
  for (const piece of pieces) {
    const bytes = typeof piece === 'string' ? utf8.encode(piece) : bin('TXT', 'character-string', piece);
    if (bytes.length > 255) invalid('TXT', 'character-string longer than 255 bytes');
    parts.push(quoteCharString(bytes));
  }
  return parts.join(' ');
}

/** A type name in canonical spelling ('a' -> 'A', 'TYPE1' -> 'A'). */
function canonicalType(type: string, text: unknown): string {
  if (typeof text !== 'string') invalid(type, 'type must be a mnemonic string');
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
    if (typeof t !== 'string') invalid(type, 'type list entries must be mnemonic strings');
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

const U8 = 0xff;
const U16 = 0xffff;
const U32 = 0xffffffff;
const U48 = 2 ** 48 - 1;

/*
 * Field checks. Decoded data always passes them; they turn hand-built data with a missing
 * or mistyped field into a PresentationError instead of text like "undefined".
 */

function num(type: string, field: string, v: unknown, max: number): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v > max) {
    invalid(type, `${field} must be an integer 0-${max}, got ${String(v)}`);
  }
  return v;
}

function name(type: string, field: string, v: unknown): string {
  if (typeof v !== 'string' || v.length === 0) invalid(type, `${field} must be a domain name, got ${String(v)}`);
  return v;
}

function bin(type: string, field: string, v: unknown): Uint8Array {
  if (!(v instanceof Uint8Array)) invalid(type, `${field} must be a Uint8Array`);
  return v;
}

function text(type: string, field: string, v: unknown): string {
  if (typeof v !== 'string') invalid(type, `${field} must be a string`);
  return v;
}

function list(type: string, field: string, v: unknown): unknown[] {
  if (!Array.isArray(v)) invalid(type, `${field} must be an array`);
  return v;
}

export const RDATA_FORMATTERS: Formatters = {
  A: (d) => address('A', d),
  AAAA: (d) => address('AAAA', d),
  NS: (d) => name('NS', 'name server', d),
  CNAME: (d) => name('CNAME', 'canonical name', d),
  DNAME: (d) => name('DNAME', 'target', d),
  PTR: (d) => name('PTR', 'target', d),
  SOA: (d) =>
    `${name('SOA', 'mname', d.mname)} ${name('SOA', 'rname', d.rname)} ${num('SOA', 'serial', d.serial, U32)} ` +
    `${num('SOA', 'refresh', d.refresh, U32)} ${num('SOA', 'retry', d.retry, U32)} ` +
    `${num('SOA', 'expire', d.expire, U32)} ${num('SOA', 'minimum', d.minimum, U32)}`,
  MX: (d) => `${num('MX', 'preference', d.preference, U16)} ${name('MX', 'exchange', d.exchange)}`,
  TXT: textStrings,
  SPF: textStrings,
  SRV: (d) =>
    `${num('SRV', 'priority', d.priority, U16)} ${num('SRV', 'weight', d.weight, U16)} ` +
    `${num('SRV', 'port', d.port, U16)} ${name('SRV', 'target', d.target)}`,
  NAPTR: (d) =>
    `${num('NAPTR', 'order', d.order, U16)} ${num('NAPTR', 'preference', d.preference, U16)} ` +
    `${quoteCharString(latin1('NAPTR', 'flags', d.flags))} ` +
    `${quoteCharString(latin1('NAPTR', 'services', d.services))} ` +
    `${quoteCharString(latin1('NAPTR', 'regexp', d.regexp))} ${name('NAPTR', 'replacement', d.replacement)}`,
  CAA: (d) => {
    const flags = num('CAA', 'flags', d.flags, U8) | (d.issuerCritical ? 0x80 : 0);
    const value = bin('CAA', 'value', d.value);
    // Tags outside letters and digits do not read back (BIND's rule); kdig writes them bare.
    if (!CAA_TAG.test(text('CAA', 'tag', d.tag))) return null;
    return `${flags} ${d.tag} ${quoteCharString(value)}`;
  },
  HINFO: (d) => `${quoteCharString(latin1('HINFO', 'CPU', d.cpu))} ${quoteCharString(latin1('HINFO', 'OS', d.os))}`,
  SSHFP: (d) => {
    const head = `${num('SSHFP', 'algorithm', d.algorithm, U8)} ${num('SSHFP', 'hash', d.hash, U8)}`;
    const fingerprint = bin('SSHFP', 'fingerprint', d.fingerprint);
    const expected = SSHFP_FINGERPRINT_LENGTHS.get(d.hash);
    if (expected !== undefined && fingerprint.length !== expected) return null;
    return fingerprint.length === 0 ? head : `${head} ${encodeHex(fingerprint)}`;
  },
  TLSA: (d) => {
    const head =
      `${num('TLSA', 'usage', d.usage, U8)} ${num('TLSA', 'selector', d.selector, U8)} ` +
      num('TLSA', 'matchingType', d.matchingType, U8);
    const certificate = bin('TLSA', 'certificate', d.certificate);
    return certificate.length === 0 ? null : `${head} ${encodeHex(certificate)}`;
  },
  DS: (d) => dsText('DS', d),
  CDS: (d) => dsText('CDS', d),
  DNSKEY: (d) => dnskeyText('DNSKEY', d),
  CDNSKEY: (d) => dnskeyText('CDNSKEY', d),
  RRSIG: (d) => {
    const T = 'RRSIG';
    const head =
      `${canonicalType(T, d.typeCovered)} ${num(T, 'algorithm', d.algorithm, U8)} ${num(T, 'labels', d.labels, U8)} ` +
      `${num(T, 'originalTTL', d.originalTTL, U32)} ${formatSigTime(num(T, 'expiration', d.expiration, U32))} ` +
      `${formatSigTime(num(T, 'inception', d.inception, U32))} ${num(T, 'keyTag', d.keyTag, U16)} ` +
      name(T, 'signersName', d.signersName);
    const signature = bin(T, 'signature', d.signature);
    return signature.length === 0 ? null : `${head} ${encodeBase64(signature)}`;
  },
  NSEC: (d) => {
    const next = name('NSEC', 'nextDomain', d.nextDomain);
    const types = list('NSEC', 'rrtypes', d.rrtypes) as string[];
    return types.length === 0 ? null : `${next} ${typeList('NSEC', types)}`;
  },
  NSEC3: (d) => {
    const T = 'NSEC3';
    const algorithm = num(T, 'algorithm', d.algorithm, U8);
    const salt = bin(T, 'salt', d.salt);
    const hash = bin(T, 'nextDomain', d.nextDomain);
    const types = list(T, 'rrtypes', d.rrtypes) as string[];
    const head =
      `${algorithm} ${num(T, 'flags', d.flags, U8)} ${num(T, 'iterations', d.iterations, U16)} ` +
      `${saltText(salt)} ${encodeBase32Hex(hash)}`;
    if (hash.length === 0 || (algorithm === 1 && hash.length !== 20) || salt.length > 255) return null;
    return types.length === 0 ? head : `${head} ${typeList(T, types)}`;
  },
  NSEC3PARAM: (d) => {
    const T = 'NSEC3PARAM';
    const salt = bin(T, 'salt', d.salt);
    const head = `${num(T, 'algorithm', d.algorithm, U8)} ${num(T, 'flags', d.flags, U8)} ${num(T, 'iterations', d.iterations, U16)}`;
    return salt.length > 255 ? null : `${head} ${saltText(salt)}`;
  },
  SVCB: svcbText,
  HTTPS: svcbText,
  TSIG: (d) => {
    const T = 'TSIG';
    const mac = bin(T, 'mac', d.mac);
    const other = bin(T, 'otherData', d.otherData);
    const macText = mac.length === 0 ? '0' : `${mac.length} ${encodeBase64(mac)}`;
    // kdig prints the 6-byte BADTIME payload as a number; BIND prints base64 for any length.
    const otherText =
      other.length === 0 ? '0' : other.length === 6 ? `6 ${u48ToNumber(other)}` : `${other.length} ${encodeBase64(other)}`;
    return (
      `${name(T, 'algorithm', d.algorithm)} ${num(T, 'timeSigned', d.timeSigned, U48)} ${num(T, 'fudge', d.fudge, U16)} ` +
      `${macText} ${num(T, 'originalId', d.originalId, U16)} ${tsigErrorToText(num(T, 'error', d.error, U16))} ${otherText}`
    );
  },
};

function dsText(T: string, d: DataOf<'DS'>): string | null {
  const head = `${num(T, 'keyTag', d.keyTag, U16)} ${num(T, 'algorithm', d.algorithm, U8)} ${num(T, 'digestType', d.digestType, U8)}`;
  const digest = bin(T, 'digest', d.digest);
  const expected = DS_DIGEST_LENGTHS.get(d.digestType);
  if (digest.length === 0 || (expected !== undefined && digest.length !== expected)) return null;
  return `${head} ${encodeHex(digest)}`;
}

function dnskeyText(T: string, d: DataOf<'DNSKEY'>): string | null {
  const head = `${num(T, 'flags', d.flags, U16)} ${num(T, 'protocol', d.protocol, U8)} ${num(T, 'algorithm', d.algorithm, U8)}`;
  const key = bin(T, 'key', d.key);
  return key.length === 0 ? null : `${head} ${encodeBase64(key)}`;
}

function svcbText(d: DataOf<'SVCB'>): string | null {
  const head = `${num('SVCB', 'priority', d.priority, U16)} ${name('SVCB', 'target', d.target)}`;
  list('SVCB', 'params', d.params);
  const params = writableSvcParams(d);
  return params === null ? null : head + formatSvcParams(params);
}
