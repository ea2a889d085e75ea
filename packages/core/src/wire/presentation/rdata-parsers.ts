import { MnemonicError, typeToNumber, typeToString } from '../constants.js';
import { formatIPv6, parseIPv4, parseIPv6 } from '../ip.js';
import type {
  CaaData,
  DnskeyData,
  DsData,
  HinfoData,
  MxData,
  NaptrData,
  Nsec3Data,
  Nsec3ParamData,
  NsecData,
  RecordData,
  RrsigData,
  SoaData,
  SrvData,
  SshfpData,
  SvcbData,
  TlsaData,
  TsigData,
} from '../types.js';
import { decodeBase32Hex, decodeHex } from './binary-text.js';
import { bytesToLatin1 } from './charstring.js';
import {
  DS_DIGEST_LENGTHS,
  DS_DIGEST_TYPES,
  KEY_PROTOCOLS,
  NSEC3_HASH_ALGORITHMS,
  SECURITY_ALGORITHMS,
  SSHFP_FINGERPRINT_LENGTHS,
  tsigErrorFromName,
} from './mnemonics.js';
import { parseSigTime } from './sig-time.js';
import { readSvcParams } from './svcb-text.js';
import { parseDecimal, type TokenReader } from './token-reader.js';

/**
 * Readers of the typed presentation form of each record type, as BIND's and Knot's zone
 * parsers accept it. Each reads its fields from a TokenReader and leaves checking for
 * leftover tokens to the caller.
 */
export type RdataParser = (r: TokenReader) => RecordData;

const scratch = new Uint8Array(16);

function ipv4(r: TokenReader): string {
  const text = r.word('IPv4 address');
  if (!parseIPv4(text, scratch, 0)) r.fail(`expected an IPv4 address (a.b.c.d), found ${JSON.stringify(text)}`);
  // The parse is strict (four decimals, no leading zeros), so the text is already the form
  // formatIPv4 would build: keeping it spares a zone load a few strings per A record.
  return text;
}

function ipv6(r: TokenReader): string {
  const text = r.word('IPv6 address');
  if (!parseIPv6(text, scratch, 0)) r.fail(`expected an IPv6 address, found ${JSON.stringify(text)}`);
  return formatIPv6(scratch, 0);
}

/** A type mnemonic or TYPEnnn (and, where BIND allows it, a bare number). */
function typeName(r: TokenReader, what: string, bareNumber: boolean): string {
  const text = r.word(what);
  if (bareNumber) {
    const n = parseDecimal(text, 0xffff);
    if (n >= 0) return typeToString(n);
  }
  try {
    return typeToString(typeToNumber(text));
  } catch (err) {
    if (err instanceof MnemonicError) r.fail(`expected ${what}, found unknown type ${JSON.stringify(text)}`);
    throw err;
  }
}

/** NSEC/NSEC3 type lists: sorted by number and without repeats, like the wire bitmap. */
function typeList(r: TokenReader): string[] {
  const numbers = new Set<number>();
  while (!r.atEnd) {
    const text = r.word('type');
    try {
      numbers.add(typeToNumber(text));
    } catch (err) {
      if (err instanceof MnemonicError) r.fail(`expected a type mnemonic, found ${JSON.stringify(text)}`);
      throw err;
    }
  }
  return [...numbers].sort((a, b) => a - b).map(typeToString);
}

/** `-` for none, or hex of at most 255 bytes, in one token (RFC 5155 section 3.3). */
function salt(r: TokenReader): Uint8Array {
  const text = r.word('salt (hex or -)');
  if (text === '-') return new Uint8Array(0);
  const bytes = decodeHex(text);
  if (bytes === null || bytes.length === 0) r.fail(`expected salt as hex digits or -, found ${JSON.stringify(text)}`);
  if (bytes.length > 255) r.fail(`salt is ${bytes.length} bytes long, more than 255`);
  return bytes;
}

function latin1Field(r: TokenReader, what: string): string {
  return bytesToLatin1(r.charString(what));
}

/** TXT and SPF: one or more strings; a string over 255 bytes is cut into 255-byte pieces as Knot does. */
function textStrings(r: TokenReader): Uint8Array[] {
  const strings: Uint8Array[] = [];
  r.expectMore('character-string');
  while (!r.atEnd) {
    const bytes = r.charString('character-string', 0xffff);
    if (bytes.length <= 255) {
      strings.push(bytes);
      continue;
    }
    for (let i = 0; i < bytes.length; i += 255) strings.push(bytes.subarray(i, i + 255));
  }
  // Zones keep these lists, and push left room for sixteen more strings in each.
  return strings.slice();
}

const soa = (r: TokenReader): SoaData => ({
  mname: r.name('primary server name (MNAME)'),
  rname: r.name('responsible mailbox (RNAME)'),
  serial: r.u32('serial'),
  refresh: r.ttl('refresh'),
  retry: r.ttl('retry'),
  expire: r.ttl('expire'),
  minimum: r.ttl('minimum'),
});

const mx = (r: TokenReader): MxData => ({ preference: r.u16('preference'), exchange: r.name('exchange') });

const srv = (r: TokenReader): SrvData => ({
  priority: r.u16('priority'),
  weight: r.u16('weight'),
  port: r.u16('port'),
  target: r.name('target'),
});

const naptr = (r: TokenReader): NaptrData => ({
  order: r.u16('order'),
  preference: r.u16('preference'),
  flags: latin1Field(r, 'flags'),
  services: latin1Field(r, 'services'),
  regexp: latin1Field(r, 'regexp'),
  replacement: r.name('replacement'),
});

const ALPHANUMERIC = /^[A-Za-z0-9]+$/;

function caa(r: TokenReader): CaaData {
  const flags = r.u8('flags');
  const tag = r.word('tag');
  // BIND's rule; RFC 8659 section 4.1 allows only letters and digits in tags.
  if (!ALPHANUMERIC.test(tag) || tag.length > 255) {
    r.fail(`expected a tag of letters and digits, found ${JSON.stringify(tag)}`);
  }
  const value = r.charString('value', 0xffff);
  return { flags, tag, value, issuerCritical: (flags & 0x80) !== 0 };
}

const hinfo = (r: TokenReader): HinfoData => ({ cpu: latin1Field(r, 'CPU'), os: latin1Field(r, 'OS') });

function sshfp(r: TokenReader): SshfpData {
  const algorithm = r.u8('algorithm');
  const hash = r.u8('fingerprint type');
  const fingerprint = r.hexToEnd('fingerprint', 0, SSHFP_FINGERPRINT_LENGTHS.get(hash));
  return { algorithm, hash, fingerprint };
}

const tlsa = (r: TokenReader): TlsaData => ({
  usage: r.u8('certificate usage'),
  selector: r.u8('selector'),
  matchingType: r.u8('matching type'),
  certificate: r.hexToEnd('certificate association data', 1),
});

function ds(r: TokenReader): DsData {
  const keyTag = r.u16('key tag');
  const algorithm = r.numberOrMnemonic('algorithm', 0xff, SECURITY_ALGORITHMS);
  const digestType = r.numberOrMnemonic('digest type', 0xff, DS_DIGEST_TYPES);
  const digest = r.hexToEnd('digest', 1, DS_DIGEST_LENGTHS.get(digestType));
  return { keyTag, algorithm, digestType, digest };
}

const dnskey = (r: TokenReader): DnskeyData => ({
  flags: r.u16('flags'),
  protocol: r.numberOrMnemonic('protocol', 0xff, KEY_PROTOCOLS),
  algorithm: r.numberOrMnemonic('algorithm', 0xff, SECURITY_ALGORITHMS),
  key: r.base64ToEnd('public key'),
});

function sigTime(r: TokenReader, what: string): number {
  const text = r.word(`${what} (YYYYMMDDHHmmSS)`);
  const value = parseSigTime(text);
  if (typeof value === 'string') r.fail(`bad ${what}: ${value}`);
  return value;
}

const rrsig = (r: TokenReader): RrsigData => ({
  typeCovered: typeName(r, 'type covered', true),
  algorithm: r.numberOrMnemonic('algorithm', 0xff, SECURITY_ALGORITHMS),
  labels: r.u8('labels'),
  originalTTL: r.ttl('original TTL'),
  expiration: sigTime(r, 'signature expiration'),
  inception: sigTime(r, 'signature inception'),
  keyTag: r.u16('key tag'),
  signersName: r.name("signer's name"),
  signature: r.base64ToEnd('signature'),
});

function nsec(r: TokenReader): NsecData {
  const nextDomain = r.name('next domain name');
  // BIND rejects an empty list; such records are written in \# form.
  r.expectMore('type list');
  return { nextDomain, rrtypes: typeList(r) };
}

function nsec3(r: TokenReader): Nsec3Data {
  const algorithm = r.numberOrMnemonic('hash algorithm', 0xff, NSEC3_HASH_ALGORITHMS);
  const flags = r.u8('flags');
  const iterations = r.u16('iterations');
  const saltBytes = salt(r);
  const hashText = r.word('next hashed owner name (base32hex)');
  const nextDomain = decodeBase32Hex(hashText);
  if (nextDomain === null || nextDomain.length === 0) {
    r.fail(`expected the next hashed owner name in base32hex, found ${JSON.stringify(hashText)}`);
  }
  // SHA-1 hashes are 20 bytes; other lengths only for algorithms we cannot check.
  if ((algorithm === 1 && nextDomain.length !== 20) || nextDomain.length > 255) {
    r.fail(`next hashed owner name is ${nextDomain.length} bytes, expected ${algorithm === 1 ? 20 : 'at most 255'}`);
  }
  return { algorithm, flags, iterations, salt: saltBytes, nextDomain, rrtypes: typeList(r) };
}

const nsec3param = (r: TokenReader): Nsec3ParamData => ({
  algorithm: r.numberOrMnemonic('hash algorithm', 0xff, NSEC3_HASH_ALGORITHMS),
  flags: r.u8('flags'),
  iterations: r.u16('iterations'),
  salt: salt(r),
});

const svcb = (r: TokenReader): SvcbData => ({
  priority: r.u16('priority'),
  target: r.name('target name'),
  params: readSvcParams(r),
});

const TWO_48 = 2 ** 48;
const DECIMAL = /^[0-9]{1,15}$/;

function tsigOtherData(r: TokenReader, length: number): Uint8Array {
  // kdig writes the 6-byte BADTIME payload as the 48-bit server time in decimal, BIND as
  // base64; a token of decimal digits is read the kdig way.
  const next = r.tokens[r.pos];
  if (length === 6 && next !== undefined && !next.quoted && DECIMAL.test(next.text)) {
    const n = Number(r.word('other data'));
    if (n >= TWO_48) r.fail('other data (48-bit time) is out of range');
    const out = new Uint8Array(6);
    const high = Math.floor(n / 0x100000000);
    const low = n % 0x100000000;
    out[0] = high >> 8;
    out[1] = high & 0xff;
    out[2] = low >>> 24;
    out[3] = (low >>> 16) & 0xff;
    out[4] = (low >>> 8) & 0xff;
    out[5] = low & 0xff;
    return out;
  }
  return r.base64Exact('other data', length);
}

function tsig(r: TokenReader): TsigData {
  const algorithm = r.name('algorithm name');
  const time = r.word('time signed (seconds)');
  const timeSigned = parseDecimal(time, TWO_48 - 1);
  if (timeSigned < 0) r.fail(`expected time signed as 48-bit seconds, found ${JSON.stringify(time)}`);
  const fudge = r.u16('fudge');
  const mac = r.base64Exact('MAC', r.u16('MAC size'));
  const originalId = r.u16('original ID');
  const errorText = r.word('error (name or number)');
  const error = parseDecimal(errorText, 0xffff) >= 0 ? Number(errorText) : tsigErrorFromName(errorText);
  if (error === undefined) r.fail(`expected a TSIG error name or number, found ${JSON.stringify(errorText)}`);
  const otherData = tsigOtherData(r, r.u16('other length'));
  return { algorithm, timeSigned, fudge, mac, originalId, error, otherData };
}

const hostName = (what: string) => (r: TokenReader) => r.name(what);

/** Typed parsers by record type mnemonic. */
export const RDATA_PARSERS: ReadonlyMap<string, RdataParser> = new Map<string, RdataParser>([
  ['A', ipv4],
  ['AAAA', ipv6],
  ['NS', hostName('name server')],
  ['CNAME', hostName('canonical name')],
  ['DNAME', hostName('target name')],
  ['PTR', hostName('target name')],
  ['SOA', soa],
  ['MX', mx],
  ['TXT', textStrings],
  ['SPF', textStrings],
  ['SRV', srv],
  ['NAPTR', naptr],
  ['CAA', caa],
  ['HINFO', hinfo],
  ['SSHFP', sshfp],
  ['TLSA', tlsa],
  ['DS', ds],
  ['CDS', ds],
  ['DNSKEY', dnskey],
  ['CDNSKEY', dnskey],
  ['RRSIG', rrsig],
  ['NSEC', nsec],
  ['NSEC3', nsec3],
  ['NSEC3PARAM', nsec3param],
  ['SVCB', svcb],
  ['HTTPS', svcb],
  ['TSIG', tsig],
]);
