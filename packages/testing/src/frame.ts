/**
 * DNS over TCP framing (RFC 1035 section 4.2.2, RFC 7766): every message is preceded by its
 * length as a 16-bit big-endian number. A stream delivers frames in arbitrary chunks, so the
 * reader buffers until a whole frame is there.
 */

/** Prefixes a message with its two-byte length. Throws RangeError above 65535 bytes. */
export function frameMessage(message: Uint8Array): Uint8Array {
  if (message.length > 0xffff)
    throw new RangeError(`a DNS message over TCP is at most 65535 bytes, got ${message.length}`);
  const out = new Uint8Array(message.length + 2);
  out[0] = message.length >> 8;
  out[1] = message.length & 0xff;
  out.set(message, 2);
  return out;
}

/** Collects stream chunks and hands out whole frames' payloads, in order. */
export class FrameReader {
  private buffer: Uint8Array = new Uint8Array(0);
  /** bytes of `buffer` in use, from 0 */
  private length = 0;

  /** Adds a chunk and returns every frame it completes (possibly none). */
  push(chunk: Uint8Array): Uint8Array[] {
    this.append(chunk);
    const frames: Uint8Array[] = [];
    let offset = 0;
    while (this.length - offset >= 2) {
      const size = (this.buffer[offset] << 8) | this.buffer[offset + 1];
      if (this.length - offset - 2 < size) break;
      // A copy, so that a caller keeping the frame is not affected when the buffer is reused.
      frames.push(this.buffer.slice(offset + 2, offset + 2 + size));
      offset += 2 + size;
    }
    if (offset > 0) {
      this.buffer.copyWithin(0, offset, this.length);
      this.length -= offset;
    }
    return frames;
  }

  /** Bytes received that do not yet form a whole frame. */
  get pending(): number {
    return this.length;
  }

  private append(chunk: Uint8Array): void {
    const needed = this.length + chunk.length;
    if (needed > this.buffer.length) {
      const grown = new Uint8Array(Math.max(needed, this.buffer.length * 2, 512));
      grown.set(this.buffer.subarray(0, this.length));
      this.buffer = grown;
    }
    this.buffer.set(chunk, this.length);
    this.length = needed;
  }
}
