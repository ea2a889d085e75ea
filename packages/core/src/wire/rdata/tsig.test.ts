import { describe, expect, it } from 'vitest';
import { decodeRdata } from '../decode.js';
import { encodeRdata } from '../encode.js';
import { WireError } from '../errors.js';
import { u16, wireName } from '../test-support/bytes.js';
import type { ResourceRecord, TsigData } from '../types.js';

describe('TSIG rdata (RFC 8945 4.2)', () => {
  const mac = Uint8Array.from({ length: 32 }, (_, i) => i);
  const data: TsigData = {
    algorithm: 'hmac-sha256.',
    timeSigned: 0x0001_5f5e_1000,
    fudge: 300,
    mac,
    originalId: 0xbeef,
    error: 18,
    otherData: Uint8Array.from([0, 0, 0x65, 0x5f, 0x10, 0x00]),
  };
  const wire = [
    ...wireName('hmac-sha256.'),
    ...[0x00, 0x01, 0x5f, 0x5e, 0x10, 0x00],
    ...u16(300),
    ...u16(32),
    ...mac,
    ...u16(0xbeef),
    ...u16(18),
    ...u16(6),
    ...[0, 0, 0x65, 0x5f, 0x10, 0x00],
  ];
  const rr: ResourceRecord = { name: 'key.example.', type: 'TSIG', class: 'ANY', ttl: 0, data };

  it('encodes and decodes every field, the time as 48 bits', () => {
    expect([...encodeRdata(rr)]).toEqual(wire);
    expect(decodeRdata(250, Uint8Array.from(wire))).toEqual(data);
  });
  it('rejects a MAC size past the rdata and a time beyond 48 bits', () => {
    const short = Uint8Array.from(wire.slice(0, 30));
    expect(() => decodeRdata(250, short)).toThrow(WireError);
    expect(() => encodeRdata({ ...rr, data: { ...data, timeSigned: 2 ** 48 } })).toThrow(/48-bit/);
  });
});
