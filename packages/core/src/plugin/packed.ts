import type { Message } from '../wire/types.js';
import { encodeMessage } from '../wire/encode.js';
import { HEADER_LENGTH } from '../wire/decode.js';
import type { Request } from './request.js';

/**
 * The OPT record the server's writer gives a response to a query with EDNS (see
 * Request.reply and the server's fitEdns): root owner, type 41, UDP size 1232, extended
 * rcode 0, version 0, DO in the flags' top bit (octet 7 here), no options.
 */
const REPLY_OPT = Uint8Array.of(0, 0, 41, 0x04, 0xd0, 0, 0, 0, 0, 0, 0);
const REPLY_OPT_DO_AT = 7;
/**
 * Larger answers take the Message path: over UDP no datagram carries them (the writer
 * truncates), and over TCP they are too rare to matter.
 */
const MAX_PACKED_ANSWER = 65507;

/**
 * A response kept in wire form, to answer later queries for the same question without
 * building and encoding a Message each time (a cache's hits, an authoritative zone's
 * repeated questions). It is encoded once, without an OPT record. Each answer is a copy
 * with the query's ID, the header flags the caller chooses, the records' TTLs either all
 * set to one value (as a cache serves them) or as packed (as a zone serves them) and,
 * when the query had EDNS, the OPT record the server's writer would add. The copy is what
 * `ResponseWriter.writeBytes` takes.
 *
 * `bytesFor` gives exactly the bytes the server's writer would send for the same Message,
 * and undefined where it cannot, so that the caller writes the Message instead:
 *  - the query's question name differs in letter case from the packed one (record names
 *    may be compressed into the question, so patching it would change them too);
 *  - the answer does not fit the client's UDP size (the writer truncates Messages), or is
 *    larger than any UDP datagram.
 */
export class PackedResponse {
  readonly #bytes: Uint8Array;
  readonly #questionName: string;
  /** Where the question's name ends (it starts right after the header, uncompressed). */
  readonly #questionNameEnd: number;
  readonly #records: number;
  /** Offsets of the records' TTL fields, found when a TTL is first set. */
  #ttlAt: Uint32Array | undefined = undefined;

  private constructor(bytes: Uint8Array, questionName: string, records: number) {
    this.#bytes = bytes;
    this.#questionName = questionName;
    this.#questionNameEnd = skipName(bytes, HEADER_LENGTH);
    this.#records = records;
  }

  /**
   * Packs a response that has exactly one question and no OPT record (the OPT record is
   * per query). Returns undefined for any other message, or one that cannot be encoded:
   * such a response is written as a Message. Header ID, flags and TTLs do not matter here:
   * every answer sets them.
   */
  static pack(msg: Message): PackedResponse | undefined {
    const encoded = encodePacked(msg);
    if (encoded === undefined) return undefined;
    // An exact copy, so that a long-lived entry does not keep a pooled slab alive.
    const bytes = new Uint8Array(encoded);
    const records = msg.answers.length + msg.authorities.length + msg.additionals.length;
    return new PackedResponse(bytes, msg.questions[0].name, records);
  }

  /**
   * Whether `req` asks for the question name exactly as packed (letter case included).
   * A query that arrived as bytes is compared octet by octet with the packed name: those
   * octets are about to be copied anyway, where the packed name's string would be one more
   * object to fetch (the entries of a large cache or zone memo are rarely in the CPU cache).
   */
  #askedAsPacked(req: Request): boolean {
    const wire = req.wire;
    if (wire === undefined) return req.qname === this.#questionName;
    const packed = this.#bytes;
    const end = this.#questionNameEnd;
    if (wire.length < end) return false;
    for (let i = HEADER_LENGTH; i < end; i++) if (wire[i] !== packed[i]) return false;
    return true;
  }

  /** Length in octets without an OPT record. */
  get length(): number {
    return this.#bytes.length;
  }

  /**
   * The answer to `req` with header flags `flags` (QR, opcode, AA... and the low 4 rcode
   * bits) and every record's TTL `ttl`, or each record's own TTL when `ttl` is undefined;
   * undefined when the caller must write a Message (see the class comment).
   */
  bytesFor(req: Request, flags: number, ttl?: number): Uint8Array | undefined {
    if (!this.#askedAsPacked(req)) return undefined;
    const packed = this.#bytes;
    const out = answerFromPacked(packed, 0, packed.length, req, flags);
    if (out === undefined || ttl === undefined) return out;
    const ttlAt = (this.#ttlAt ??= ttlOffsets(packed, this.#records));
    for (let i = 0; i < ttlAt.length; i++) {
      const at = ttlAt[i];
      out[at] = ttl >>> 24;
      out[at + 1] = ttl >>> 16;
      out[at + 2] = ttl >>> 8;
      out[at + 3] = ttl;
    }
    return out;
  }
}

/**
 * Encodes `msg` for packing: exactly one question and no OPT record (the OPT record is
 * per query). Undefined for any other message, or one that cannot be encoded: such a
 * response is written as a Message. The result is encodeMessage's, a view to copy.
 */
export function encodePacked(msg: Message): Uint8Array | undefined {
  if (msg.questions.length !== 1) return undefined;
  for (const rr of msg.additionals) if (rr.type === 'OPT') return undefined;
  try {
    return encodeMessage(msg);
  } catch {
    return undefined;
  }
}

/** Answers this long are copied octet by octet: cheaper than making a view to copy from. */
const COPY_BY_LOOP = 256;

/**
 * The answer to `req` made from the packed response `src[start, start + length)`: a copy
 * with the query's ID, header flags `flags` (QR, opcode, AA... and the low 4 rcode bits)
 * and, when the query had EDNS, the OPT record the server's writer would add. Undefined
 * when the answer does not fit the client's UDP size or any UDP datagram: the writer
 * truncates Messages, so the caller writes the Message instead.
 */
export function answerFromPacked(
  src: Uint8Array,
  start: number,
  length: number,
  req: Request,
  flags: number,
): Uint8Array | undefined {
  const edns = req.edns !== undefined;
  const total = length + (edns ? REPLY_OPT.length : 0);
  if (total > req.size || total > MAX_PACKED_ANSWER) return undefined;

  const out = Buffer.allocUnsafe(total);
  if (start === 0 && length === src.length) out.set(src);
  else if (length <= COPY_BY_LOOP) for (let i = 0; i < length; i++) out[i] = src[start + i];
  else out.set(src.subarray(start, start + length));
  const id = req.id;
  out[0] = id >>> 8;
  out[1] = id;
  out[2] = flags >>> 8;
  out[3] = flags;
  if (edns) {
    out.set(REPLY_OPT, length);
    if (req.do) out[length + REPLY_OPT_DO_AT] = 0x80;
    const arcount = ((out[10] << 8) | out[11]) + 1;
    out[10] = arcount >>> 8;
    out[11] = arcount;
  }
  return out;
}

/** The offsets of the TTL fields of the `records` records after the one question. */
function ttlOffsets(bytes: Uint8Array, records: number): Uint32Array {
  const ttlAt = new Uint32Array(records);
  let p = skipName(bytes, HEADER_LENGTH) + 4; // the question's type and class
  for (let i = 0; i < records; i++) {
    p = skipName(bytes, p) + 4; // type and class
    ttlAt[i] = p;
    const rdlength = (bytes[p + 4] << 8) | bytes[p + 5];
    p += 6 + rdlength;
  }
  return ttlAt;
}

/** The offset just past the (possibly compressed) name at `p` of a message we encoded. */
function skipName(bytes: Uint8Array, p: number): number {
  for (;;) {
    const length = bytes[p];
    if (length === 0) return p + 1;
    if (length >= 0xc0) return p + 2;
    p += length + 1;
  }
}
