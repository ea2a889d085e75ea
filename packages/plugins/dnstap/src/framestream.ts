/**
 * Frame Streams, the framing dnstap travels in: data frames are a 32-bit big-endian length
 * and that many bytes; a control frame is an escape (a zero length), its own 32-bit length,
 * a 32-bit control type and fields, each a 32-bit field type, 32-bit length and bytes. The
 * only field type is CONTENT_TYPE.
 *
 * A bidirectional stream (what dnstap over a socket uses): the writer sends READY with the
 * content types it offers, the reader answers ACCEPT with the ones it takes, the writer sends
 * START with the one it will use, then data frames, then STOP; the reader answers FINISH.
 */

export const ControlType = {
  ACCEPT: 0x01,
  START: 0x02,
  STOP: 0x03,
  READY: 0x04,
  FINISH: 0x05,
} as const;

export const CONTROL_FIELD_CONTENT_TYPE = 0x01;

/** The content type of dnstap payloads. */
export const DNSTAP_CONTENT_TYPE = 'protobuf:dnstap.Dnstap';

/** The largest control frame a peer may send (libfstrm's and golang-framestream's limit). */
export const MAX_CONTROL_FRAME_LENGTH = 512;

/** The default limit on data frames a parser accepts (golang-framestream's default). */
export const DEFAULT_MAX_DATA_FRAME_LENGTH = 1 << 20;

/** A data frame's length prefix: the bytes in front of every encoded payload. */
export const DATA_FRAME_HEADER_LENGTH = 4;

export class FrameStreamError extends Error {
  override readonly name = 'FrameStreamError';
}

export interface ControlFrame {
  readonly type: number;
  /** The CONTENT_TYPE fields, as text (content types are ASCII). */
  readonly contentTypes: readonly string[];
}

export type Frame =
  | { readonly kind: 'data'; readonly payload: Uint8Array }
  | ({ readonly kind: 'control' } & ControlFrame);

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** Encodes a control frame, escape sequence included. */
export function encodeControl(type: number, contentTypes: readonly string[] = []): Uint8Array {
  const fields = contentTypes.map((t) => encoder.encode(t));
  let length = 4;
  for (const f of fields) length += 8 + f.length;
  if (length > MAX_CONTROL_FRAME_LENGTH)
    throw new FrameStreamError(`control frame of ${length} bytes is too long`);
  const out = new Uint8Array(8 + length);
  const view = new DataView(out.buffer);
  view.setUint32(0, 0);
  view.setUint32(4, length);
  view.setUint32(8, type);
  let pos = 12;
  for (const f of fields) {
    view.setUint32(pos, CONTROL_FIELD_CONTENT_TYPE);
    view.setUint32(pos + 4, f.length);
    out.set(f, pos + 8);
    pos += 8 + f.length;
  }
  return out;
}

/**
 * Writes the data frame header (the payload's length) into the first four bytes of `frame`,
 * whose payload starts at byte 4 (see encodeDnstap's headroom). Returns `frame`.
 */
export function sealDataFrame(frame: Uint8Array): Uint8Array {
  const n = frame.length - DATA_FRAME_HEADER_LENGTH;
  frame[0] = n >>> 24;
  frame[1] = (n >>> 16) & 0xff;
  frame[2] = (n >>> 8) & 0xff;
  frame[3] = n & 0xff;
  return frame;
}

const EMPTY = new Uint8Array(0);

/** A plain copy: chunks may be Buffers, whose slice() is a view of memory Node reuses. */
function copy(b: Uint8Array, start: number, end: number): Uint8Array {
  const out = new Uint8Array(end - start);
  out.set(b.subarray(start, end));
  return out;
}

function u32(b: Uint8Array, off: number): number {
  return ((b[off] << 24) | (b[off + 1] << 16) | (b[off + 2] << 8) | b[off + 3]) >>> 0;
}

/** Decodes a control frame's body (after the escape and the length). */
export function decodeControlBody(body: Uint8Array): ControlFrame {
  if (body.length < 4) throw new FrameStreamError(`control frame of ${body.length} bytes has no type`);
  const type = u32(body, 0);
  const contentTypes: string[] = [];
  let pos = 4;
  while (pos < body.length) {
    if (body.length - pos < 8) throw new FrameStreamError('truncated control frame field');
    const fieldType = u32(body, pos);
    const len = u32(body, pos + 4);
    pos += 8;
    if (fieldType !== CONTROL_FIELD_CONTENT_TYPE)
      throw new FrameStreamError(`unknown control frame field type ${fieldType}`);
    if (len > body.length - pos) throw new FrameStreamError('control frame field overruns the frame');
    contentTypes.push(decoder.decode(body.subarray(pos, pos + len)));
    pos += len;
  }
  return { type, contentTypes };
}

/**
 * Splits a byte stream into frames, whatever the chunking. Throws FrameStreamError for a
 * control frame over 512 bytes or a data frame over the limit (the stream is then unusable:
 * its framing can no longer be trusted).
 */
export class FrameStreamParser {
  #pending: Uint8Array = EMPTY;
  readonly #maxData: number;

  constructor(options: { maxDataFrameLength?: number } = {}) {
    this.#maxData = options.maxDataFrameLength ?? DEFAULT_MAX_DATA_FRAME_LENGTH;
  }

  /** Bytes received that do not make a whole frame yet. */
  get buffered(): number {
    return this.#pending.length;
  }

  push(chunk: Uint8Array): Frame[] {
    let buf: Uint8Array;
    if (this.#pending.length === 0) buf = chunk;
    else {
      buf = new Uint8Array(this.#pending.length + chunk.length);
      buf.set(this.#pending, 0);
      buf.set(chunk, this.#pending.length);
    }
    const frames: Frame[] = [];
    let pos = 0;
    for (;;) {
      if (buf.length - pos < 4) break;
      const len = u32(buf, pos);
      if (len !== 0) {
        if (len > this.#maxData)
          throw new FrameStreamError(`data frame of ${len} bytes exceeds ${this.#maxData}`);
        if (buf.length - pos - 4 < len) break;
        frames.push({ kind: 'data', payload: copy(buf, pos + 4, pos + 4 + len) });
        pos += 4 + len;
        continue;
      }
      if (buf.length - pos < 8) break;
      const clen = u32(buf, pos + 4);
      if (clen > MAX_CONTROL_FRAME_LENGTH)
        throw new FrameStreamError(`control frame of ${clen} bytes exceeds ${MAX_CONTROL_FRAME_LENGTH}`);
      if (buf.length - pos - 8 < clen) break;
      frames.push({ kind: 'control', ...decodeControlBody(buf.subarray(pos + 8, pos + 8 + clen)) });
      pos += 8 + clen;
    }
    this.#pending = pos === buf.length ? EMPTY : copy(buf, pos, buf.length);
    return frames;
  }
}
