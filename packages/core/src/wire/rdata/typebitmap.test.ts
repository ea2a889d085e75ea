import { describe, expect, it } from 'vitest';
import { decodeRdata } from '../decode.js';
import { encodeRdata } from '../encode.js';
import { wireName } from '../test-support/bytes.js';
import type { ResourceRecord } from '../types.js';

describe('type bitmaps', () => {
  it('match the NSEC example of RFC 4034 section 4.3', () => {
    const bitmap = [
      0x00,
      0x06,
      0x40,
      0x01,
      0x00,
      0x00,
      0x00,
      0x03,
      0x04,
      0x1b,
      ...new Array(26).fill(0),
      0x20,
    ];
    const wire = [...wireName('host.example.com.'), ...bitmap];
    const data = { nextDomain: 'host.example.com.', rrtypes: ['A', 'MX', 'RRSIG', 'NSEC', 'TYPE1234'] };
    const rr: ResourceRecord = { name: 'alfa.example.com.', type: 'NSEC', class: 'IN', ttl: 86400, data };
    expect([...encodeRdata(rr)]).toEqual(wire);
    expect(decodeRdata(47, Uint8Array.from(wire))).toEqual(data);
  });
  it('sort and merge types given in any order, and allow an empty map (NSEC3 of an empty non-terminal)', () => {
    const rr: ResourceRecord = {
      name: 'a.',
      type: 'NSEC',
      class: 'IN',
      ttl: 1,
      data: { nextDomain: 'b.', rrtypes: ['MX', 'A', 'MX', 'TYPE1'] },
    };
    expect([...encodeRdata(rr)]).toEqual([...wireName('b.'), 0, 2, 0x40, 0x01]);
    const empty: ResourceRecord = {
      name: 'a.',
      type: 'NSEC',
      class: 'IN',
      ttl: 1,
      data: { nextDomain: 'b.', rrtypes: [] },
    };
    expect(decodeRdata(47, encodeRdata(empty))).toEqual({ nextDomain: 'b.', rrtypes: [] });
  });
});
