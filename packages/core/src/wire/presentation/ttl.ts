/**
 * TTLs and other time intervals in master-file syntax: plain seconds ("3600") or BIND's unit
 * form ("1h30m", "1W2D", units w/d/h/m/s in any case, each unit optional and repeatable). As
 * in BIND, a bare number may not follow a unit ("1h30" is an error) and the total must fit
 * in 32 bits.
 */

export class TtlError extends Error {
  override readonly name = 'TtlError';
}

const MAX_TTL = 0xffffffff;

/** seconds per unit letter, indexed by lower-case char code */
const UNIT_SECONDS = new Map<number, number>([
  [0x77 /* w */, 604800],
  [0x64 /* d */, 86400],
  [0x68 /* h */, 3600],
  [0x6d /* m */, 60],
  [0x73 /* s */, 1],
]);

/** Returns the TTL in seconds, or throws TtlError saying what is wrong. */
export function parseTtl(text: string): number {
  const result = tryParseTtl(text);
  if (typeof result === 'string') throw new TtlError(result);
  return result;
}

/**
 * Like parseTtl but returns the error message instead of throwing, for callers (the rdata
 * reader) that wrap it in their own error type.
 */
export function tryParseTtl(text: string): number | string {
  if (text.length === 0) return 'empty TTL';
  let total = 0;
  let sawUnit = false;
  let i = 0;
  while (i < text.length) {
    const start = i;
    let n = 0;
    while (i < text.length) {
      const d = text.charCodeAt(i) - 48;
      if (d < 0 || d > 9) break;
      n = n * 10 + d;
      i++;
    }
    if (i === start) {
      return `invalid TTL ${JSON.stringify(text)}: expected a number at position ${start + 1}`;
    }
    if (n > MAX_TTL) return `TTL ${JSON.stringify(text)} is out of range (max ${MAX_TTL})`;
    if (i === text.length) {
      if (sawUnit) {
        return `invalid TTL ${JSON.stringify(text)}: number without unit after a unit (use e.g. 1h30m)`;
      }
      return n;
    }
    const unit = UNIT_SECONDS.get(text.charCodeAt(i) | 0x20);
    if (unit === undefined) {
      return `invalid TTL ${JSON.stringify(text)}: unknown unit ${JSON.stringify(text[i])} (expected w, d, h, m or s)`;
    }
    total += n * unit;
    if (total > MAX_TTL) return `TTL ${JSON.stringify(text)} is out of range (max ${MAX_TTL})`;
    sawUnit = true;
    i++;
  }
  return total;
}

const FORMAT_UNITS: ReadonlyArray<readonly [string, number]> = [
  ['w', 604800],
  ['d', 86400],
  ['h', 3600],
  ['m', 60],
  ['s', 1],
];

/**
 * Seconds in the condensed unit form kdig prints with +ttlunits ("1h30m", "2w3d"); zero is
 * "0s". parseTtl reads it back.
 */
export function formatTtl(seconds: number): string {
  if (!Number.isInteger(seconds) || seconds < 0 || seconds > MAX_TTL) {
    throw new TtlError(`TTL out of range: ${seconds}`);
  }
  if (seconds === 0) return '0s';
  let out = '';
  let rest = seconds;
  for (const [unit, size] of FORMAT_UNITS) {
    const n = Math.floor(rest / size);
    if (n > 0) {
      out += n + unit;
      rest -= n * size;
    }
  }
  return out;
}
