import { typeToString } from '../constants.js';
import { WireError } from '../errors.js';
import type { Reader } from '../reader.js';
import type { Writer } from '../writer.js';
import { typeCode } from './codec.js';

/**
 * RFC 4034 4.1.2 type bitmaps (NSEC, NSEC3, CSYNC): windows of up to 32 octets, one bit per
 * type. Decoding insists on the canonical encoding the RFC requires (windows ascending,
 * no empty window, no trailing zero octet), so decode-then-encode reproduces the bytes.
 */
export function decodeTypeBitmap(r: Reader): string[] {
  const types: string[] = [];
  let lastWindow = -1;
  const b = r.buf;
  while (r.pos < r.limit) {
    const at = r.pos;
    const window = r.u8();
    const length = r.u8();
    if (window <= lastWindow) throw new WireError('type bitmap windows out of order', at);
    if (length < 1 || length > 32) throw new WireError('type bitmap window length not 1-32', at + 1);
    r.need(length);
    if (b[r.pos + length - 1] === 0) throw new WireError('type bitmap window ends in a zero octet', at);
    for (let i = 0; i < length; i++) {
      const octet = b[r.pos + i];
      if (octet === 0) continue;
      for (let bit = 0; bit < 8; bit++) {
        if (octet & (0x80 >> bit)) types.push(typeToString(window * 256 + i * 8 + bit));
      }
    }
    r.pos += length;
    lastWindow = window;
  }
  return types;
}

export function encodeTypeBitmap(w: Writer, types: readonly string[]): void {
  if (!Array.isArray(types)) throw new WireError('type list must be an array', w.offset);
  const codes: number[] = [];
  for (const t of types) codes.push(typeCode(t, w));
  codes.sort((x, y) => x - y);
  let i = 0;
  while (i < codes.length) {
    const window = codes[i] >> 8;
    const octets = new Uint8Array(32);
    let used = 0;
    for (; i < codes.length && codes[i] >> 8 === window; i++) {
      const low = codes[i] & 0xff;
      octets[low >> 3] |= 0x80 >> (low & 7);
      used = (low >> 3) + 1;
    }
    w.u8(window);
    w.u8(used);
    w.bytes(octets.subarray(0, used));
  }
}
