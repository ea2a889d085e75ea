/**
 * Mnemonics BIND accepts in place of numbers in DNSSEC and TSIG rdata. We accept them on
 * input; output always uses numbers (what kdig and dig print), except the TSIG error field,
 * which both tools print by name.
 */

/** DNSKEY/RRSIG/DS algorithm names (IANA "DNS Security Algorithm Numbers"), upper case */
export const SECURITY_ALGORITHMS: ReadonlyMap<string, number> = new Map([
  ['RSAMD5', 1],
  ['DH', 2],
  ['DSA', 3],
  ['RSASHA1', 5],
  ['NSEC3DSA', 6],
  ['NSEC3RSASHA1', 7],
  ['RSASHA256', 8],
  ['RSASHA512', 10],
  ['ECCGOST', 12],
  ['ECDSAP256SHA256', 13],
  ['ECDSA256', 13],
  ['ECDSAP384SHA384', 14],
  ['ECDSA384', 14],
  ['ED25519', 15],
  ['ED448', 16],
  ['INDIRECT', 252],
  ['PRIVATEDNS', 253],
  ['PRIVATEOID', 254],
]);

/** DS digest type names (IANA "DS RR Type Digest Algorithms") */
export const DS_DIGEST_TYPES: ReadonlyMap<string, number> = new Map([
  ['SHA-1', 1],
  ['SHA1', 1],
  ['SHA-256', 2],
  ['SHA256', 2],
  ['GOST', 3],
  ['SHA-384', 4],
  ['SHA384', 4],
]);

/** Digest lengths BIND enforces for DS digest types it knows (SHA-1, SHA-256, SHA-384). */
export const DS_DIGEST_LENGTHS: ReadonlyMap<number, number> = new Map([
  [1, 20],
  [2, 32],
  [4, 48],
]);

/** SSHFP fingerprint lengths BIND enforces (RFC 4255/6594: SHA-1, SHA-256). */
export const SSHFP_FINGERPRINT_LENGTHS: ReadonlyMap<number, number> = new Map([
  [1, 20],
  [2, 32],
]);

/** DNSKEY protocol names */
export const KEY_PROTOCOLS: ReadonlyMap<string, number> = new Map([
  ['NONE', 0],
  ['TLS', 1],
  ['EMAIL', 2],
  ['DNSSEC', 3],
  ['IPSEC', 4],
  ['ALL', 255],
]);

/** NSEC3 hash algorithm names */
export const NSEC3_HASH_ALGORITHMS: ReadonlyMap<string, number> = new Map([['SHA-1', 1]]);

/**
 * Names of TSIG error values (RFC 8945 with the base rcodes below 16), spelled as kdig prints
 * them (NOTIMPL where BIND says NOTIMP; both are read). 16 is BADSIG here, not BADVERS: in a
 * TSIG record it can only mean a bad signature.
 */
// prettier-ignore
const TSIG_ERROR_NAMES: readonly string[] = [
  'NOERROR', 'FORMERR', 'SERVFAIL', 'NXDOMAIN', 'NOTIMPL', 'REFUSED', 'YXDOMAIN', 'YXRRSET',
  'NXRRSET', 'NOTAUTH', 'NOTZONE', '', '', '', '', '',
  'BADSIG', 'BADKEY', 'BADTIME', 'BADMODE', 'BADNAME', 'BADALG', 'BADTRUNC', 'BADCOOKIE',
];

const TSIG_ERROR_NUMBERS: ReadonlyMap<string, number> = new Map(
  TSIG_ERROR_NAMES.flatMap((name, value) => (name === '' ? [] : [[name, value] as const])),
);

/** The name of a TSIG error value, or its number when it has none. */
export function tsigErrorToText(error: number): string {
  return TSIG_ERROR_NAMES[error] || String(error);
}

/** A TSIG error name (case-insensitive; BIND's NOTIMP too) or undefined. */
export function tsigErrorFromName(name: string): number | undefined {
  const upper = name.toUpperCase();
  return upper === 'NOTIMP' ? 4 : TSIG_ERROR_NUMBERS.get(upper);
}
