import { WireError } from '../errors.js';
import type { CaaData, HinfoData } from '../types.js';
import type { Writer } from '../writer.js';
import { expectObject, type RdataCodec } from './codec.js';

const utf8 = new TextEncoder();

/**
 * TXT data as decoded is an array of byte strings; when encoding, a plain string (split
 * into 255-octet pieces) or strings inside the array are accepted too, as UTF-8.
 */
export type TxtInput = Uint8Array[] | string | Array<string | Uint8Array>;

function encodeTxt(w: Writer, data: TxtInput, type: string): void {
  if (typeof data === 'string') {
    const bytes = utf8.encode(data);
    if (bytes.length === 0) {
      w.u8(0);
      return;
    }
    for (let i = 0; i < bytes.length; i += 255) w.characterBytes(bytes.subarray(i, i + 255), type);
    return;
  }
  if (!Array.isArray(data)) throw new WireError(`${type} rdata must be an array of strings`, w.offset);
  for (const piece of data) {
    w.characterBytes(typeof piece === 'string' ? utf8.encode(piece) : piece, type);
  }
}

function txtLike(type: string, code: number): RdataCodec<Uint8Array[]> {
  return {
    type,
    code,
    canonicalLower: false,
    decode(r) {
      const strings: Uint8Array[] = [];
      while (r.pos < r.limit) strings.push(r.characterBytes());
      return strings;
    },
    encode: (w, data: TxtInput) => encodeTxt(w, data, type),
  };
}

export const TXT = txtLike('TXT', 16);
export const SPF = txtLike('SPF', 99);

export const HINFO: RdataCodec<HinfoData> = {
  type: 'HINFO',
  code: 13,
  canonicalLower: false,
  decode(r) {
    const cpu = r.characterString();
    return { cpu, os: r.characterString() };
  },
  encode(w, d) {
    expectObject(d, 'HINFO', w);
    w.characterString(d.cpu, 'HINFO cpu');
    w.characterString(d.os, 'HINFO os');
  },
};

const CAA_ISSUER_CRITICAL = 0x80;

/** RFC 8659: flags, a non-empty tag, the value as the rest of the rdata. */
export const CAA: RdataCodec<CaaData> = {
  type: 'CAA',
  code: 257,
  canonicalLower: false,
  decode(r) {
    const flags = r.u8();
    const tagLength = r.u8();
    if (tagLength === 0) throw new WireError('CAA tag is empty', r.pos - 1);
    const tag = r.latin1(tagLength);
    return { flags, tag, value: r.rest(), issuerCritical: (flags & CAA_ISSUER_CRITICAL) !== 0 };
  },
  encode(w, d) {
    expectObject(d, 'CAA', w);
    w.u8(d.issuerCritical ? d.flags | CAA_ISSUER_CRITICAL : d.flags);
    if (typeof d.tag !== 'string' || d.tag.length === 0) throw new WireError('CAA tag is empty', w.offset);
    w.characterString(d.tag, 'CAA tag');
    w.bytes(d.value);
  },
};
