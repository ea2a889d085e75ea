/**
 * Turns the bytes of one token into its text. Zone files are bytes, not necessarily UTF-8:
 * old files carry Latin-1 in TXT records and names may hold any octet. Valid UTF-8 becomes
 * the characters it encodes; every byte that is not part of valid UTF-8 becomes a `\DDD`
 * escape, which names and character-strings decode back to that exact byte, so no input
 * byte is lost or replaced by U+FFFD.
 */

const BACKSLASH = 0x5c;

// Fatal, so that invalid input is detected rather than silently replaced; ignoreBOM so a
// U+FEFF inside a token is kept like any other character.
const strictUtf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** Text of `buf[start, end)`. `ascii` is the caller's knowledge that no byte is >= 0x80. */
export function tokenText(buf: Buffer, start: number, end: number, ascii: boolean): string {
  if (ascii) return buf.toString('latin1', start, end);
  const bytes = buf.subarray(start, end);
  try {
    return strictUtf8.decode(bytes);
  } catch {
    return escapeInvalidUtf8(bytes);
  }
}

/** Length of the valid UTF-8 sequence starting at `i`, or 0 when the byte there starts none. */
function utf8SequenceLength(b: Uint8Array, i: number): number {
  const lead = b[i];
  const cont = (k: number, lo = 0x80, hi = 0xbf): boolean => i + k < b.length && b[i + k] >= lo && b[i + k] <= hi;
  if (lead >= 0xc2 && lead <= 0xdf) return cont(1) ? 2 : 0;
  if (lead === 0xe0) return cont(1, 0xa0) && cont(2) ? 3 : 0;
  if ((lead >= 0xe1 && lead <= 0xec) || lead === 0xee || lead === 0xef) return cont(1) && cont(2) ? 3 : 0;
  if (lead === 0xed) return cont(1, 0x80, 0x9f) && cont(2) ? 3 : 0;
  if (lead === 0xf0) return cont(1, 0x90) && cont(2) && cont(3) ? 4 : 0;
  if (lead >= 0xf1 && lead <= 0xf3) return cont(1) && cont(2) && cont(3) ? 4 : 0;
  if (lead === 0xf4) return cont(1, 0x80, 0x8f) && cont(2) && cont(3) ? 4 : 0;
  return 0;
}

function escapeInvalidUtf8(b: Uint8Array): string {
  let out = '';
  // Whether the next character is escaped by a backslash before it: an invalid byte there
  // replaces that backslash, because `\DDD` is itself the escape (`\` + 0xFF means 0xFF).
  let escaped = false;
  let i = 0;
  while (i < b.length) {
    const c = b[i];
    if (c < 0x80) {
      out += String.fromCharCode(c);
      escaped = !escaped && c === BACKSLASH;
      i++;
      continue;
    }
    const len = utf8SequenceLength(b, i);
    if (len > 0) {
      out += Buffer.from(b.buffer, b.byteOffset + i, len).toString('utf8');
      i += len;
    } else {
      if (escaped) out = out.slice(0, -1);
      out += `\\${c.toString().padStart(3, '0')}`;
      i++;
    }
    escaped = false;
  }
  return out;
}
