/**
 * <character-string>s (RFC 1035 section 5.1): the text of TXT, HINFO, NAPTR and CAA fields.
 * Tokens reach us raw, so `\DDD` (a decimal byte) and `\X` (X literally) are decoded here.
 * Characters beyond ASCII are taken as UTF-8, which is how zone files are read.
 */

const utf8 = new TextEncoder();

/**
 * Decodes the escapes of one token into bytes. Returns an error message (a string) for a
 * dangling backslash or a bad `\DDD`; callers attach the token position.
 */
export function decodeCharString(text: string): Uint8Array | string {
  // Fast path: nothing to unescape and plain ASCII.
  let simple = true;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x5c || c > 0x7f) {
      simple = false;
      break;
    }
  }
  if (simple) {
    const out = new Uint8Array(text.length);
    for (let i = 0; i < text.length; i++) out[i] = text.charCodeAt(i);
    return out;
  }
  const bytes: number[] = [];
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x5c /* \ */) {
      if (i + 1 >= text.length) return 'dangling backslash at end of text';
      const d1 = text.charCodeAt(i + 1) - 48;
      if (d1 >= 0 && d1 <= 9) {
        const d2 = text.charCodeAt(i + 2) - 48;
        const d3 = text.charCodeAt(i + 3) - 48;
        if (!(d2 >= 0 && d2 <= 9 && d3 >= 0 && d3 <= 9)) {
          return `bad escape ${JSON.stringify(text.slice(i, i + 4))}: \\DDD needs three decimal digits`;
        }
        const value = d1 * 100 + d2 * 10 + d3;
        if (value > 255) return `bad escape \\${value}: value above 255`;
        bytes.push(value);
        i += 3;
        continue;
      }
      i++;
      pushChar(bytes, text, i);
      // A surrogate pair is one character; skip its second half.
      if (isHighSurrogate(text.charCodeAt(i))) i++;
      continue;
    }
    pushChar(bytes, text, i);
    if (isHighSurrogate(c)) i++;
  }
  return Uint8Array.from(bytes);
}

function isHighSurrogate(c: number): boolean {
  return c >= 0xd800 && c <= 0xdbff;
}

function pushChar(bytes: number[], text: string, i: number): void {
  const c = text.charCodeAt(i);
  if (c < 0x80) {
    bytes.push(c);
    return;
  }
  const cp = text.codePointAt(i) ?? c;
  for (const b of utf8.encode(String.fromCodePoint(cp))) bytes.push(b);
}

/** printable ASCII other than '"' and '\' stands for itself inside quotes */
function isPlain(b: number): boolean {
  return b >= 0x20 && b <= 0x7e && b !== 0x22 && b !== 0x5c;
}

/** "\\" and "\"" for the two specials, "\DDD" for non-printables, the character otherwise */
const BYTE_TEXT: readonly string[] = Array.from({ length: 256 }, (_, b) => {
  if (isPlain(b)) return String.fromCharCode(b);
  if (b === 0x22 || b === 0x5c) return '\\' + String.fromCharCode(b);
  return '\\' + String(b).padStart(3, '0');
});

/**
 * The bytes as kdig and dig print a character-string: always in double quotes, '"' and '\'
 * backslash-escaped, bytes outside printable ASCII as \DDD.
 */
export function quoteCharString(bytes: Uint8Array): string {
  return '"' + escapeBytes(bytes) + '"';
}

/** One byte as it appears inside a quoted character-string. */
export function escapeByte(b: number): string {
  return BYTE_TEXT[b];
}

/** The escaped body without quotes. */
export function escapeBytes(bytes: Uint8Array): string {
  let out = '';
  for (let i = 0; i < bytes.length; i++) out += BYTE_TEXT[bytes[i]];
  return out;
}

/** Whether the bytes contain a space, which forces quoting of otherwise bare values. */
export function hasSpace(bytes: Uint8Array): boolean {
  return bytes.indexOf(0x20) >= 0;
}

/**
 * Character-strings that the data model keeps as JS strings (HINFO, NAPTR, SVCB alpn) hold
 * one character per byte (latin1), as the wire decoder produces them.
 */
export function bytesToLatin1(bytes: Uint8Array): string {
  let s = '';
  for (let i = 0; i < bytes.length; i++) s += String.fromCharCode(bytes[i]);
  return s;
}

/** The bytes of a one-character-per-byte string; null if a character is beyond U+00FF. */
export function latin1ToBytes(s: string): Uint8Array | null {
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c > 0xff) return null;
    out[i] = c;
  }
  return out;
}
