import { classToString, typeToString } from './constants.js';
import { decodeOptRecord } from './edns.js';
import { WireError } from './errors.js';
import { codecsByCode } from './rdata/index.js';
import { Reader } from './reader.js';
import type { Message, Question, RecordData, ResourceRecord } from './types.js';

/** The fixed 12-octet header, readable even when the rest of the message is not. */
export interface Header {
  id: number;
  flags: number;
  qdcount: number;
  ancount: number;
  nscount: number;
  arcount: number;
}

export const HEADER_LENGTH = 12;

const CLASS_NONE = 254;
const CLASS_ANY = 255;
const TYPE_OPT = 41;

export interface DecodeOptions {
  /**
   * Bytes after the last record. The default ignores them, as CoreDNS (miekg/dns) does, so
   * sloppy clients still get answers; `true` makes them a WireError.
   */
  rejectTrailingBytes?: boolean;
}

/** Decoders read plain Uint8Arrays; a Node Buffer is viewed as one so copies are too. */
function asBytes(buf: Uint8Array): Uint8Array {
  if (!(buf instanceof Uint8Array)) throw new WireError('expected a Uint8Array', -1);
  return buf.constructor === Uint8Array ? buf : new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength);
}

export function decodeHeader(buf: Uint8Array): Header {
  if (!(buf instanceof Uint8Array)) throw new WireError('expected a Uint8Array', -1);
  if (buf.length < HEADER_LENGTH) throw new WireError('message shorter than its 12-octet header', buf.length);
  return {
    id: (buf[0] << 8) | buf[1],
    flags: (buf[2] << 8) | buf[3],
    qdcount: (buf[4] << 8) | buf[5],
    ancount: (buf[6] << 8) | buf[7],
    nscount: (buf[8] << 8) | buf[9],
    arcount: (buf[10] << 8) | buf[11],
  };
}

function decodeQuestion(r: Reader): Question {
  const name = r.name();
  const type = r.u16();
  const cls = r.u16();
  return { name, type: typeToString(type), class: cls === 1 ? 'IN' : classToString(cls) };
}

function decodeRecord(r: Reader): ResourceRecord {
  const at = r.pos;
  const name = r.name();
  const type = r.u16();
  if (type === TYPE_OPT) return decodeOptRecord(r, name, at);
  const cls = r.u16();
  const ttl = r.u32();
  const length = r.u16();
  const start = r.pos;
  const end = start + length;
  if (end > r.buf.length) throw new WireError('rdata runs past the end of the message', start - 2);
  const className = cls === 1 ? 'IN' : classToString(cls);
  const codec = codecsByCode[type];
  // RFC 2136 updates use empty rdata (class ANY or NONE) for typed types too: keep them opaque.
  if (codec === undefined || (length === 0 && (cls === CLASS_ANY || cls === CLASS_NONE))) {
    r.pos = end;
    return { name, type: `TYPE${type}`, class: className, ttl, data: r.buf.slice(start, end) };
  }
  r.limit = end;
  r.inRdata = true;
  const data = codec.decode(r);
  if (r.pos !== end) {
    throw new WireError(`RDLENGTH ${length} exceeds the ${r.pos - start} octets of ${codec.type} rdata`, r.pos);
  }
  r.limit = r.buf.length;
  r.inRdata = false;
  return { name, type: codec.type, class: className, ttl, data } as ResourceRecord;
}

function decodeSection(r: Reader, count: number): ResourceRecord[] {
  const records: ResourceRecord[] = [];
  for (let i = 0; i < count; i++) records.push(decodeRecord(r));
  return records;
}

/**
 * Decodes a whole message. Throws WireError, and nothing else, for any malformed input.
 */
export function decodeMessage(buf: Uint8Array, options?: DecodeOptions): Message {
  const bytes = asBytes(buf);
  const h = decodeHeader(bytes);
  const r = new Reader(bytes, HEADER_LENGTH);
  const questions: Question[] = [];
  for (let i = 0; i < h.qdcount; i++) questions.push(decodeQuestion(r));
  const answers = decodeSection(r, h.ancount);
  const authorities = decodeSection(r, h.nscount);
  const additionals = decodeSection(r, h.arcount);
  if (options?.rejectTrailingBytes && r.pos !== bytes.length) {
    throw new WireError('trailing bytes after the last record', r.pos);
  }
  return { id: h.id, flags: h.flags, questions, answers, authorities, additionals };
}

/**
 * Decodes rdata held apart from a message (e.g. RFC 3597 `\#` text) as record type number
 * `type`. Compression pointers are refused: there is no message for them to point into.
 * Types without a typed codec come back as a copy of the bytes.
 */
export function decodeRdata(type: number, rdata: Uint8Array): RecordData {
  const bytes = asBytes(rdata);
  const codec = codecsByCode[type];
  if (codec === undefined) return bytes.slice();
  const r = new Reader(bytes, 0);
  r.allowPointers = false;
  r.inRdata = true;
  const data = codec.decode(r);
  if (r.pos !== bytes.length) throw new WireError(`${codec.type} rdata has trailing bytes`, r.pos);
  return data as RecordData;
}
