import type { NaptrData, SrvData } from '../types.js';
import { expectObject, type RdataCodec } from './codec.js';

/** RFC 2782. The target is never compressed (RFC 3597 4) but read compressed if sent so. */
export const SRV: RdataCodec<SrvData> = {
  type: 'SRV',
  code: 33,
  canonicalLower: true,
  decode(r) {
    const priority = r.u16();
    const weight = r.u16();
    const port = r.u16();
    return { priority, weight, port, target: r.name() };
  },
  encode(w, d) {
    expectObject(d, 'SRV', w);
    w.u16(d.priority);
    w.u16(d.weight);
    w.u16(d.port);
    w.name(d.target, false);
  },
};

/** RFC 3403. Character-strings are one character per octet; the replacement is uncompressed. */
export const NAPTR: RdataCodec<NaptrData> = {
  type: 'NAPTR',
  code: 35,
  canonicalLower: true,
  decode(r) {
    const order = r.u16();
    const preference = r.u16();
    const flags = r.characterString();
    const services = r.characterString();
    const regexp = r.characterString();
    return { order, preference, flags, services, regexp, replacement: r.name() };
  },
  encode(w, d) {
    expectObject(d, 'NAPTR', w);
    w.u16(d.order);
    w.u16(d.preference);
    w.characterString(d.flags, 'NAPTR flags');
    w.characterString(d.services, 'NAPTR services');
    w.characterString(d.regexp, 'NAPTR regexp');
    w.name(d.replacement, false);
  },
};
