import { typeToString } from '../constants.js';
import { WireError } from '../errors.js';
import type { Nsec3Data, Nsec3ParamData, NsecData, RrsigData } from '../types.js';
import { expectObject, typeCode, type RdataCodec } from './codec.js';
import { decodeTypeBitmap, encodeTypeBitmap } from './typebitmap.js';

/** RFC 4034 3. The signer's name is never compressed and is lowercased in canonical form. */
export const RRSIG: RdataCodec<RrsigData> = {
  type: 'RRSIG',
  code: 46,
  canonicalLower: true,
  decode(r) {
    const typeCovered = typeToString(r.u16());
    const algorithm = r.u8();
    const labels = r.u8();
    const originalTTL = r.u32();
    const expiration = r.u32();
    const inception = r.u32();
    const keyTag = r.u16();
    const signersName = r.name();
    return {
      typeCovered,
      algorithm,
      labels,
      originalTTL,
      expiration,
      inception,
      keyTag,
      signersName,
      signature: r.rest(),
    };
  },
  encode(w, d) {
    expectObject(d, 'RRSIG', w);
    w.u16(typeCode(d.typeCovered, w));
    w.u8(d.algorithm);
    w.u8(d.labels);
    w.u32(d.originalTTL);
    w.u32(d.expiration);
    w.u32(d.inception);
    w.u16(d.keyTag);
    w.name(d.signersName, false);
    w.bytes(d.signature);
  },
};

/** RFC 4034 4. The next name keeps its case even in canonical form (RFC 6840 5.1). */
export const NSEC: RdataCodec<NsecData> = {
  type: 'NSEC',
  code: 47,
  canonicalLower: false,
  decode(r) {
    const nextDomain = r.name();
    return { nextDomain, rrtypes: decodeTypeBitmap(r) };
  },
  encode(w, d) {
    expectObject(d, 'NSEC', w);
    w.name(d.nextDomain, false);
    encodeTypeBitmap(w, d.rrtypes);
  },
};

/** RFC 5155 3. The next hashed owner is a non-empty binary hash. */
export const NSEC3: RdataCodec<Nsec3Data> = {
  type: 'NSEC3',
  code: 50,
  canonicalLower: false,
  decode(r) {
    const algorithm = r.u8();
    const flags = r.u8();
    const iterations = r.u16();
    const salt = r.characterBytes();
    const at = r.pos;
    const nextDomain = r.characterBytes();
    if (nextDomain.length === 0) throw new WireError('NSEC3 next hashed owner name is empty', at);
    return { algorithm, flags, iterations, salt, nextDomain, rrtypes: decodeTypeBitmap(r) };
  },
  encode(w, d) {
    expectObject(d, 'NSEC3', w);
    w.u8(d.algorithm);
    w.u8(d.flags);
    w.u16(d.iterations);
    w.characterBytes(d.salt, 'NSEC3 salt');
    if (!(d.nextDomain instanceof Uint8Array) || d.nextDomain.length === 0) {
      throw new WireError('NSEC3 next hashed owner name is empty', w.offset);
    }
    w.characterBytes(d.nextDomain, 'NSEC3 next hashed owner name');
    encodeTypeBitmap(w, d.rrtypes);
  },
};

export const NSEC3PARAM: RdataCodec<Nsec3ParamData> = {
  type: 'NSEC3PARAM',
  code: 51,
  canonicalLower: false,
  decode(r) {
    const algorithm = r.u8();
    const flags = r.u8();
    const iterations = r.u16();
    return { algorithm, flags, iterations, salt: r.characterBytes() };
  },
  encode(w, d) {
    expectObject(d, 'NSEC3PARAM', w);
    w.u8(d.algorithm);
    w.u8(d.flags);
    w.u16(d.iterations);
    w.characterBytes(d.salt, 'NSEC3PARAM salt');
  },
};
