/**
 * Turns the bytes of one token into its text. Zone files are bytes, not text: names may hold
 * any octet and old files carry Latin-1 or raw UTF-8 in TXT records. So every byte outside
 * printable ASCII becomes a `\DDD` escape, which names and character-strings decode back to
 * exactly that byte; token text is always printable ASCII and no input byte is lost,
 * re-encoded or replaced by U+FFFD. (BIND keeps such bytes raw and prints them as `\DDD`.)
 */

const BACKSLASH = 0x5c;

/** `\DDD` for each byte value. */
const DECIMAL_ESCAPE: readonly string[] = Array.from(
  { length: 256 },
  (_, b) => `\\${b.toString().padStart(3, '0')}`,
);

/** Whether a byte stands for itself in token text. */
export function isPrintableByte(b: number): boolean {
  return b >= 0x20 && b < 0x7f;
}

/** Tokens up to this long are made by String.fromCharCode. */
const SHORT_TOKEN = 16;
/** Argument lists for String.fromCharCode, one per length, refilled for every token. */
const CHAR_CODES: number[][] = Array.from({ length: SHORT_TOKEN + 1 }, (_, k) =>
  new Array<number>(k).fill(0),
);

/** Text of `buf[start, end)`. `printable` is the caller's knowledge that every byte is printable ASCII. */
export function tokenText(buf: Buffer, start: number, end: number, printable: boolean): string {
  if (!printable) return escapeUnprintable(buf, start, end);
  const length = end - start;
  if (length > SHORT_TOKEN) return buf.toString('latin1', start, end);
  // Most tokens (types, TTLs, labels, addresses) are short. Buffer#toString goes through
  // its argument checks into C++ for each; String.fromCharCode stays in compiled code and
  // takes half the time: a few hundredths of a second over a million-record zone.
  const codes = CHAR_CODES[length];
  for (let i = 0; i < length; i++) codes[i] = buf[start + i];
  return String.fromCharCode.apply(null, codes);
}

function escapeUnprintable(buf: Buffer, start: number, end: number): string {
  let out = '';
  let run = start;
  // Whether the next byte is escaped by the backslash before it: an unprintable byte there
  // replaces that backslash, because `\DDD` is itself the escape (`\` + 0xFF means 0xFF).
  let escaped = false;
  for (let i = start; i < end; i++) {
    const b = buf[i];
    if (isPrintableByte(b)) {
      escaped = !escaped && b === BACKSLASH;
      continue;
    }
    out += buf.toString('latin1', run, escaped ? i - 1 : i) + DECIMAL_ESCAPE[b];
    run = i + 1;
    escaped = false;
  }
  return out + buf.toString('latin1', run, end);
}
