/**
 * Registry numbers of DNS: record types, classes, rcodes, opcodes and header flag bits, with
 * conversions both ways. Lookups are table-driven (arrays indexed by number, Maps by name)
 * because the codec calls them for every record.
 */

/** Thrown when a mnemonic ('AAAA', 'IN', 'TYPE123') or a number is not a valid type/class. */
export class MnemonicError extends Error {
  override readonly name = 'MnemonicError';
  constructor(
    message: string,
    /** what kind of mnemonic was asked for */
    readonly kind: 'type' | 'class',
    readonly input: string | number,
  ) {
    super(message);
  }
}

/**
 * IANA "Resource Record (RR) TYPEs" registry: every assigned mnemonic. Types not listed here
 * print as TYPEnnn (RFC 3597).
 */
// prettier-ignore
const TYPE_TABLE: ReadonlyArray<readonly [string, number]> = [
  ['A', 1], ['NS', 2], ['MD', 3], ['MF', 4], ['CNAME', 5], ['SOA', 6], ['MB', 7], ['MG', 8],
  ['MR', 9], ['NULL', 10], ['WKS', 11], ['PTR', 12], ['HINFO', 13], ['MINFO', 14], ['MX', 15],
  ['TXT', 16], ['RP', 17], ['AFSDB', 18], ['X25', 19], ['ISDN', 20], ['RT', 21], ['NSAP', 22],
  ['NSAP-PTR', 23], ['SIG', 24], ['KEY', 25], ['PX', 26], ['GPOS', 27], ['AAAA', 28], ['LOC', 29],
  ['NXT', 30], ['EID', 31], ['NIMLOC', 32], ['SRV', 33], ['ATMA', 34], ['NAPTR', 35], ['KX', 36],
  ['CERT', 37], ['A6', 38], ['DNAME', 39], ['SINK', 40], ['OPT', 41], ['APL', 42], ['DS', 43],
  ['SSHFP', 44], ['IPSECKEY', 45], ['RRSIG', 46], ['NSEC', 47], ['DNSKEY', 48], ['DHCID', 49],
  ['NSEC3', 50], ['NSEC3PARAM', 51], ['TLSA', 52], ['SMIMEA', 53], ['HIP', 55], ['NINFO', 56],
  ['RKEY', 57], ['TALINK', 58], ['CDS', 59], ['CDNSKEY', 60], ['OPENPGPKEY', 61], ['CSYNC', 62],
  ['ZONEMD', 63], ['SVCB', 64], ['HTTPS', 65], ['DSYNC', 66], ['SPF', 99], ['UINFO', 100],
  ['UID', 101], ['GID', 102], ['UNSPEC', 103], ['NID', 104], ['L32', 105], ['L64', 106],
  ['LP', 107], ['EUI48', 108], ['EUI64', 109], ['NXNAME', 128], ['TKEY', 249], ['TSIG', 250],
  ['IXFR', 251], ['AXFR', 252], ['MAILB', 253], ['MAILA', 254], ['ANY', 255], ['URI', 256],
  ['CAA', 257], ['AVC', 258], ['DOA', 259], ['AMTRELAY', 260], ['RESINFO', 261], ['WALLET', 262],
  ['CLA', 263], ['IPN', 264], ['TA', 32768], ['DLV', 32769],
];

/**
 * Types whose rdata this codec decodes into typed objects (see types.ts). Records of every
 * other type carry their rdata as opaque bytes under the type name 'TYPEnnn'.
 */
// prettier-ignore
const TYPED_TYPES: ReadonlySet<string> = new Set([
  'A', 'AAAA', 'NS', 'CNAME', 'DNAME', 'SOA', 'PTR', 'MX', 'TXT', 'SPF', 'SRV', 'NAPTR', 'CAA',
  'HINFO', 'SSHFP', 'TLSA', 'DS', 'CDS', 'DNSKEY', 'CDNSKEY', 'RRSIG', 'NSEC', 'NSEC3',
  'NSEC3PARAM', 'SVCB', 'HTTPS', 'OPT', 'TSIG',
]);

const typeNumbers = new Map<string, number>();
/**
 * Mnemonics by number: a dense array for the low numbers (nearly all traffic) so lookups
 * stay fast element accesses; TA and DLV (32768+) would make one array sparse and slow.
 */
const LOW_TYPES = 512;
const lowTypeNames: Array<string | undefined> = new Array<string | undefined>(LOW_TYPES).fill(undefined);
const highTypeNames = new Map<number, string>();
for (const [name, value] of TYPE_TABLE) {
  typeNumbers.set(name, value);
  if (value < LOW_TYPES) lowTypeNames[value] = name;
  else highTypeNames.set(value, name);
}

function typeName(n: number): string | undefined {
  return n >= 0 && n < LOW_TYPES ? lowTypeNames[n] : highTypeNames.get(n);
}

// prettier-ignore
const CLASS_TABLE: ReadonlyArray<readonly [string, number]> = [
  ['IN', 1], ['CH', 3], ['HS', 4], ['NONE', 254], ['ANY', 255],
];
const classNumbers = new Map<string, number>(CLASS_TABLE);
// BIND also accepts the long spellings; they only ever come in, never go out.
classNumbers.set('CHAOS', 3);
classNumbers.set('HESIOD', 4);
const classNames: Array<string | undefined> = new Array<string | undefined>(256).fill(undefined);
for (const [name, value] of CLASS_TABLE) classNames[value] = name;

/**
 * Parses the decimal suffix of 'TYPEnnn'/'CLASSnnn' (RFC 3597 section 5). Returns -1 when
 * the text is not 1-5 digits or exceeds 65535.
 */
function parseU16Suffix(text: string, start: number): number {
  const len = text.length - start;
  if (len < 1 || len > 5) return -1;
  let value = 0;
  for (let i = start; i < text.length; i++) {
    const c = text.charCodeAt(i) - 48;
    if (c < 0 || c > 9) return -1;
    value = value * 10 + c;
  }
  return value <= 0xffff ? value : -1;
}

function lookupMnemonic(
  text: string,
  table: ReadonlyMap<string, number>,
  prefix: string,
  kind: 'type' | 'class',
): number {
  const direct = table.get(text);
  if (direct !== undefined) return direct;
  // Master files are case-insensitive for mnemonics; the exact-case hit above is the hot path.
  const upper = text.toUpperCase();
  const folded = table.get(upper);
  if (folded !== undefined) return folded;
  if (upper.startsWith(prefix)) {
    const value = parseU16Suffix(upper, prefix.length);
    if (value >= 0) return value;
  }
  throw new MnemonicError(`unknown ${kind} ${JSON.stringify(text)}`, kind, text);
}

function checkU16(n: number, kind: 'type' | 'class'): void {
  if (!Number.isInteger(n) || n < 0 || n > 0xffff) {
    throw new MnemonicError(`${kind} number out of range: ${n}`, kind, n);
  }
}

/** 'AAAA' -> 28, 'TYPE28' -> 28, 'aaaa' -> 28. Throws MnemonicError for anything else. */
export function typeToNumber(name: string): number {
  return lookupMnemonic(name, typeNumbers, 'TYPE', 'type');
}

/** 28 -> 'AAAA'; numbers without a mnemonic -> 'TYPEnnn'. */
export function typeToString(n: number): string {
  const name = typeName(n);
  if (name !== undefined) return name;
  checkU16(n, 'type');
  return 'TYPE' + n;
}

/**
 * The `type` string a decoded record of type number `n` carries: the mnemonic when this
 * codec has typed rdata for it, otherwise 'TYPEnnn' (its rdata are opaque bytes). Compare
 * with `typeToString`, which names questions and type lists: a LOC question is 'LOC' but a
 * LOC record is 'TYPE29'. Code matching records against a question should compare numbers.
 */
export function recordTypeToString(n: number): string {
  const name = typeName(n);
  if (name !== undefined && TYPED_TYPES.has(name)) return name;
  checkU16(n, 'type');
  return 'TYPE' + n;
}

/** Whether records whose `type` is exactly `name` carry typed rdata (not opaque bytes). */
export function isTypedType(name: string): boolean {
  return TYPED_TYPES.has(name);
}

/** 'IN' -> 1, 'CLASS1' -> 1, 'chaos' -> 3. Throws MnemonicError for anything else. */
export function classToNumber(name: string): number {
  return lookupMnemonic(name, classNumbers, 'CLASS', 'class');
}

/** 1 -> 'IN'; numbers without a mnemonic -> 'CLASSnnn'. */
export function classToString(n: number): string {
  const name = n < 256 ? classNames[n] : undefined;
  if (name !== undefined) return name;
  checkU16(n, 'class');
  return 'CLASS' + n;
}

/**
 * Response codes (IANA "DNS RCODEs"). Values above 15 need the OPT record's extended rcode
 * (header.ts `setRcode` handles that) or live in TSIG/TKEY error fields (BADSIG..BADTRUNC).
 */
export const Rcode = {
  NOERROR: 0,
  FORMERR: 1,
  SERVFAIL: 2,
  NXDOMAIN: 3,
  NOTIMP: 4,
  REFUSED: 5,
  YXDOMAIN: 6,
  YXRRSET: 7,
  NXRRSET: 8,
  NOTAUTH: 9,
  NOTZONE: 10,
  DSOTYPENI: 11,
  BADVERS: 16,
  BADSIG: 16,
  BADKEY: 17,
  BADTIME: 18,
  BADMODE: 19,
  BADNAME: 20,
  BADALG: 21,
  BADTRUNC: 22,
  BADCOOKIE: 23,
} as const;
/** A 12-bit response code; see the `Rcode` constants. */
export type Rcode = number;

const rcodeNames: string[] = [];
for (const [name, value] of Object.entries(Rcode)) {
  // 16 is BADVERS in a header (with OPT) and BADSIG only inside TSIG; the header meaning wins.
  if (rcodeNames[value] === undefined) rcodeNames[value] = name;
}

/** 3 -> 'NXDOMAIN'; unassigned values -> 'RCODEnnn'. */
export function rcodeToString(rcode: number): string {
  return rcodeNames[rcode] ?? 'RCODE' + rcode;
}

export const Opcode = {
  QUERY: 0,
  IQUERY: 1,
  STATUS: 2,
  NOTIFY: 4,
  UPDATE: 5,
  DSO: 6,
} as const;
/** A 4-bit operation code; see the `Opcode` constants. */
export type Opcode = number;

const opcodeNames: string[] = [];
for (const [name, value] of Object.entries(Opcode)) opcodeNames[value] = name;

/** 5 -> 'UPDATE'; unassigned values -> 'OPCODEnnn'. */
export function opcodeToString(opcode: number): string {
  return opcodeNames[opcode] ?? 'OPCODE' + opcode;
}

/** Single-bit flags of the header flags word (RFC 1035 4.1.1, RFC 4035 for AD and CD). */
export const Flag = {
  QR: 0x8000,
  AA: 0x0400,
  TC: 0x0200,
  RD: 0x0100,
  RA: 0x0080,
  Z: 0x0040,
  AD: 0x0020,
  CD: 0x0010,
} as const;

/** The header flags with their lowercase names, in the order dig, kdig and CoreDNS print them. */
export const FLAG_NAMES: ReadonlyArray<readonly [bit: number, name: string]> = [
  [Flag.QR, 'qr'],
  [Flag.AA, 'aa'],
  [Flag.TC, 'tc'],
  [Flag.RD, 'rd'],
  [Flag.RA, 'ra'],
  [Flag.Z, 'z'],
  [Flag.AD, 'ad'],
  [Flag.CD, 'cd'],
];

/** The DO ("DNSSEC OK") bit of the OPT record's flags word (RFC 3225). */
export const EDNS_DO = 0x8000;

/** EDNS option codes with typed codecs (IANA "DNS EDNS0 Option Codes"). */
export const EdnsCode = {
  NSID: 3,
  CLIENT_SUBNET: 8,
  COOKIE: 10,
  TCP_KEEPALIVE: 11,
  PADDING: 12,
  EDE: 15,
} as const;
