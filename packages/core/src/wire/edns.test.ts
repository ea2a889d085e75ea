import { describe, expect, it } from 'vitest';
import { decodeMessage } from './decode.js';
import { createOpt, findOption, getOpt, isDnssecOk, setDnssecOk } from './edns.js';
import { encodeMessage } from './encode.js';
import { WireError } from './errors.js';
import { header, record, u16 } from './test-support/bytes.js';
import type { EdnsOption, Message } from './types.js';

function optMessage(options: number[], ttl = 0): Uint8Array {
  return Uint8Array.from([...header({ ar: 1 }), ...record([0], 41, options, { cls: 1232, ttl })]);
}

function option(code: number, data: number[]): number[] {
  return [...u16(code), ...u16(data.length), ...data];
}

function decodeOptions(options: number[]): EdnsOption[] {
  return getOpt(decodeMessage(optMessage(options)))!.options;
}

function encodeOptions(options: EdnsOption[]): number[] {
  const msg: Message = {
    id: 0,
    flags: 0,
    questions: [],
    answers: [],
    authorities: [],
    additionals: [createOpt({ options })],
  };
  return [...encodeMessage(msg).subarray(12 + 11)];
}

describe('OPT record', () => {
  it('unpacks class and TTL into size, extended rcode, version and flags', () => {
    const opt = getOpt(decodeMessage(optMessage([], 0x01028000)))!;
    expect(opt).toEqual({
      name: '.',
      type: 'OPT',
      udpPayloadSize: 1232,
      extendedRcode: 1,
      ednsVersion: 2,
      flags: 0x8000,
      options: [],
    });
  });
  it('DO bit', () => {
    const msg = decodeMessage(optMessage([], 0x8000));
    expect(isDnssecOk(msg)).toBe(true);
    setDnssecOk(getOpt(msg)!, false);
    expect(isDnssecOk(msg)).toBe(false);
    expect(isDnssecOk({ ...msg, additionals: [] })).toBe(false);
    expect(createOpt({ dnssecOk: true }).flags).toBe(0x8000);
  });
  it('option longer than the OPT rdata', () => {
    expect(() => decodeOptions([0, 3, 0, 5, 1])).toThrow(/rdata shorter than its fields/);
  });
});

describe('EDNS options', () => {
  it('NSID and unknown options keep their bytes', () => {
    expect(decodeOptions([...option(3, [0x61, 0x62]), ...option(65001, [9])])).toEqual([
      { code: 3, type: 'NSID', data: Uint8Array.from([0x61, 0x62]) },
      { code: 65001, data: Uint8Array.from([9]) },
    ]);
  });

  it('CLIENT_SUBNET: truncated address padded on decode, truncated and masked on encode', () => {
    const v4 = decodeOptions(option(8, [0, 1, 24, 0, 192, 0, 2]));
    expect(v4).toEqual([
      {
        code: 8,
        type: 'CLIENT_SUBNET',
        family: 1,
        sourcePrefixLength: 24,
        scopePrefixLength: 0,
        ip: '192.0.2.0',
      },
    ]);
    const v6 = decodeOptions(option(8, [0, 2, 56, 48, 0x20, 0x01, 0x0d, 0xb8, 0, 0, 0]));
    expect(v6[0]).toMatchObject({
      family: 2,
      sourcePrefixLength: 56,
      scopePrefixLength: 48,
      ip: '2001:db8::',
    });
    const encoded = encodeOptions([
      {
        code: 8,
        type: 'CLIENT_SUBNET',
        family: 1,
        sourcePrefixLength: 20,
        scopePrefixLength: 0,
        ip: '192.0.255.77',
      },
    ]);
    expect(encoded).toEqual(option(8, [0, 1, 20, 0, 192, 0, 0xf0]));
    expect(
      encodeOptions([
        { code: 8, type: 'CLIENT_SUBNET', family: 2, sourcePrefixLength: 0, scopePrefixLength: 0, ip: '::' },
      ]),
    ).toEqual(option(8, [0, 2, 0, 0]));
  });

  it('CLIENT_SUBNET: malformed is a WireError, unknown family stays raw', () => {
    expect(() => decodeOptions(option(8, [0, 1, 24, 0, 192, 0]))).toThrow(/address length/);
    expect(() => decodeOptions(option(8, [0, 1, 24, 0, 192, 0, 2, 0]))).toThrow(/address length/);
    expect(() => decodeOptions(option(8, [0, 1, 23, 0, 192, 0, 3]))).toThrow(/beyond the source prefix/);
    expect(() => decodeOptions(option(8, [0, 1, 33, 0, 1, 2, 3, 4, 5]))).toThrow(/prefix length/);
    expect(() => decodeOptions(option(8, [0, 1, 0]))).toThrow(/too short/);
    expect(decodeOptions(option(8, [0, 3, 8, 0, 1]))).toEqual([
      { code: 8, data: Uint8Array.from([0, 3, 8, 0, 1]) },
    ]);
    expect(() =>
      encodeOptions([
        {
          code: 8,
          type: 'CLIENT_SUBNET',
          family: 1,
          sourcePrefixLength: 24,
          scopePrefixLength: 0,
          ip: '::1',
        },
      ]),
    ).toThrow(WireError);
  });

  it('COOKIE lengths (RFC 7873)', () => {
    const client = [1, 2, 3, 4, 5, 6, 7, 8];
    expect(decodeOptions(option(10, client))).toEqual([
      { code: 10, type: 'COOKIE', client: Uint8Array.from(client) },
    ]);
    const server = new Array(16).fill(9);
    expect(decodeOptions(option(10, [...client, ...server]))[0]).toEqual({
      code: 10,
      type: 'COOKIE',
      client: Uint8Array.from(client),
      server: Uint8Array.from(server),
    });
    for (const bad of [0, 7, 9, 15, 41]) {
      expect(() => decodeOptions(option(10, new Array(bad).fill(1))), String(bad)).toThrow(
        /COOKIE option of bad length/,
      );
    }
    expect(() => encodeOptions([{ code: 10, type: 'COOKIE', client: new Uint8Array(7) }])).toThrow(WireError);
    expect(() =>
      encodeOptions([{ code: 10, type: 'COOKIE', client: new Uint8Array(8), server: new Uint8Array(33) }]),
    ).toThrow(WireError);
  });

  it('TCP_KEEPALIVE, PADDING and EDE', () => {
    expect(decodeOptions([...option(11, []), ...option(11, [1, 44])])).toEqual([
      { code: 11, type: 'TCP_KEEPALIVE' },
      { code: 11, type: 'TCP_KEEPALIVE', timeout: 300 },
    ]);
    expect(() => decodeOptions(option(11, [1]))).toThrow(/TCP_KEEPALIVE/);
    expect(decodeOptions(option(12, [0, 0, 7]))).toEqual([{ code: 12, type: 'PADDING', length: 3 }]);
    expect(encodeOptions([{ code: 12, type: 'PADDING', length: 3 }])).toEqual(option(12, [0, 0, 0]));
    const text = [...new TextEncoder().encode('stale ✓')];
    expect(decodeOptions(option(15, [0, 3, ...text]))).toEqual([
      { code: 15, type: 'EDE', infoCode: 3, extraText: 'stale ✓' },
    ]);
    expect(encodeOptions([{ code: 15, type: 'EDE', infoCode: 18, extraText: '' }])).toEqual(
      option(15, [0, 18]),
    );
    expect(() => decodeOptions(option(15, [0]))).toThrow(/EDE option too short/);
  });

  it('findOption', () => {
    const opt = createOpt({
      options: [
        { code: 3, type: 'NSID', data: new Uint8Array() },
        { code: 11, type: 'TCP_KEEPALIVE', timeout: 5 },
      ],
    });
    expect(findOption(opt, 11)).toEqual({ code: 11, type: 'TCP_KEEPALIVE', timeout: 5 });
    expect(findOption(opt, 10)).toBeUndefined();
  });
});
