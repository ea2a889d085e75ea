/**
 * Go's time.Duration text, which CoreDNS Corefiles use for periods ("5m", "1h30m", "1.5s",
 * "300ms"): parsing as time.ParseDuration accepts it, printing as Duration.String() does.
 * Values are whole nanoseconds held in a number; Go's int64 range is enforced.
 */

/** Thrown for text that time.ParseDuration would refuse. */
export class DurationError extends Error {
  override readonly name = 'DurationError';
}

const NANOSECOND = 1;
const MICROSECOND = 1e3;
const MILLISECOND = 1e6;
const SECOND = 1e9;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;

const UNITS: ReadonlyMap<string, bigint> = new Map([
  ['ns', BigInt(NANOSECOND)],
  ['us', BigInt(MICROSECOND)],
  ['\u00b5s', BigInt(MICROSECOND)], // micro sign
  ['\u03bcs', BigInt(MICROSECOND)], // Greek mu
  ['ms', BigInt(MILLISECOND)],
  ['s', BigInt(SECOND)],
  ['m', BigInt(MINUTE)],
  ['h', BigInt(HOUR)],
]);

/** Go's largest Duration: 2^63 - 1 ns. */
const MAX_NANOSECONDS = 2n ** 63n - 1n;

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

/**
 * Parses a Go duration into nanoseconds: an optional sign, then one or more of a decimal
 * number with a unit (ns, us, µs, ms, s, m, h); "0" alone needs no unit. The arithmetic
 * is exact, as Go's (a fraction below a nanosecond is dropped); results beyond 2^53 ns
 * (104 days) lose precision in the returned number.
 */
export function parseGoDuration(text: string): number {
  const invalid = (): DurationError => new DurationError(`time: invalid duration ${JSON.stringify(text)}`);
  let i = 0;
  let negative = false;
  if (text[0] === '-' || text[0] === '+') {
    negative = text[0] === '-';
    i = 1;
  }
  if (text.slice(i) === '0') return 0;
  if (i === text.length) throw invalid();
  let total = 0n;
  while (i < text.length) {
    const start = i;
    while (i < text.length && isDigit(text.charCodeAt(i))) i++;
    const intDigits = text.slice(start, i);
    let fracDigits = '';
    if (text[i] === '.') {
      i++;
      const fracStart = i;
      while (i < text.length && isDigit(text.charCodeAt(i))) i++;
      fracDigits = text.slice(fracStart, i);
    }
    if (intDigits === '' && fracDigits === '') throw invalid();
    const unitStart = i;
    while (i < text.length && text[i] !== '.' && !isDigit(text.charCodeAt(i))) i++;
    const unitText = text.slice(unitStart, i);
    if (unitText === '') throw new DurationError(`time: missing unit in duration ${JSON.stringify(text)}`);
    const unit = UNITS.get(unitText);
    if (unit === undefined) {
      throw new DurationError(`time: unknown unit ${JSON.stringify(unitText)} in duration ${JSON.stringify(text)}`);
    }
    total += BigInt(intDigits || '0') * unit;
    if (fracDigits !== '') total += (BigInt(fracDigits) * unit) / 10n ** BigInt(fracDigits.length);
    if (total > MAX_NANOSECONDS) throw invalid();
  }
  return Number(negative ? -total : total);
}

/** Digits of `fraction` (0 <= fraction < 10^digits) after a decimal point, trailing zeros dropped. */
function fractionText(fraction: number, digits: number): string {
  if (fraction === 0) return '';
  const padded = String(fraction).padStart(digits, '0');
  let end = padded.length;
  while (padded.charCodeAt(end - 1) === 48) end--;
  return '.' + padded.slice(0, end);
}

/**
 * Formats nanoseconds as Go's Duration.String(): "5m0s", "1h30m0s", "1.5s", "300ms",
 * "2µs", "0s". Under a second the largest fitting unit is used; from a second up, hours
 * and minutes lead and seconds keep any fraction.
 */
export function formatGoDuration(ns: number): string {
  if (ns === 0) return '0s';
  const sign = ns < 0 ? '-' : '';
  const abs = Math.abs(Math.round(ns));
  if (abs < MICROSECOND) return `${sign}${abs}ns`;
  if (abs < MILLISECOND) {
    return `${sign}${Math.floor(abs / MICROSECOND)}${fractionText(abs % MICROSECOND, 3)}\u00b5s`;
  }
  if (abs < SECOND) {
    return `${sign}${Math.floor(abs / MILLISECOND)}${fractionText(abs % MILLISECOND, 6)}ms`;
  }
  const hours = Math.floor(abs / HOUR);
  const minutes = Math.floor((abs % HOUR) / MINUTE);
  const secondsNs = abs % MINUTE;
  const seconds = `${Math.floor(secondsNs / SECOND)}${fractionText(secondsNs % SECOND, 9)}s`;
  if (hours > 0) return `${sign}${hours}h${minutes}m${seconds}`;
  if (minutes > 0) return `${sign}${minutes}m${seconds}`;
  return `${sign}${seconds}`;
}
