/**
 * Binary-to-text encodings used by rdata presentation formats: hex (DS digests, TLSA, SSHFP,
 * NSEC3 salt, RFC 3597 generic data), base64 (DNSKEY, RRSIG, TSIG MAC, SVCB ech) and
 * base32hex without padding (NSEC3 next hashed owner name, RFC 5155 section 3.3).
 *
 * Decoders return `null` for malformed input so callers can report which field and token was
 * wrong; they never throw. Encoders emit the form kdig prints: upper-case hex, padded
 * base64, lower-case base32hex (dig prints it upper-case; both read either case).
 */

const HEX_DIGITS = '0123456789ABCDEF';
const BASE64_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const BASE32HEX_ALPHABET = '0123456789abcdefghijklmnopqrstuv';

/** char code -> value, -1 for characters outside the alphabet */
function reverseTable(alphabet: string, caseInsensitive: boolean): Int8Array {
  const table = new Int8Array(128).fill(-1);
  for (let i = 0; i < alphabet.length; i++) {
    table[alphabet.charCodeAt(i)] = i;
    if (caseInsensitive) {
      table[alphabet.toLowerCase().charCodeAt(i)] = i;
      table[alphabet.toUpperCase().charCodeAt(i)] = i;
    }
  }
  return table;
}

const HEX_VALUES = reverseTable(HEX_DIGITS, true);
const BASE64_VALUES = reverseTable(BASE64_ALPHABET, false);
const BASE32HEX_VALUES = reverseTable(BASE32HEX_ALPHABET, true);

/** byte -> two upper-case hex digits */
const HEX_PAIRS: readonly string[] = Array.from(
  { length: 256 },
  (_, b) => HEX_DIGITS[b >> 4] + HEX_DIGITS[b & 15],
);

export function encodeHex(bytes: Uint8Array): string {
  let out = '';
  for (let i = 0; i < bytes.length; i++) out += HEX_PAIRS[bytes[i]];
  return out;
}

/** Case-insensitive; an odd number of digits or any other character gives null. */
export function decodeHex(text: string): Uint8Array | null {
  if (text.length % 2 !== 0) return null;
  const out = new Uint8Array(text.length / 2);
  for (let i = 0; i < out.length; i++) {
    const hi = hexValue(text.charCodeAt(2 * i));
    const lo = hexValue(text.charCodeAt(2 * i + 1));
    if (hi < 0 || lo < 0) return null;
    out[i] = (hi << 4) | lo;
  }
  return out;
}

function hexValue(code: number): number {
  return code < 128 ? HEX_VALUES[code] : -1;
}

export function encodeBase64(bytes: Uint8Array): string {
  let out = '';
  let i = 0;
  for (; i + 2 < bytes.length; i += 3) {
    const n = (bytes[i] << 16) | (bytes[i + 1] << 8) | bytes[i + 2];
    out +=
      BASE64_ALPHABET[n >> 18] +
      BASE64_ALPHABET[(n >> 12) & 63] +
      BASE64_ALPHABET[(n >> 6) & 63] +
      BASE64_ALPHABET[n & 63];
  }
  const rest = bytes.length - i;
  if (rest === 1) {
    const n = bytes[i] << 16;
    out += BASE64_ALPHABET[n >> 18] + BASE64_ALPHABET[(n >> 12) & 63] + '==';
  } else if (rest === 2) {
    const n = (bytes[i] << 16) | (bytes[i + 1] << 8);
    out +=
      BASE64_ALPHABET[n >> 18] + BASE64_ALPHABET[(n >> 12) & 63] + BASE64_ALPHABET[(n >> 6) & 63] + '=';
  }
  return out;
}

/**
 * Strict RFC 4648 base64: the length must be a multiple of four and '=' may only pad the
 * final quantum (as BIND's and Knot's zone parsers require). Node's Buffer decoder is not
 * used because it silently skips invalid characters.
 */
export function decodeBase64(text: string): Uint8Array | null {
  if (text.length % 4 !== 0) return null;
  let padding = 0;
  if (text.length > 0 && text.charCodeAt(text.length - 1) === 61 /* = */) {
    padding = text.charCodeAt(text.length - 2) === 61 ? 2 : 1;
  }
  const out = new Uint8Array((text.length / 4) * 3 - padding);
  let o = 0;
  const end = text.length - padding;
  let acc = 0;
  let bits = 0;
  for (let i = 0; i < end; i++) {
    const code = text.charCodeAt(i);
    const v = code < 128 ? BASE64_VALUES[code] : -1;
    if (v < 0) return null;
    acc = ((acc << 6) | v) & 0xffffff;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out[o++] = (acc >> bits) & 0xff;
    }
  }
  return o === out.length ? out : null;
}

export function encodeBase32Hex(bytes: Uint8Array): string {
  let out = '';
  let acc = 0;
  let bits = 0;
  for (let i = 0; i < bytes.length; i++) {
    acc = ((acc << 8) | bytes[i]) & 0xffff;
    bits += 8;
    while (bits >= 5) {
      bits -= 5;
      out += BASE32HEX_ALPHABET[(acc >> bits) & 31];
    }
  }
  if (bits > 0) out += BASE32HEX_ALPHABET[(acc << (5 - bits)) & 31];
  return out;
}

/**
 * Unpadded base32hex, case-insensitive. Lengths that cannot come from whole bytes (1, 3 or 6
 * characters modulo 8) give null.
 */
export function decodeBase32Hex(text: string): Uint8Array | null {
  const tail = text.length % 8;
  if (tail === 1 || tail === 3 || tail === 6) return null;
  const out = new Uint8Array(Math.floor((text.length * 5) / 8));
  let o = 0;
  let acc = 0;
  let bits = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    const v = code < 128 ? BASE32HEX_VALUES[code] : -1;
    if (v < 0) return null;
    acc = ((acc << 5) | v) & 0xffff;
    bits += 5;
    if (bits >= 8) {
      bits -= 8;
      out[o++] = (acc >> bits) & 0xff;
    }
  }
  return out;
}
