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

/** Text of `buf[start, end)`. `printable` is the caller's knowledge that every byte is printable ASCII. */
export function tokenText(buf: Buffer, start: number, end: number, printable: boolean): string {
  return printable ? buf.toString('latin1', start, end) : escapeUnprintable(buf, start, end);
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
