import { WireError } from '../errors.js';
import type { TsigData } from '../types.js';
import type { Reader } from '../reader.js';
import type { Writer } from '../writer.js';
import { expectObject, type RdataCodec } from './codec.js';

function u16Bytes(r: Reader): Uint8Array {
  return r.bytes(r.u16());
}

function writeU16Bytes(w: Writer, data: Uint8Array, what: string): void {
  if (!(data instanceof Uint8Array)) throw new WireError(`${what}: expected a Uint8Array`, w.offset);
  w.u16(data.length);
  w.bytes(data);
}

/** RFC 8945 4.2. The algorithm name is never compressed. */
export const TSIG: RdataCodec<TsigData> = {
  type: 'TSIG',
  code: 250,
  canonicalLower: false,
  decode(r) {
    const algorithm = r.name();
    const timeSigned = r.u48();
    const fudge = r.u16();
    const mac = u16Bytes(r);
    const originalId = r.u16();
    const error = r.u16();
    return { algorithm, timeSigned, fudge, mac, originalId, error, otherData: u16Bytes(r) };
  },
  encode(w, d) {
    expectObject(d, 'TSIG', w);
    w.name(d.algorithm, false);
    w.u48(d.timeSigned);
    w.u16(d.fudge);
    writeU16Bytes(w, d.mac, 'TSIG mac');
    w.u16(d.originalId);
    w.u16(d.error);
    writeU16Bytes(w, d.otherData, 'TSIG other data');
  },
};
