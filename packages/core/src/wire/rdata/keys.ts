import type { DnskeyData, DsData, SshfpData, TlsaData } from '../types.js';
import { expectObject, type RdataCodec } from './codec.js';

/** Fixed small fields followed by one opaque blob that runs to the end of the rdata. */

export const SSHFP: RdataCodec<SshfpData> = {
  type: 'SSHFP',
  code: 44,
  canonicalLower: false,
  decode(r) {
    const algorithm = r.u8();
    const hash = r.u8();
    return { algorithm, hash, fingerprint: r.rest() };
  },
  encode(w, d) {
    expectObject(d, 'SSHFP', w);
    w.u8(d.algorithm);
    w.u8(d.hash);
    w.bytes(d.fingerprint);
  },
};

export const TLSA: RdataCodec<TlsaData> = {
  type: 'TLSA',
  code: 52,
  canonicalLower: false,
  decode(r) {
    const usage = r.u8();
    const selector = r.u8();
    const matchingType = r.u8();
    return { usage, selector, matchingType, certificate: r.rest() };
  },
  encode(w, d) {
    expectObject(d, 'TLSA', w);
    w.u8(d.usage);
    w.u8(d.selector);
    w.u8(d.matchingType);
    w.bytes(d.certificate);
  },
};

function dsLike(type: string, code: number): RdataCodec<DsData> {
  return {
    type,
    code,
    canonicalLower: false,
    decode(r) {
      const keyTag = r.u16();
      const algorithm = r.u8();
      const digestType = r.u8();
      return { keyTag, algorithm, digestType, digest: r.rest() };
    },
    encode(w, d) {
      expectObject(d, type, w);
      w.u16(d.keyTag);
      w.u8(d.algorithm);
      w.u8(d.digestType);
      w.bytes(d.digest);
    },
  };
}

export const DS = dsLike('DS', 43);
export const CDS = dsLike('CDS', 59);

function dnskeyLike(type: string, code: number): RdataCodec<DnskeyData> {
  return {
    type,
    code,
    canonicalLower: false,
    decode(r) {
      const flags = r.u16();
      const protocol = r.u8();
      const algorithm = r.u8();
      return { flags, protocol, algorithm, key: r.rest() };
    },
    encode(w, d) {
      expectObject(d, type, w);
      w.u16(d.flags);
      w.u8(d.protocol);
      w.u8(d.algorithm);
      w.bytes(d.key);
    },
  };
}

export const DNSKEY = dnskeyLike('DNSKEY', 48);
export const CDNSKEY = dnskeyLike('CDNSKEY', 60);
