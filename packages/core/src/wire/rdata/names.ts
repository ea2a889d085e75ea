import type { MxData, SoaData } from '../types.js';
import { expectObject, type RdataCodec } from './codec.js';

/**
 * Types whose rdata are names. RFC 1035 types (NS, CNAME, PTR, MX, SOA) may be compressed;
 * DNAME may not (RFC 6672 2.5, RFC 3597 4), though all are decompressed when read.
 */
function singleName(type: string, code: number, compressible: boolean): RdataCodec<string> {
  return {
    type,
    code,
    canonicalLower: true,
    decode: (r) => r.name(),
    encode: (w, data) => w.name(data, compressible),
  };
}

export const NS = singleName('NS', 2, true);
export const CNAME = singleName('CNAME', 5, true);
export const PTR = singleName('PTR', 12, true);
export const DNAME = singleName('DNAME', 39, false);

export const MX: RdataCodec<MxData> = {
  type: 'MX',
  code: 15,
  canonicalLower: true,
  decode(r) {
    const preference = r.u16();
    return { preference, exchange: r.name() };
  },
  encode(w, d) {
    expectObject(d, 'MX', w);
    w.u16(d.preference);
    w.name(d.exchange, true);
  },
};

export const SOA: RdataCodec<SoaData> = {
  type: 'SOA',
  code: 6,
  canonicalLower: true,
  decode(r) {
    const mname = r.name();
    const rname = r.name();
    return {
      mname,
      rname,
      serial: r.u32(),
      refresh: r.u32(),
      retry: r.u32(),
      expire: r.u32(),
      minimum: r.u32(),
    };
  },
  encode(w, d) {
    expectObject(d, 'SOA', w);
    w.name(d.mname, true);
    w.name(d.rname, true);
    w.u32(d.serial);
    w.u32(d.refresh);
    w.u32(d.retry);
    w.u32(d.expire);
    w.u32(d.minimum);
  },
};
