/**
 * The dnstap protobuf schema (dnstap.proto, proto2), encoded and decoded by hand: the schema
 * is two small messages, and a hand-written encoder writes a whole frame in one allocation
 * with no intermediate objects.
 *
 * Encoding: every field is written in field-number order, as protobuf encoders do, so any
 * protobuf decoder reads it. Decoding: bounds-checked; unknown fields are skipped, as
 * protobuf requires; anything malformed throws DnstapDecodeError.
 */

/** Dnstap.Message.Type */
export const MessageType = {
  AUTH_QUERY: 1,
  AUTH_RESPONSE: 2,
  RESOLVER_QUERY: 3,
  RESOLVER_RESPONSE: 4,
  CLIENT_QUERY: 5,
  CLIENT_RESPONSE: 6,
  FORWARDER_QUERY: 7,
  FORWARDER_RESPONSE: 8,
  STUB_QUERY: 9,
  STUB_RESPONSE: 10,
  TOOL_QUERY: 11,
  TOOL_RESPONSE: 12,
  UPDATE_QUERY: 13,
  UPDATE_RESPONSE: 14,
} as const;

/** dnstap.SocketFamily */
export const SocketFamily = { INET: 1, INET6: 2 } as const;

/** dnstap.SocketProtocol */
export const SocketProtocol = {
  UDP: 1,
  TCP: 2,
  DOT: 3,
  DOH: 4,
  DNSCryptUDP: 5,
  DNSCryptTCP: 6,
  DOQ: 7,
} as const;

/** Dnstap.Type: the only payload type the schema defines. */
export const DNSTAP_TYPE_MESSAGE = 1;

/** dnstap.Message. Absent optional fields are undefined. */
export interface DnstapMessage {
  type: number;
  socketFamily?: number;
  socketProtocol?: number;
  queryAddress?: Uint8Array;
  responseAddress?: Uint8Array;
  queryPort?: number;
  responsePort?: number;
  queryTimeSec?: number;
  queryTimeNsec?: number;
  queryMessage?: Uint8Array;
  queryZone?: Uint8Array;
  responseTimeSec?: number;
  responseTimeNsec?: number;
  responseMessage?: Uint8Array;
  /** dnstap.Policy, kept as its encoded bytes (this server sets no policy). */
  policy?: Uint8Array;
  httpProtocol?: number;
}

/** dnstap.Dnstap, the top-level payload of every Frame Streams data frame. */
export interface Dnstap {
  identity?: Uint8Array;
  version?: Uint8Array;
  extra?: Uint8Array;
  type: number;
  message?: DnstapMessage;
}

export class DnstapDecodeError extends Error {
  override readonly name = 'DnstapDecodeError';
  constructor(
    message: string,
    /** Offset in the decoded bytes where the problem was found. */
    readonly offset: number,
  ) {
    super(`${message} at offset ${offset}`);
  }
}

const WIRE_VARINT = 0;
const WIRE_FIXED64 = 1;
const WIRE_BYTES = 2;
const WIRE_FIXED32 = 5;

// Dnstap fields
const F_IDENTITY = 1;
const F_VERSION = 2;
const F_EXTRA = 3;
const F_MESSAGE = 14;
const F_TYPE = 15;
// Message fields
const M_TYPE = 1;
const M_SOCKET_FAMILY = 2;
const M_SOCKET_PROTOCOL = 3;
const M_QUERY_ADDRESS = 4;
const M_RESPONSE_ADDRESS = 5;
const M_QUERY_PORT = 6;
const M_RESPONSE_PORT = 7;
const M_QUERY_TIME_SEC = 8;
const M_QUERY_TIME_NSEC = 9;
const M_QUERY_MESSAGE = 10;
const M_QUERY_ZONE = 11;
const M_RESPONSE_TIME_SEC = 12;
const M_RESPONSE_TIME_NSEC = 13;
const M_RESPONSE_MESSAGE = 14;
const M_POLICY = 15;
const M_HTTP_PROTOCOL = 16;

// ---------------------------------------------------------------------------------------
// Encoding

/** Bytes of a varint holding `v` (a non-negative integer below 2^53). */
function varintSize(v: number): number {
  let n = 1;
  while (v >= 0x80) {
    v = Math.floor(v / 128);
    n++;
  }
  return n;
}

/** Bytes of a length-delimited field with a one-byte tag (every field number here is < 16). */
function bytesFieldSize(len: number): number {
  return 1 + varintSize(len) + len;
}

/** Bytes of a varint field with a one-byte tag, or a two-byte tag for fields 16 and up. */
function varintFieldSize(field: number, v: number): number {
  return (field < 16 ? 1 : 2) + varintSize(v);
}

function writeVarint(buf: Uint8Array, pos: number, v: number): number {
  while (v >= 0x80) {
    buf[pos++] = v % 128 | 0x80;
    v = Math.floor(v / 128);
  }
  buf[pos++] = v;
  return pos;
}

function writeTag(buf: Uint8Array, pos: number, field: number, wire: number): number {
  return writeVarint(buf, pos, field * 8 + wire);
}

function writeBytesField(buf: Uint8Array, pos: number, field: number, b: Uint8Array): number {
  pos = writeTag(buf, pos, field, WIRE_BYTES);
  pos = writeVarint(buf, pos, b.length);
  buf.set(b, pos);
  return pos + b.length;
}

function writeVarintField(buf: Uint8Array, pos: number, field: number, v: number): number {
  return writeVarint(buf, writeTag(buf, pos, field, WIRE_VARINT), v);
}

function writeFixed32Field(buf: Uint8Array, pos: number, field: number, v: number): number {
  pos = writeTag(buf, pos, field, WIRE_FIXED32);
  buf[pos] = v & 0xff;
  buf[pos + 1] = (v >>> 8) & 0xff;
  buf[pos + 2] = (v >>> 16) & 0xff;
  buf[pos + 3] = (v >>> 24) & 0xff;
  return pos + 4;
}

/** The encoded size of a Message's fields (without its own tag and length). */
function messageSize(m: DnstapMessage): number {
  let n = varintFieldSize(M_TYPE, m.type);
  if (m.socketFamily !== undefined) n += varintFieldSize(M_SOCKET_FAMILY, m.socketFamily);
  if (m.socketProtocol !== undefined) n += varintFieldSize(M_SOCKET_PROTOCOL, m.socketProtocol);
  if (m.queryAddress !== undefined) n += bytesFieldSize(m.queryAddress.length);
  if (m.responseAddress !== undefined) n += bytesFieldSize(m.responseAddress.length);
  if (m.queryPort !== undefined) n += varintFieldSize(M_QUERY_PORT, m.queryPort);
  if (m.responsePort !== undefined) n += varintFieldSize(M_RESPONSE_PORT, m.responsePort);
  if (m.queryTimeSec !== undefined) n += varintFieldSize(M_QUERY_TIME_SEC, m.queryTimeSec);
  if (m.queryTimeNsec !== undefined) n += 5;
  if (m.queryMessage !== undefined) n += bytesFieldSize(m.queryMessage.length);
  if (m.queryZone !== undefined) n += bytesFieldSize(m.queryZone.length);
  if (m.responseTimeSec !== undefined) n += varintFieldSize(M_RESPONSE_TIME_SEC, m.responseTimeSec);
  if (m.responseTimeNsec !== undefined) n += 5;
  if (m.responseMessage !== undefined) n += bytesFieldSize(m.responseMessage.length);
  if (m.policy !== undefined) n += bytesFieldSize(m.policy.length);
  if (m.httpProtocol !== undefined) n += varintFieldSize(M_HTTP_PROTOCOL, m.httpProtocol);
  return n;
}

function writeMessage(buf: Uint8Array, pos: number, m: DnstapMessage): number {
  pos = writeVarintField(buf, pos, M_TYPE, m.type);
  if (m.socketFamily !== undefined) pos = writeVarintField(buf, pos, M_SOCKET_FAMILY, m.socketFamily);
  if (m.socketProtocol !== undefined) pos = writeVarintField(buf, pos, M_SOCKET_PROTOCOL, m.socketProtocol);
  if (m.queryAddress !== undefined) pos = writeBytesField(buf, pos, M_QUERY_ADDRESS, m.queryAddress);
  if (m.responseAddress !== undefined) pos = writeBytesField(buf, pos, M_RESPONSE_ADDRESS, m.responseAddress);
  if (m.queryPort !== undefined) pos = writeVarintField(buf, pos, M_QUERY_PORT, m.queryPort);
  if (m.responsePort !== undefined) pos = writeVarintField(buf, pos, M_RESPONSE_PORT, m.responsePort);
  if (m.queryTimeSec !== undefined) pos = writeVarintField(buf, pos, M_QUERY_TIME_SEC, m.queryTimeSec);
  if (m.queryTimeNsec !== undefined) pos = writeFixed32Field(buf, pos, M_QUERY_TIME_NSEC, m.queryTimeNsec);
  if (m.queryMessage !== undefined) pos = writeBytesField(buf, pos, M_QUERY_MESSAGE, m.queryMessage);
  if (m.queryZone !== undefined) pos = writeBytesField(buf, pos, M_QUERY_ZONE, m.queryZone);
  if (m.responseTimeSec !== undefined)
    pos = writeVarintField(buf, pos, M_RESPONSE_TIME_SEC, m.responseTimeSec);
  if (m.responseTimeNsec !== undefined)
    pos = writeFixed32Field(buf, pos, M_RESPONSE_TIME_NSEC, m.responseTimeNsec);
  if (m.responseMessage !== undefined) pos = writeBytesField(buf, pos, M_RESPONSE_MESSAGE, m.responseMessage);
  if (m.policy !== undefined) pos = writeBytesField(buf, pos, M_POLICY, m.policy);
  if (m.httpProtocol !== undefined) pos = writeVarintField(buf, pos, M_HTTP_PROTOCOL, m.httpProtocol);
  return pos;
}

/**
 * Encodes a Dnstap payload into a new buffer, leaving `headroom` zero bytes in front of it
 * (a Frame Streams data frame puts its 4-byte length there, so a frame is one allocation).
 */
export function encodeDnstap(d: Dnstap, headroom = 0): Uint8Array {
  let size = varintFieldSize(F_TYPE, d.type);
  if (d.identity !== undefined) size += bytesFieldSize(d.identity.length);
  if (d.version !== undefined) size += bytesFieldSize(d.version.length);
  if (d.extra !== undefined) size += bytesFieldSize(d.extra.length);
  let msgSize = 0;
  if (d.message !== undefined) {
    msgSize = messageSize(d.message);
    size += bytesFieldSize(msgSize);
  }
  const buf = new Uint8Array(headroom + size);
  let pos = headroom;
  if (d.identity !== undefined) pos = writeBytesField(buf, pos, F_IDENTITY, d.identity);
  if (d.version !== undefined) pos = writeBytesField(buf, pos, F_VERSION, d.version);
  if (d.extra !== undefined) pos = writeBytesField(buf, pos, F_EXTRA, d.extra);
  if (d.message !== undefined) {
    pos = writeTag(buf, pos, F_MESSAGE, WIRE_BYTES);
    pos = writeVarint(buf, pos, msgSize);
    pos = writeMessage(buf, pos, d.message);
  }
  writeVarintField(buf, pos, F_TYPE, d.type);
  return buf;
}

// ---------------------------------------------------------------------------------------
// Decoding

/** A cursor over protobuf bytes that never reads past `end`. */
class Reader {
  pos: number;
  constructor(
    readonly buf: Uint8Array,
    start: number,
    readonly end: number,
  ) {
    this.pos = start;
  }

  /** An unsigned varint; values past 2^53 cannot be represented exactly and are refused. */
  varint(): number {
    const start = this.pos;
    let result = 0;
    let scale = 1;
    for (let i = 0; i < 10; i++) {
      if (this.pos >= this.end) throw new DnstapDecodeError('truncated varint', start);
      const b = this.buf[this.pos++];
      result += (b & 0x7f) * scale;
      if ((b & 0x80) === 0) {
        if (!Number.isSafeInteger(result)) throw new DnstapDecodeError('varint too large', start);
        return result;
      }
      scale *= 128;
    }
    throw new DnstapDecodeError('varint longer than 10 bytes', start);
  }

  /** A varint that must fit the 32-bit field it is for (enums, uint32). */
  uint32(): number {
    const at = this.pos;
    const v = this.varint();
    if (v > 0xffffffff) throw new DnstapDecodeError('32-bit field out of range', at);
    return v;
  }

  fixed32(): number {
    if (this.end - this.pos < 4) throw new DnstapDecodeError('truncated fixed32', this.pos);
    const b = this.buf;
    const p = this.pos;
    this.pos += 4;
    return (b[p] | (b[p + 1] << 8) | (b[p + 2] << 16) | (b[p + 3] << 24)) >>> 0;
  }

  /** The bounds of a length-delimited field's contents; advances past them. */
  delimited(): [number, number] {
    const at = this.pos;
    const len = this.varint();
    if (len > this.end - this.pos)
      throw new DnstapDecodeError('length-delimited field overruns its message', at);
    const start = this.pos;
    this.pos += len;
    return [start, start + len];
  }

  /** A copy (a Buffer's slice() would be a view into memory the caller may reuse). */
  bytes(): Uint8Array {
    const [start, end] = this.delimited();
    const out = new Uint8Array(end - start);
    out.set(this.buf.subarray(start, end));
    return out;
  }

  skip(wire: number, at: number): void {
    switch (wire) {
      case WIRE_VARINT:
        this.varint();
        return;
      case WIRE_FIXED64:
        if (this.end - this.pos < 8) throw new DnstapDecodeError('truncated fixed64', this.pos);
        this.pos += 8;
        return;
      case WIRE_BYTES:
        this.delimited();
        return;
      case WIRE_FIXED32:
        this.fixed32();
        return;
      default:
        // Groups (3, 4) are not used by proto2 schemas like this one; 6 and 7 do not exist.
        throw new DnstapDecodeError(`unsupported wire type ${wire}`, at);
    }
  }

  /** Reads a tag: [field number, wire type]. */
  tag(): [number, number] {
    const at = this.pos;
    const t = this.uint32();
    const field = Math.floor(t / 8);
    if (field === 0) throw new DnstapDecodeError('field number 0', at);
    return [field, t & 7];
  }
}

function expectWire(field: string, wire: number, want: number, at: number): void {
  if (wire !== want) throw new DnstapDecodeError(`field ${field} has wire type ${wire}, want ${want}`, at);
}

function decodeMessageFields(r: Reader): DnstapMessage {
  const m: Partial<DnstapMessage> = {};
  while (r.pos < r.end) {
    const at = r.pos;
    const [field, wire] = r.tag();
    switch (field) {
      case M_TYPE:
        expectWire('Message.type', wire, WIRE_VARINT, at);
        m.type = r.uint32();
        break;
      case M_SOCKET_FAMILY:
        expectWire('socket_family', wire, WIRE_VARINT, at);
        m.socketFamily = r.uint32();
        break;
      case M_SOCKET_PROTOCOL:
        expectWire('socket_protocol', wire, WIRE_VARINT, at);
        m.socketProtocol = r.uint32();
        break;
      case M_QUERY_ADDRESS:
        expectWire('query_address', wire, WIRE_BYTES, at);
        m.queryAddress = r.bytes();
        break;
      case M_RESPONSE_ADDRESS:
        expectWire('response_address', wire, WIRE_BYTES, at);
        m.responseAddress = r.bytes();
        break;
      case M_QUERY_PORT:
        expectWire('query_port', wire, WIRE_VARINT, at);
        m.queryPort = r.uint32();
        break;
      case M_RESPONSE_PORT:
        expectWire('response_port', wire, WIRE_VARINT, at);
        m.responsePort = r.uint32();
        break;
      case M_QUERY_TIME_SEC:
        expectWire('query_time_sec', wire, WIRE_VARINT, at);
        m.queryTimeSec = r.varint();
        break;
      case M_QUERY_TIME_NSEC:
        expectWire('query_time_nsec', wire, WIRE_FIXED32, at);
        m.queryTimeNsec = r.fixed32();
        break;
      case M_QUERY_MESSAGE:
        expectWire('query_message', wire, WIRE_BYTES, at);
        m.queryMessage = r.bytes();
        break;
      case M_QUERY_ZONE:
        expectWire('query_zone', wire, WIRE_BYTES, at);
        m.queryZone = r.bytes();
        break;
      case M_RESPONSE_TIME_SEC:
        expectWire('response_time_sec', wire, WIRE_VARINT, at);
        m.responseTimeSec = r.varint();
        break;
      case M_RESPONSE_TIME_NSEC:
        expectWire('response_time_nsec', wire, WIRE_FIXED32, at);
        m.responseTimeNsec = r.fixed32();
        break;
      case M_RESPONSE_MESSAGE:
        expectWire('response_message', wire, WIRE_BYTES, at);
        m.responseMessage = r.bytes();
        break;
      case M_POLICY:
        expectWire('policy', wire, WIRE_BYTES, at);
        m.policy = r.bytes();
        break;
      case M_HTTP_PROTOCOL:
        expectWire('http_protocol', wire, WIRE_VARINT, at);
        m.httpProtocol = r.uint32();
        break;
      default:
        r.skip(wire, at);
    }
  }
  if (m.type === undefined) throw new DnstapDecodeError('Message without its required type', r.end);
  return m as DnstapMessage;
}

/** Decodes one Dnstap payload (the contents of a Frame Streams data frame). */
export function decodeDnstap(buf: Uint8Array): Dnstap {
  const r = new Reader(buf, 0, buf.length);
  const d: Partial<Dnstap> = {};
  while (r.pos < r.end) {
    const at = r.pos;
    const [field, wire] = r.tag();
    switch (field) {
      case F_IDENTITY:
        expectWire('identity', wire, WIRE_BYTES, at);
        d.identity = r.bytes();
        break;
      case F_VERSION:
        expectWire('version', wire, WIRE_BYTES, at);
        d.version = r.bytes();
        break;
      case F_EXTRA:
        expectWire('extra', wire, WIRE_BYTES, at);
        d.extra = r.bytes();
        break;
      case F_MESSAGE: {
        expectWire('message', wire, WIRE_BYTES, at);
        const [start, end] = r.delimited();
        d.message = decodeMessageFields(new Reader(buf, start, end));
        break;
      }
      case F_TYPE:
        expectWire('Dnstap.type', wire, WIRE_VARINT, at);
        d.type = r.uint32();
        break;
      default:
        r.skip(wire, at);
    }
  }
  if (d.type === undefined) throw new DnstapDecodeError('Dnstap without its required type', buf.length);
  return d as Dnstap;
}
