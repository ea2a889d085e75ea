/**
 * dns-packet as an independent oracle: records we encode must decode there to the same
 * fields, and records it encodes must decode here to the same fields. Generated data
 * stays inside what dns-packet can represent (host-name labels, ASCII strings, its type
 * names, DNSKEY protocol 3, SSHFP fingerprints of the hash's length, CAA flags 0/128).
 */
import * as dnsPacket from 'dns-packet';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeMessage } from './decode.js';
import { encodeMessage } from './encode.js';
import { parseIPv6 } from './ip.js';
import { arbIPv4, arbIPv6 } from './test-support/arbitraries.js';
import type { EdnsOption, Message, OptRecord, ResourceRecord } from './types.js';

type Packet = Parameters<typeof dnsPacket.encode>[0];
type Obj = Record<string, unknown>;

const u8 = fc.integer({ min: 0, max: 0xff });
const u16 = fc.integer({ min: 0, max: 0xffff });
const u32 = fc.integer({ min: 0, max: 0xffffffff });
const bytes = (min: number, max: number) => fc.uint8Array({ minLength: min, maxLength: max });
const ascii = (max: number) => fc.string({ unit: 'grapheme-ascii', maxLength: max });
const LDH = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-';
const label = fc.string({ unit: fc.constantFrom(...LDH), minLength: 1, maxLength: 15 });
const name = fc.array(label, { maxLength: 4 }).map((ls) => (ls.length ? ls.join('.') + '.' : '.'));
const COMMON_TYPES = [
  'A',
  'NS',
  'CNAME',
  'SOA',
  'PTR',
  'MX',
  'TXT',
  'AAAA',
  'SRV',
  'DS',
  'RRSIG',
  'NSEC',
  'DNSKEY',
  'CAA',
];
const NUMBERS: Record<string, number> = {
  A: 1,
  NS: 2,
  CNAME: 5,
  SOA: 6,
  PTR: 12,
  MX: 15,
  TXT: 16,
  AAAA: 28,
  SRV: 33,
  DS: 43,
  RRSIG: 46,
  NSEC: 47,
  DNSKEY: 48,
  CAA: 257,
};
const typeList = fc
  .uniqueArray(fc.constantFrom(...COMMON_TYPES), { maxLength: 6 })
  .map((ts) => ts.sort((a, b) => NUMBERS[a] - NUMBERS[b]));

/** dns-packet spells names without the trailing dot. */
const strip = (n: string) => (n === '.' ? '.' : n.slice(0, -1));
const buf = (b: Uint8Array) => Buffer.from(b);

/** Our rdata arbitrary and the dns-packet form of the same rdata, per type. */
const cases: Record<string, { data: fc.Arbitrary<unknown>; toPacket: (d: never) => unknown }> = {
  A: { data: arbIPv4, toPacket: (d: string) => d },
  AAAA: { data: arbIPv6, toPacket: (d: string) => d },
  NS: { data: name, toPacket: strip },
  CNAME: { data: name, toPacket: strip },
  DNAME: { data: name, toPacket: strip },
  PTR: { data: name, toPacket: strip },
  SOA: {
    data: fc.record({
      mname: name,
      rname: name,
      serial: u32,
      refresh: u32,
      retry: u32,
      expire: u32,
      minimum: u32,
    }),
    toPacket: (d: Obj) => ({ ...d, mname: strip(d.mname as string), rname: strip(d.rname as string) }),
  },
  MX: {
    data: fc.record({ preference: u16, exchange: name }),
    toPacket: (d: Obj) => ({ ...d, exchange: strip(d.exchange as string) }),
  },
  TXT: {
    data: fc.array(bytes(0, 255), { minLength: 1, maxLength: 3 }),
    toPacket: (d: Uint8Array[]) => d.map(buf),
  },
  HINFO: { data: fc.record({ cpu: ascii(20), os: ascii(20) }), toPacket: (d: Obj) => d },
  SRV: {
    data: fc.record({ priority: u16, weight: u16, port: u16, target: name }),
    toPacket: (d: Obj) => ({ ...d, target: strip(d.target as string) }),
  },
  CAA: {
    data: fc
      .record({
        flags: fc.constantFrom(0, 128),
        tag: fc.constantFrom('issue', 'issuewild', 'iodef'),
        value: ascii(30),
      })
      .map((d) => ({
        flags: d.flags,
        tag: d.tag,
        value: new TextEncoder().encode(d.value),
        issuerCritical: d.flags === 128,
      })),
    toPacket: (d: { flags: number; tag: string; value: Uint8Array; issuerCritical: boolean }) => ({
      ...d,
      value: new TextDecoder().decode(d.value),
    }),
  },
  NAPTR: {
    data: fc.record({
      order: u16,
      preference: u16,
      flags: ascii(2),
      services: ascii(12),
      regexp: ascii(30),
      replacement: name,
    }),
    toPacket: (d: Obj) => ({ ...d, replacement: strip(d.replacement as string) }),
  },
  SSHFP: {
    data: fc
      .constantFrom(1, 2)
      .chain((hash) =>
        fc.record({
          algorithm: u8,
          hash: fc.constant(hash),
          fingerprint: bytes(hash === 1 ? 20 : 32, hash === 1 ? 20 : 32),
        }),
      ),
    toPacket: (d: { fingerprint: Uint8Array }) => ({
      ...d,
      fingerprint: buf(d.fingerprint).toString('hex').toUpperCase(),
    }),
  },
  TLSA: {
    data: fc.record({ usage: u8, selector: u8, matchingType: u8, certificate: bytes(1, 40) }),
    toPacket: (d: { certificate: Uint8Array }) => ({ ...d, certificate: buf(d.certificate) }),
  },
  DS: {
    data: fc.record({ keyTag: u16, algorithm: u8, digestType: u8, digest: bytes(1, 48) }),
    toPacket: (d: { digest: Uint8Array }) => ({ ...d, digest: buf(d.digest) }),
  },
  DNSKEY: {
    data: fc.record({ flags: u16, protocol: fc.constant(3), algorithm: u8, key: bytes(1, 64) }),
    toPacket: (d: { flags: number; algorithm: number; key: Uint8Array }) => ({
      flags: d.flags,
      algorithm: d.algorithm,
      key: buf(d.key),
    }),
  },
  RRSIG: {
    data: fc.record({
      typeCovered: fc.constantFrom(...COMMON_TYPES),
      algorithm: u8,
      labels: u8,
      originalTTL: u32,
      expiration: u32,
      inception: u32,
      keyTag: u16,
      signersName: name,
      signature: bytes(1, 64),
    }),
    toPacket: (d: { signersName: string; signature: Uint8Array }) => ({
      ...d,
      signersName: strip(d.signersName),
      signature: buf(d.signature),
    }),
  },
  NSEC: {
    data: fc.record({ nextDomain: name, rrtypes: typeList }),
    toPacket: (d: { nextDomain: string }) => ({ ...d, nextDomain: strip(d.nextDomain) }),
  },
  NSEC3: {
    data: fc.record({
      algorithm: u8,
      flags: u8,
      iterations: u16,
      salt: bytes(0, 16),
      nextDomain: bytes(1, 32),
      rrtypes: typeList,
    }),
    toPacket: (d: { salt: Uint8Array; nextDomain: Uint8Array }) => ({
      ...d,
      salt: buf(d.salt),
      nextDomain: buf(d.nextDomain),
    }),
  },
};

const arbCase = fc.constantFrom(...Object.keys(cases)).chain((type) =>
  fc.record({
    name,
    type: fc.constant(type),
    class: fc.constantFrom('IN', 'CH', 'HS'),
    ttl: u32,
    data: cases[type].data,
  }),
);

function packetRecord(rr: ResourceRecord): Obj {
  const {
    name: owner,
    type,
    class: cls,
    ttl,
    data,
  } = rr as { name: string; type: string; class: string; ttl: number; data: never };
  return { name: strip(owner), type, class: cls, ttl, data: cases[type].toPacket(data) };
}

/** Buffers and Uint8Arrays to hex, AAAA text to bytes, dns-packet's mDNS flush bit dropped. */
function normalise(value: unknown): unknown {
  if (value instanceof Uint8Array) return 'hex:' + Buffer.from(value).toString('hex');
  if (Array.isArray(value)) return value.map((v) => normalise(v));
  if (typeof value === 'object' && value !== null) {
    const o = value as Obj;
    const out: Obj = {};
    for (const k of Object.keys(o)) {
      if (k === 'flush' || k === 'flag_do' || o[k] === undefined) continue;
      out[k] = o.type === 'AAAA' && k === 'data' ? v6Bytes(o[k] as string) : normalise(o[k]);
    }
    return out;
  }
  return value;
}

function v6Bytes(text: string): string {
  const b = new Uint8Array(16);
  expect(parseIPv6(text, b, 0)).toBe(true);
  return Buffer.from(b).toString('hex');
}

const arbRecords = fc.array(arbCase, { minLength: 1, maxLength: 5 }) as fc.Arbitrary<ResourceRecord[]>;

function ourMessage(records: ResourceRecord[], id: number): Message {
  return {
    id,
    flags: 0x8180,
    questions: [{ name: records[0].name, type: 'A', class: 'IN' }],
    answers: records,
    authorities: [],
    additionals: [],
  };
}

function theirMessage(records: ResourceRecord[], id: number): Packet {
  return {
    id,
    type: 'response',
    flags: 0x0180,
    questions: [{ name: strip(records[0].name), type: 'A', class: 'IN' }],
    answers: records.map(packetRecord),
  } as unknown as Packet;
}

describe('dns-packet oracle', () => {
  it('tsdns encodes -> dns-packet decodes the same records', () => {
    fc.assert(
      fc.property(arbRecords, u16, fc.boolean(), (records, id, compress) => {
        const decoded = dnsPacket.decode(Buffer.from(encodeMessage(ourMessage(records, id), { compress })));
        expect(decoded.id).toBe(id);
        expect(decoded.flags).toBe(0x0180);
        expect(normalise(decoded.questions)).toEqual([
          { name: strip(records[0].name), type: 'A', class: 'IN' },
        ]);
        expect(normalise(decoded.answers)).toEqual(normalise(records.map(packetRecord)));
      }),
      { numRuns: 1500 },
    );
  });

  it('dns-packet encodes -> tsdns decodes the same records', () => {
    fc.assert(
      fc.property(arbRecords, u16, (records, id) => {
        const msg = decodeMessage(dnsPacket.encode(theirMessage(records, id)), { rejectTrailingBytes: true });
        expect(msg).toEqual(ourMessage(records, id));
      }),
      { numRuns: 1500 },
    );
  });

  const arbOption: fc.Arbitrary<EdnsOption> = fc.oneof(
    bytes(0, 16).map((data) => ({ code: 3, type: 'NSID', data }) as EdnsOption),
    fc.record({ a: bytes(4, 4), source: fc.nat(32) }).map(({ a, source }) => {
      for (let bit = source; bit < 32; bit++) a[bit >> 3] &= ~(0x80 >> (bit & 7));
      return {
        code: 8,
        type: 'CLIENT_SUBNET',
        family: 1,
        sourcePrefixLength: source,
        scopePrefixLength: 0,
        ip: [...a].join('.'),
      } as EdnsOption;
    }),
    u16.filter((t) => t > 0).map((timeout) => ({ code: 11, type: 'TCP_KEEPALIVE', timeout }) as EdnsOption),
    fc.nat(40).map((length) => ({ code: 12, type: 'PADDING', length }) as EdnsOption),
  );

  it('OPT records and EDNS options both ways', () => {
    fc.assert(
      // dns-packet turns a payload size of 0 into 4096, so start at 1
      fc.property(
        fc.integer({ min: 1, max: 0xffff }),
        fc.constantFrom(0, 0x8000),
        fc.array(arbOption, { maxLength: 4 }),
        (size, flags, options) => {
          const opt: OptRecord = {
            name: '.',
            type: 'OPT',
            udpPayloadSize: size,
            extendedRcode: 0,
            ednsVersion: 0,
            flags,
            options,
          };
          const ours: Message = {
            id: 1,
            flags: 0,
            questions: [],
            answers: [],
            authorities: [],
            additionals: [opt],
          };
          const theirOpt = dnsPacket.decode(Buffer.from(encodeMessage(ours)))
            .additionals![0] as unknown as Obj;
          expect(theirOpt).toMatchObject({
            name: '.',
            type: 'OPT',
            udpPayloadSize: size,
            flags,
            flag_do: flags !== 0,
          });
          const theirOptions = theirOpt.options as Obj[];
          expect(theirOptions.map((o) => o.code)).toEqual(options.map((o) => o.code));
          options.forEach((o, i) => {
            if (o.type === 'CLIENT_SUBNET')
              expect(theirOptions[i]).toMatchObject({
                family: 1,
                sourcePrefixLength: o.sourcePrefixLength,
                ip: o.ip,
              });
            if (o.type === 'TCP_KEEPALIVE') expect(theirOptions[i]).toMatchObject({ timeout: o.timeout });
            if (o.type === 'NSID') expect(new Uint8Array(theirOptions[i].data as Buffer)).toEqual(o.data);
            if (o.type === 'PADDING') expect((theirOptions[i].data as Buffer).length).toBe(o.length);
          });
          // and back: dns-packet's encoding of the same options decodes to ours
          const packetOptions = options.map((o) =>
            o.type === 'NSID' ? { code: 3, data: Buffer.from(o.data) } : o,
          );
          const theirs = dnsPacket.encode({
            id: 1,
            type: 'query',
            flags: 0,
            questions: [],
            additionals: [
              { name: '.', type: 'OPT', udpPayloadSize: size, flags, options: packetOptions } as never,
            ],
          });
          expect(decodeMessage(theirs).additionals).toEqual([opt]);
        },
      ),
      { numRuns: 500 },
    );
  });

  it('reads dns-packet messages with compressed names (its decoder test vector style)', () => {
    // dns-packet never compresses, so take our compressed encoding through it and back
    const records: ResourceRecord[] = [
      { name: 'a.example.', type: 'CNAME', class: 'IN', ttl: 5, data: 'b.example.' },
      {
        name: 'b.example.',
        type: 'MX',
        class: 'IN',
        ttl: 5,
        data: { preference: 1, exchange: 'mx.b.example.' },
      },
    ];
    const wire = encodeMessage(ourMessage(records, 9));
    const viaThem = dnsPacket.encode(dnsPacket.decode(Buffer.from(wire)));
    expect(decodeMessage(viaThem)).toEqual(ourMessage(records, 9));
    expect(viaThem.length).toBeGreaterThan(wire.length);
  });
});
