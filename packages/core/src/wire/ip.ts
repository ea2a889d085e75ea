/**
 * IPv4/IPv6 addresses between presentation text and network bytes, for A, AAAA, SVCB hints
 * and EDNS client subnet. Parsers return false instead of throwing so each caller can raise
 * its own error type; formatters produce the RFC 5952 form.
 */

const HEX = '0123456789abcdef';

export function formatIPv4(b: Uint8Array, off: number): string {
  return b[off] + '.' + b[off + 1] + '.' + b[off + 2] + '.' + b[off + 3];
}

/** Strict dotted quad: four decimals 0-255 without leading zeros. */
export function parseIPv4(text: string, out: Uint8Array, off: number): boolean {
  return parseIPv4Range(text, 0, text.length, out, off);
}

function parseIPv4Range(text: string, start: number, end: number, out: Uint8Array, off: number): boolean {
  let part = 0;
  let value = 0;
  let digits = 0;
  for (let i = start; i <= end; i++) {
    const c = i < end ? text.charCodeAt(i) : 0x2e;
    if (c === 0x2e) {
      if (digits === 0 || part > 3) return false;
      out[off + part++] = value;
      value = 0;
      digits = 0;
      continue;
    }
    const d = c - 48;
    if (d < 0 || d > 9) return false;
    if (digits > 0 && value === 0) return false; // leading zero
    value = value * 10 + d;
    if (value > 255) return false;
    digits++;
  }
  return part === 4;
}

function hexGroup(b: Uint8Array, i: number): string {
  const v = (b[i] << 8) | b[i + 1];
  if (v < 0x10) return HEX[v];
  return v.toString(16);
}

/** RFC 5952: lowercase, longest run (>= 2) of zero groups as '::', IPv4-mapped as ::ffff:a.b.c.d. */
export function formatIPv6(b: Uint8Array, off: number): string {
  let bestStart = -1;
  let bestLength = 1;
  let runStart = -1;
  for (let g = 0; g < 8; g++) {
    const zero = b[off + 2 * g] === 0 && b[off + 2 * g + 1] === 0;
    if (zero) {
      if (runStart < 0) runStart = g;
      if (g - runStart + 1 > bestLength) {
        bestStart = runStart;
        bestLength = g - runStart + 1;
      }
    } else runStart = -1;
  }
  if (bestStart === 0 && bestLength === 5 && b[off + 10] === 0xff && b[off + 11] === 0xff) {
    return '::ffff:' + formatIPv4(b, off + 12);
  }
  let s = '';
  for (let g = 0; g < 8; g++) {
    if (g === bestStart) {
      s += '::';
      g += bestLength - 1;
      continue;
    }
    if (s.length > 0 && s.charCodeAt(s.length - 1) !== 0x3a) s += ':';
    s += hexGroup(b, off + 2 * g);
  }
  return s;
}

function hexValue(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  const l = c | 0x20;
  if (l >= 0x61 && l <= 0x66) return l - 0x61 + 10;
  return -1;
}

/** parseIPv6's groups, reused (it is synchronous): a zone load parses one per AAAA record. */
const groups = new Uint16Array(8);

/** Standard IPv6 text (RFC 4291 2.2), with '::' and an optional dotted-quad tail; no zone id. */
export function parseIPv6(text: string, out: Uint8Array, off: number): boolean {
  const n = text.length;
  if (n < 2 || n > 45) return false;
  let count = 0;
  let gap = -1;
  let i = 0;
  if (text.charCodeAt(0) === 0x3a) {
    if (text.charCodeAt(1) !== 0x3a) return false;
    gap = 0;
    i = 2;
    if (i === n) {
      out.fill(0, off, off + 16);
      return true;
    }
  }
  while (i < n) {
    if (count === 8) return false;
    let j = i;
    let value = 0;
    while (j < n && j - i < 5) {
      const h = hexValue(text.charCodeAt(j));
      if (h < 0) break;
      value = (value << 4) | h;
      j++;
    }
    const next = j < n ? text.charCodeAt(j) : -1;
    if (next === 0x2e) {
      // dotted-quad tail fills the last two groups
      if (count > 6) return false;
      const quad = new Uint8Array(4);
      if (!parseIPv4Range(text, i, n, quad, 0)) return false;
      groups[count++] = (quad[0] << 8) | quad[1];
      groups[count++] = (quad[2] << 8) | quad[3];
      i = n;
      break;
    }
    if (j === i || j - i > 4) return false;
    groups[count++] = value;
    if (j === n) {
      i = n;
      break;
    }
    if (next !== 0x3a) return false;
    if (j + 1 < n && text.charCodeAt(j + 1) === 0x3a) {
      if (gap >= 0) return false;
      gap = count;
      i = j + 2;
    } else {
      if (j + 1 === n) return false; // trailing single colon
      i = j + 1;
    }
  }
  if (gap < 0 ? count !== 8 : count > 7) return false;
  out.fill(0, off, off + 16);
  const tail = gap < 0 ? 0 : count - gap;
  for (let g = 0; g < count; g++) {
    const slot = gap >= 0 && g >= gap ? 8 - tail + (g - gap) : g;
    out[off + 2 * slot] = groups[g] >> 8;
    out[off + 2 * slot + 1] = groups[g] & 0xff;
  }
  return true;
}
