/**
 * RRSIG inception/expiration times (RFC 4034 section 3.2): YYYYMMDDHHmmSS in UTC, or, as
 * BIND also accepts, plain seconds since the epoch when the text has at most ten digits.
 * The wire value is 32-bit, so dates beyond 2106 wrap modulo 2^32 exactly as BIND stores
 * them (serial-number arithmetic decides what they mean).
 */

const TWO_32 = 0x1_0000_0000;
const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function isLeap(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

function digits(text: string, start: number, count: number): number {
  let n = 0;
  for (let i = start; i < start + count; i++) n = n * 10 + (text.charCodeAt(i) - 48);
  return n;
}

/** Returns seconds (0..2^32-1) or an error message. */
export function parseSigTime(text: string): number | string {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 48 || c > 57) return `invalid time ${JSON.stringify(text)}: expected YYYYMMDDHHmmSS or seconds`;
  }
  if (text.length === 0) return 'empty time';
  if (text.length <= 10) {
    const n = Number(text);
    return n < TWO_32 ? n : `time ${text} is out of range (max ${TWO_32 - 1})`;
  }
  if (text.length !== 14) {
    return `invalid time ${JSON.stringify(text)}: expected 14 digits YYYYMMDDHHmmSS`;
  }
  const year = digits(text, 0, 4);
  const month = digits(text, 4, 2);
  const day = digits(text, 6, 2);
  const hour = digits(text, 8, 2);
  const minute = digits(text, 10, 2);
  const second = digits(text, 12, 2);
  if (month < 1 || month > 12) return `invalid month in time ${text}`;
  const monthDays = DAYS_IN_MONTH[month - 1] + (month === 2 && isLeap(year) ? 1 : 0);
  if (day < 1 || day > monthDays) return `invalid day in time ${text}`;
  if (hour > 23) return `invalid hour in time ${text}`;
  if (minute > 59) return `invalid minute in time ${text}`;
  // 60 is a leap second, which BIND accepts as well.
  if (second > 60) return `invalid second in time ${text}`;
  const ms = Date.UTC(year, month - 1, day, hour, minute, second);
  // Date.UTC maps years 0-99 to 1900-1999; setUTCFullYear puts them back.
  const date = new Date(ms);
  if (year < 100) date.setUTCFullYear(year);
  const seconds = Math.floor(date.getTime() / 1000);
  return ((seconds % TWO_32) + TWO_32) % TWO_32;
}

function pad2(n: number): string {
  return n < 10 ? '0' + n : String(n);
}

/** YYYYMMDDHHmmSS in UTC for a 32-bit count of seconds since the epoch, as kdig prints it. */
export function formatSigTime(seconds: number): string {
  const d = new Date(seconds * 1000);
  return (
    String(d.getUTCFullYear()).padStart(4, '0') +
    pad2(d.getUTCMonth() + 1) +
    pad2(d.getUTCDate()) +
    pad2(d.getUTCHours()) +
    pad2(d.getUTCMinutes()) +
    pad2(d.getUTCSeconds())
  );
}
