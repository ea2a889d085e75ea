import { WireError } from '../errors.js';
import { formatIPv4, formatIPv6, parseIPv4, parseIPv6 } from '../ip.js';
import type { RdataCodec } from './codec.js';

export const A: RdataCodec<string> = {
  type: 'A',
  code: 1,
  canonicalLower: false,
  decode(r) {
    r.need(4);
    const s = formatIPv4(r.buf, r.pos);
    r.pos += 4;
    return s;
  },
  encode(w, data) {
    w.ensure(4);
    if (typeof data !== 'string' || !parseIPv4(data, w.buf, w.pos)) {
      throw new WireError(`A: not an IPv4 address: ${String(data)}`, w.offset);
    }
    w.pos += 4;
  },
};

export const AAAA: RdataCodec<string> = {
  type: 'AAAA',
  code: 28,
  canonicalLower: false,
  decode(r) {
    r.need(16);
    const s = formatIPv6(r.buf, r.pos);
    r.pos += 16;
    return s;
  },
  encode(w, data) {
    w.ensure(16);
    if (typeof data !== 'string' || !parseIPv6(data, w.buf, w.pos)) {
      throw new WireError(`AAAA: not an IPv6 address: ${String(data)}`, w.offset);
    }
    w.pos += 16;
  },
};
