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

/** One reader for every decode: decoding is synchronous and never re-entered. */
const reader = new Reader(new Uint8Array(0), 0);

function checkInput(buf: Uint8Array): void {
  if (!(buf instanceof Uint8Array)) throw new WireError('expected a Uint8Array', -1);
}

/**
 * Where the first question ends (past its type and class) when its name is plain labels
 * right after the header, as a query's always is (a pointer there could only point into
 * the header); -1 for anything else: a pointer, a reserved label type, too few bytes.
 */
export function plainQuestionEnd(bytes: Uint8Array): number {
  let p = HEADER_LENGTH;
  for (;;) {
    if (p >= bytes.length) return -1;
    const length = bytes[p];
    if (length === 0) break;
    if (length > 63) return -1;
    p += length + 1;
  }
  p += 5;
  return p <= bytes.length ? p : -1;
}

export function decodeHeader(buf: Uint8Array): Header {
  checkInput(buf);
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
    return { name, type: `TYPE${type}`, class: className, ttl, data: r.bytes(length) };
  }
  r.limit = end;
  r.inRdata = true;
  const data = codec.decode(r);
  if (r.pos !== end) {
    throw new WireError(
      `RDLENGTH ${length} exceeds the ${r.pos - start} octets of ${codec.type} rdata`,
      r.pos,
    );
  }
  r.limit = r.buf.length;
  r.inRdata = false;
  return { name, type: codec.type, class: className, ttl, data } as ResourceRecord;
}

/**
 * The common counts get arrays of their exact size: pushing onto an empty array allocates
 * room for 17 elements, and a query has one question and at most one additional record.
 */
function decodeSection(r: Reader, count: number): ResourceRecord[] {
  if (count === 0) return [];
  if (count === 1) return [decodeRecord(r)];
  const records: ResourceRecord[] = [];
  for (let i = 0; i < count; i++) records.push(decodeRecord(r));
  return records;
}

/**
 * Decodes a whole message. Throws WireError, and nothing else, for any malformed input.
 */
export function decodeMessage(buf: Uint8Array, options?: DecodeOptions): Message {
  checkInput(buf);
  if (buf.length < HEADER_LENGTH) throw new WireError('message shorter than its 12-octet header', buf.length);
  const r = reader.reset(buf, HEADER_LENGTH);
  const qdcount = (buf[4] << 8) | buf[5];
  // A plain query: nothing after the question can point at a name (see Reader.cacheNames).
  if (
    qdcount === 1 &&
    buf[6] === 0 &&
    buf[7] === 0 &&
    buf[8] === 0 &&
    buf[9] === 0 &&
    buf[10] === 0 &&
    buf[11] <= 1
  ) {
    r.cacheNames = false;
  }
  let questions: Question[];
  if (qdcount === 1) questions = [decodeQuestion(r)];
  else {
    questions = [];
    for (let i = 0; i < qdcount; i++) questions.push(decodeQuestion(r));
  }
  const answers = decodeSection(r, (buf[6] << 8) | buf[7]);
  const authorities = decodeSection(r, (buf[8] << 8) | buf[9]);
  const additionals = decodeSection(r, (buf[10] << 8) | buf[11]);
  if (options?.rejectTrailingBytes && r.pos !== buf.length) {
    throw new WireError('trailing bytes after the last record', r.pos);
  }
  return {
    id: (buf[0] << 8) | buf[1],
    flags: (buf[2] << 8) | buf[3],
    questions,
    answers,
    authorities,
    additionals,
  };
}

/**
 * Decodes rdata held apart from a message (e.g. RFC 3597 `\#` text) as record type number
 * `type`. Compression pointers are refused: there is no message for them to point into.
 * Types without a typed codec come back as a copy of the bytes.
 */
export function decodeRdata(type: number, rdata: Uint8Array): RecordData {
  checkInput(rdata);
  const r = reader.reset(rdata, 0);
  r.allowPointers = false;
  r.inRdata = true;
  const codec = codecsByCode[type];
  if (codec === undefined) return r.rest();
  const data = codec.decode(r);
  if (r.pos !== rdata.length) throw new WireError(`${codec.type} rdata has trailing bytes`, r.pos);
  return data as RecordData;
}
