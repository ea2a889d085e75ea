import { decodeHex, encodeHex } from './binary-text.js';
import type { TokenReader } from './token-reader.js';

/**
 * RFC 3597 section 5 generic rdata: `\# <length> <hex>`, the hex possibly split over
 * several tokens, no hex at all when the length is zero.
 */

/** Whether the rdata tokens use the generic form (an unquoted `\#` first). */
export function isGenericRdata(r: TokenReader): boolean {
  const first = r.tokens[r.pos];
  return first !== undefined && !first.quoted && first.text === '\\#';
}

export function readGenericRdata(r: TokenReader): Uint8Array {
  r.next('\\#');
  const length = r.u16('rdata length after \\#');
  if (length === 0) {
    r.end();
    return new Uint8Array(0);
  }
  const start = r.pos;
  let text = '';
  while (!r.atEnd) text += r.word('hex rdata');
  if (text.length === 0) r.failAt(undefined, `expected ${length} bytes of hex rdata, found end of record`);
  const bytes = decodeHex(text);
  if (bytes === null) r.failAt(start, 'bad generic rdata: expected an even number of hex digits');
  if (bytes.length !== length) {
    r.failAt(start, `generic rdata length ${length} does not match the ${bytes.length} bytes of hex`);
  }
  return bytes;
}

/** `\# 4 0A000001`; `\# 0` for empty rdata (what kdig and dig print). */
export function formatGenericRdata(bytes: Uint8Array): string {
  return bytes.length === 0 ? '\\# 0' : `\\# ${bytes.length} ${encodeHex(bytes)}`;
}
