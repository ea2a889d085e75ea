import fc from 'fast-check';
import protobuf from 'protobufjs';
import { describe, expect, it } from 'vitest';
import {
  DNSTAP_TYPE_MESSAGE,
  DnstapDecodeError,
  MessageType,
  SocketFamily,
  SocketProtocol,
  decodeDnstap,
  encodeDnstap,
  type Dnstap,
  type DnstapMessage,
} from './proto.js';
import { DNSTAP_PROTO } from './test-support/schema.js';

const root = protobuf.parse(DNSTAP_PROTO, { keepCase: true }).root;
const PbDnstap = root.lookupType('dnstap.Dnstap');

const bytes = (...b: number[]): Uint8Array => Uint8Array.from(b);

const sample: Dnstap = {
  identity: new TextEncoder().encode('ns1.example'),
  version: new TextEncoder().encode('tsdns-0.1.0'),
  extra: new TextEncoder().encode('upstream: 192.0.2.1:53'),
  type: DNSTAP_TYPE_MESSAGE,
  message: {
    type: MessageType.FORWARDER_RESPONSE,
    socketFamily: SocketFamily.INET6,
    socketProtocol: SocketProtocol.DOT,
    queryAddress: bytes(0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1),
    responseAddress: bytes(0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x53),
    queryPort: 53000,
    responsePort: 853,
    queryTimeSec: 1_767_225_600,
    queryTimeNsec: 123_456_789,
    queryMessage: bytes(1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12),
    queryZone: bytes(7, 101, 120, 97, 109, 112, 108, 101, 0),
    responseTimeSec: 1_767_225_601,
    responseTimeNsec: 4_000_000_000 % 1_000_000_000,
    responseMessage: bytes(0x12, 0x34, 0x81, 0x80),
    httpProtocol: 2,
  },
};

/** protobufjs's view of a decoded payload, with its Long/number and Buffer values normalised. */
function viaProtobufjs(buf: Uint8Array): Record<string, unknown> {
  return PbDnstap.toObject(PbDnstap.decode(buf), {
    longs: Number,
    bytes: Array,
    enums: Number,
    defaults: false,
  });
}

function asArray(b: Uint8Array | undefined): number[] | undefined {
  return b === undefined ? undefined : [...b];
}

describe('dnstap protobuf codec', () => {
  it('round-trips every field', () => {
    expect(decodeDnstap(encodeDnstap(sample))).toEqual(sample);
  });

  it('writes what protobufjs decodes to the same values (independent decoder)', () => {
    const decoded = viaProtobufjs(encodeDnstap(sample));
    const m = sample.message as DnstapMessage;
    expect(decoded).toEqual({
      identity: asArray(sample.identity),
      version: asArray(sample.version),
      extra: asArray(sample.extra),
      type: 1,
      message: {
        type: m.type,
        socket_family: m.socketFamily,
        socket_protocol: m.socketProtocol,
        query_address: asArray(m.queryAddress),
        response_address: asArray(m.responseAddress),
        query_port: m.queryPort,
        response_port: m.responsePort,
        query_time_sec: m.queryTimeSec,
        query_time_nsec: m.queryTimeNsec,
        query_message: asArray(m.queryMessage),
        query_zone: asArray(m.queryZone),
        response_time_sec: m.responseTimeSec,
        response_time_nsec: m.responseTimeNsec,
        response_message: asArray(m.responseMessage),
        http_protocol: m.httpProtocol,
      },
    });
  });

  it('reads what protobufjs writes', () => {
    const written = PbDnstap.encode(
      PbDnstap.fromObject({
        identity: Buffer.from('id'),
        type: 1,
        message: {
          type: MessageType.CLIENT_QUERY,
          socket_family: 1,
          socket_protocol: 1,
          query_address: Buffer.from([127, 0, 0, 1]),
          query_port: 40000,
          query_time_sec: 2 ** 40,
          query_time_nsec: 999_999_999,
        },
      }),
    ).finish();
    expect(decodeDnstap(written)).toEqual({
      identity: new TextEncoder().encode('id'),
      type: 1,
      message: {
        type: MessageType.CLIENT_QUERY,
        socketFamily: 1,
        socketProtocol: 1,
        queryAddress: bytes(127, 0, 0, 1),
        queryPort: 40000,
        queryTimeSec: 2 ** 40,
        queryTimeNsec: 999_999_999,
      },
    });
  });

  it('leaves headroom in front of the payload for the frame length', () => {
    const plain = encodeDnstap(sample);
    const framed = encodeDnstap(sample, 4);
    expect([...framed.subarray(0, 4)]).toEqual([0, 0, 0, 0]);
    expect(framed.subarray(4)).toEqual(plain);
  });

  it('skips unknown fields of every wire type', () => {
    const known = encodeDnstap({ type: 1, message: { type: MessageType.CLIENT_RESPONSE } });
    // field 4 varint, field 5 fixed64, field 6 bytes, field 7 fixed32
    const unknown = bytes(
      0x20,
      0x96,
      0x01,
      0x29,
      1,
      2,
      3,
      4,
      5,
      6,
      7,
      8,
      0x32,
      2,
      0xaa,
      0xbb,
      0x3d,
      1,
      2,
      3,
      4,
    );
    const buf = new Uint8Array(unknown.length + known.length);
    buf.set(unknown, 0);
    buf.set(known, unknown.length);
    expect(decodeDnstap(buf)).toEqual({ type: 1, message: { type: MessageType.CLIENT_RESPONSE } });
  });

  it.each([
    ['a payload without its type', bytes(0x0a, 0x01, 0x41)],
    ['a message without its type', bytes(0x72, 0x02, 0x10, 0x01, 0x78, 0x01)],
    ['a truncated varint', bytes(0x78, 0x80)],
    ['a field overrunning the payload', bytes(0x0a, 0x05, 0x41)],
    ['a group wire type', bytes(0x0b, 0x78, 0x01)],
    ['field number zero', bytes(0x00, 0x01)],
    ['the wrong wire type for a known field', bytes(0x7d, 1, 0, 0, 0)],
    ['a truncated fixed32', bytes(0x72, 0x04, 0x08, 0x05, 0x4d, 0x01, 0x78, 0x01)],
    ['an 11-byte varint', bytes(0x78, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01)],
    ['a 32-bit field past 2^32', bytes(0x78, 0x80, 0x80, 0x80, 0x80, 0x10)],
  ])('rejects %s with DnstapDecodeError', (_, buf) => {
    expect(() => decodeDnstap(buf)).toThrow(DnstapDecodeError);
  });

  const optional = <T>(arb: fc.Arbitrary<T>): fc.Arbitrary<T | undefined> =>
    fc.option(arb, { nil: undefined });
  const u32 = fc.integer({ min: 0, max: 0xffffffff });
  const blob = fc.uint8Array({ maxLength: 300 });
  const messageArb: fc.Arbitrary<DnstapMessage> = fc.record({
    type: fc.integer({ min: 1, max: 14 }),
    socketFamily: optional(fc.integer({ min: 1, max: 2 })),
    socketProtocol: optional(fc.integer({ min: 1, max: 7 })),
    queryAddress: optional(blob),
    responseAddress: optional(blob),
    queryPort: optional(fc.integer({ min: 0, max: 65535 })),
    responsePort: optional(fc.integer({ min: 0, max: 65535 })),
    queryTimeSec: optional(fc.maxSafeNat()),
    queryTimeNsec: optional(u32),
    queryMessage: optional(blob),
    queryZone: optional(blob),
    responseTimeSec: optional(fc.maxSafeNat()),
    responseTimeNsec: optional(u32),
    responseMessage: optional(blob),
    policy: optional(blob),
    httpProtocol: optional(fc.integer({ min: 1, max: 3 })),
  });
  const dnstapArb: fc.Arbitrary<Dnstap> = fc.record({
    identity: optional(blob),
    version: optional(blob),
    extra: optional(blob),
    type: fc.integer({ min: 1, max: 1000 }),
    message: optional(messageArb),
  });

  /** Drops the undefined keys fast-check's records carry, as decoding never sets them. */
  const defined = (o: object): unknown =>
    JSON.parse(JSON.stringify(o, (_, v: unknown) => (v instanceof Uint8Array ? [...v] : v)));

  it('round-trips random payloads, and protobufjs agrees on their fields', () => {
    fc.assert(
      fc.property(dnstapArb, (d) => {
        const buf = encodeDnstap(d);
        expect(defined(decodeDnstap(buf))).toEqual(defined(d));
        const other = viaProtobufjs(buf) as { type: number; message?: { type: number; query_port?: number } };
        expect(other.type).toBe(d.type);
        expect(other.message?.type).toBe(d.message?.type);
        expect(other.message?.query_port).toBe(d.message?.queryPort);
      }),
      { numRuns: 300 },
    );
  });

  it('decodes any bytes to a payload or a DnstapDecodeError, never anything else', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (buf) => {
        try {
          decodeDnstap(buf);
        } catch (e) {
          expect(e).toBeInstanceOf(DnstapDecodeError);
        }
      }),
      { numRuns: 2000 },
    );
  });

  it('survives mutations of valid payloads', () => {
    fc.assert(
      fc.property(dnstapArb, fc.nat(), fc.integer({ min: 0, max: 255 }), (d, at, value) => {
        const buf = encodeDnstap(d);
        if (buf.length === 0) return;
        buf[at % buf.length] = value;
        try {
          decodeDnstap(buf);
        } catch (e) {
          expect(e).toBeInstanceOf(DnstapDecodeError);
        }
      }),
      { numRuns: 1000 },
    );
  });
});
