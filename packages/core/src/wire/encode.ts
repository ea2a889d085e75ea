import { Flag, MnemonicError, classToNumber, typeToNumber } from './constants.js';
import { encodeEdnsOptions, encodeOptRecord } from './edns.js';
import { WireError } from './errors.js';
import { plainQuestionEnd } from './decode.js';
import { codecForType } from './rdata/index.js';
import type { Message, OptRecord, Question, ResourceRecord } from './types.js';
import { MAX_MESSAGE_LENGTH, Writer } from './writer.js';

export interface EncodeOptions {
  /**
   * Largest allowed result (a UDP response: the client's EDNS size, or 512). Records are
   * dropped from the end to fit (additional, then authority, then answer), never the
   * question and never the OPT record; TC is set if an answer or authority record went.
   * With a maxSize, a message too large for the wire format itself (over 65535 octets, or
   * more than 65535 records in a section) is truncated the same way; without one, it is
   * an error.
   */
  maxSize?: number;
  /** RFC 1035 name compression; default true */
  compress?: boolean;
  /**
   * The query a response answers, as it arrived: when the message's only question is the
   * query's own (the same object, as Request.reply puts it there), the question section is
   * copied from the query's bytes instead of being encoded again.
   */
  questionFrom?: QuestionSource;
}

/** A decoded question and the message it was decoded from (a Request is one). */
export interface QuestionSource {
  readonly question: Question | undefined;
  readonly wire: Uint8Array | undefined;
}

/** One scratch writer for every message: encoding is synchronous, so it is never shared. */
const writer = new Writer();
/** Offset just past each record, in message order, when truncation may be needed. */
let recordEnds = new Int32Array(64);

function mnemonic(kind: 'type' | 'class', text: string, w: Writer): number {
  try {
    return kind === 'type' ? typeToNumber(text) : classToNumber(text);
  } catch (e) {
    if (e instanceof MnemonicError) throw new WireError(e.message, w.offset);
    throw e;
  }
}

/** Writes one record; `compress` also governs whether its owner name may be compressed. */
function writeRecord(w: Writer, rr: ResourceRecord): void {
  if (typeof rr !== 'object' || rr === null) throw new WireError('record must be an object', w.offset);
  const type = rr.type;
  if (type === 'OPT') {
    encodeOptRecord(w, rr as OptRecord);
    return;
  }
  const codec = codecForType(type);
  // RFC 8945: TSIG is not compressed, so its bytes survive whatever is done to the message.
  w.name(rr.name, type !== 'TSIG');
  w.u16(codec !== undefined ? codec.code : mnemonic('type', type, w));
  const cls = rr.class;
  w.u16(cls === 'IN' ? 1 : mnemonic('class', cls, w));
  w.u32(rr.ttl);
  const lengthAt = w.pos;
  w.u16(0);
  if (codec !== undefined) codec.encode(w, rr.data);
  else w.bytes(rr.data as Uint8Array);
  w.patch16(lengthAt, w.pos - lengthAt - 2);
}

function checkCount(n: number, what: string): void {
  if (n > 0xffff) throw new WireError(`too many ${what}: ${n}`, -1);
}

/**
 * Encodes a message. Throws WireError for data that cannot be encoded (bad names or
 * addresses, out-of-range numbers, a message over 65535 octets, or a `maxSize` too small
 * for the question and OPT record). The result is a Uint8Array nobody else writes to:
 * usually a view of a shared 16 KiB slab (see Writer.reset), so a caller that keeps it for
 * long copies it rather than keep the slab alive.
 */
export function encodeMessage(msg: Message, options?: EncodeOptions): Uint8Array {
  return encodeWith(msg, options?.maxSize, options?.compress ?? true, options?.questionFrom);
}

/**
 * encodeMessage for a server's response, compressed, without an options object: the
 * server encodes one per query, and the object would be its only use.
 */
export function encodeResponse(
  msg: Message,
  maxSize: number | undefined,
  questionFrom: QuestionSource,
): Uint8Array {
  return encodeWith(msg, maxSize, true, questionFrom);
}

function encodeWith(
  msg: Message,
  maxSize: number | undefined,
  compress: boolean,
  from: QuestionSource | undefined,
): Uint8Array {
  if (maxSize === undefined) {
    const w = startMessage(msg, compress, from);
    const { answers, authorities, additionals } = msg;
    checkCount(answers.length, 'answers');
    checkCount(authorities.length, 'authority records');
    checkCount(additionals.length, 'additional records');
    for (let i = 0; i < answers.length; i++) writeRecord(w, answers[i]);
    for (let i = 0; i < authorities.length; i++) writeRecord(w, authorities[i]);
    for (let i = 0; i < additionals.length; i++) writeRecord(w, additionals[i]);
    return w.result();
  }
  const limit = Math.min(maxSize, MAX_MESSAGE_LENGTH);
  // Most responses fit: they are written straight through, and one that does not is
  // written again by encodeTruncating, which keeps the books that cutting needs.
  const w = startMessage(msg, compress, from);
  if (writesWithin(w, msg, w.base + limit)) return w.result();
  return encodeTruncating(startMessage(msg, compress, from), msg, limit);
}

/** Resets the writer and writes the header and the question section. */
function startMessage(msg: Message, compress: boolean, from: QuestionSource | undefined): Writer {
  const w = writer;
  w.reset(compress, true);
  const { questions, answers, authorities, additionals } = msg;
  checkCount(questions.length, 'questions');
  const { id, flags } = msg;
  if ((id & 0xffff) !== id) throw new WireError(`message id ${String(id)} does not fit 16 bits`, 0);
  if ((flags & 0xffff) !== flags) throw new WireError(`flags ${String(flags)} do not fit 16 bits`, 2);
  const b = w.buf;
  const h = w.base;
  b[h] = id >> 8;
  b[h + 1] = id;
  b[h + 2] = flags >> 8;
  b[h + 3] = flags;
  b[h + 4] = questions.length >> 8;
  b[h + 5] = questions.length;
  b[h + 6] = answers.length >> 8;
  b[h + 7] = answers.length;
  b[h + 8] = authorities.length >> 8;
  b[h + 9] = authorities.length;
  b[h + 10] = additionals.length >> 8;
  b[h + 11] = additionals.length;
  w.pos = h + 12;
  if (
    from === undefined ||
    questions.length !== 1 ||
    questions[0] !== from.question ||
    !copyQuestion(w, from)
  ) {
    for (let i = 0; i < questions.length; i++) {
      const q = questions[i];
      w.name(q.name, true);
      w.u16(mnemonic('type', q.type, w));
      w.u16(q.class === 'IN' ? 1 : mnemonic('class', q.class, w));
    }
  }
  return w;
}

/**
 * Writes every record of `msg` after the question; false as soon as one ends past
 * `maxEnd` or any fails to encode (the truncating writer then tells a broken record from
 * one that merely ran out of room). A record is at least 11 octets, so a message that
 * ends within 65535 cannot have a section too long for its count.
 */
function writesWithin(w: Writer, msg: Message, maxEnd: number): boolean {
  const { answers, authorities, additionals } = msg;
  try {
    for (let i = 0; i < answers.length; i++) {
      writeRecord(w, answers[i]);
      if (w.pos > maxEnd) return false;
    }
    for (let i = 0; i < authorities.length; i++) {
      writeRecord(w, authorities[i]);
      if (w.pos > maxEnd) return false;
    }
    for (let i = 0; i < additionals.length; i++) {
      writeRecord(w, additionals[i]);
      if (w.pos > maxEnd) return false;
    }
  } catch (e) {
    if (e instanceof WireError) return false;
    throw e;
  }
  return w.pos <= maxEnd;
}

/**
 * Copies the one question of `from.wire` (name, type, class) after the header. False,
 * having written nothing, when those bytes are not a plain first question: no wire form,
 * not exactly one question, a compression pointer or a bad length in the name.
 */
function copyQuestion(w: Writer, from: QuestionSource): boolean {
  const wire = from.wire;
  const question = from.question;
  if (wire === undefined || question === undefined || wire.length < 12) return false;
  if (wire[4] !== 0 || wire[5] !== 1) return false;
  const end = plainQuestionEnd(wire);
  if (end < 0) return false;
  const nameEnd = end - 4;
  w.nameFromWire(question.name, wire, 12, nameEnd);
  const b = w.buf;
  const at = w.pos;
  b[at] = wire[nameEnd];
  b[at + 1] = wire[nameEnd + 1];
  b[at + 2] = wire[nameEnd + 2];
  b[at + 3] = wire[nameEnd + 3];
  w.pos = at + 4;
  return true;
}

/**
 * Writes `rr` at the writer's position. Returns false when it ran past the end of the
 * scratch buffer: a record that cannot be part of any message starting where this one
 * does, which the caller cuts. A record that cannot be encoded at all still throws.
 */
function writeRecordOrOverflow(w: Writer, rr: ResourceRecord): boolean {
  const start = w.pos;
  try {
    writeRecord(w, rr);
    return true;
  } catch (e) {
    if (!(e instanceof WireError)) throw e;
    // Whether the record is broken or only too far down the message: alone, a record
    // that encodes is one that merely ran out of room here.
    const alone = new Writer();
    alone.reset(false);
    try {
      writeRecord(alone, rr);
    } catch {
      throw e;
    }
    w.pos = start;
    return false;
  }
}

function encodeTruncating(w: Writer, msg: Message, maxSize: number): Uint8Array {
  const { answers, authorities, additionals } = msg;
  // Positions below are indexes into the writer's buffer, where the message starts at base.
  const base = w.base;
  const maxEnd = base + maxSize;
  const questionsEnd = w.pos;
  const total = answers.length + authorities.length + additionals.length;
  // Records are written in order until one ends past maxSize: what follows is cut anyway,
  // so a response of any size (tens of thousands of records) costs at most maxSize of work
  // and never meets the format's 65535-octet limit.
  let written = 0;
  let optIndex = -1;
  let optStart = 0;
  // A record takes at least 11 octets, so no more than maxSize / 8 of them get written.
  const ends = Math.min(total, (maxSize >> 3) + 1);
  if (recordEnds.length < ends) recordEnds = new Int32Array(ends);
  sections: for (let section = 0; section < 3; section++) {
    const records = section === 0 ? answers : section === 1 ? authorities : additionals;
    for (let i = 0; i < records.length; i++) {
      if (w.pos > maxEnd) break sections;
      const rr = records[i];
      const start = w.pos;
      if (!writeRecordOrOverflow(w, rr)) break sections;
      if (section === 2 && optIndex < 0 && rr.type === 'OPT') {
        optIndex = written;
        optStart = start;
      }
      recordEnds[written++] = w.pos;
    }
  }
  if (written === total && w.pos <= maxEnd) {
    checkCount(answers.length, 'answers');
    checkCount(authorities.length, 'authority records');
    checkCount(additionals.length, 'additional records');
    return w.result();
  }

  // Only the last record written can end past maxSize, and it cannot be kept: forget it,
  // so that an OPT record written after the others never lands near the buffer's end.
  if (written > 0 && recordEnds[written - 1] > maxEnd) {
    written--;
    if (optIndex === written) optIndex = -1;
  }
  if (optIndex < 0) {
    // The OPT record was not reached: write it after the last record that was, where
    // the cut will bring it anyway.
    for (let i = 0; i < additionals.length; i++) {
      if (additionals[i].type !== 'OPT') continue;
      w.pos = written === 0 ? questionsEnd : recordEnds[written - 1];
      optStart = w.pos;
      writeRecord(w, additionals[i]);
      optIndex = written;
      break;
    }
  }
  const optLength = optIndex < 0 ? 0 : (optIndex < written ? recordEnds[optIndex] : w.pos) - optStart;
  if (questionsEnd + optLength > maxEnd) {
    throw new WireError(`question and OPT record do not fit in ${maxSize} octets`, questionsEnd - base);
  }
  // Keep the longest prefix of records that fits together with the OPT record. Pointers
  // only point backwards, so cutting at a record boundary leaves a valid message; the OPT
  // record (root owner, no pointers) can be moved up to the cut unchanged.
  let kept = 0;
  while (kept < written) {
    const size = recordEnds[kept] + (optIndex > kept ? optLength : 0);
    if (size > maxEnd) break;
    kept++;
  }
  let end = kept === 0 ? questionsEnd : recordEnds[kept - 1];
  let moveOpt = false;
  if (optIndex >= kept) {
    w.buf.copyWithin(end, optStart, optStart + optLength);
    end += optLength;
    moveOpt = true;
  }
  const an = Math.min(kept, answers.length);
  const ns = Math.min(Math.max(kept - answers.length, 0), authorities.length);
  const ar = Math.max(kept - answers.length - authorities.length, 0) + (moveOpt ? 1 : 0);
  let flags = msg.flags;
  if (an < answers.length || ns < authorities.length) flags |= Flag.TC;
  w.patch16(base + 2, flags);
  w.patch16(base + 6, an);
  w.patch16(base + 8, ns);
  w.patch16(base + 10, ar);
  w.pos = end;
  return w.result();
}

/**
 * The uncompressed wire form of a record's rdata, as RFC 3597 `\#` text shows it. OPT
 * records give their option list.
 */
export function encodeRdata(rr: ResourceRecord): Uint8Array {
  const w = writer;
  w.reset(false);
  if (rr.type === 'OPT') {
    encodeEdnsOptions(w, (rr as OptRecord).options);
    return w.result();
  }
  const codec = codecForType(rr.type);
  if (codec !== undefined) codec.encode(w, rr.data);
  else w.bytes(rr.data as Uint8Array);
  return w.result();
}
