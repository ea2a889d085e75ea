/**
 * DNS over TCP and TLS prefixes every message with its length as two bytes (RFC 1035
 * 4.2.2, RFC 7766). A stream delivers bytes in arbitrary chunks; this reassembles messages.
 */
export class FrameDecoder {
  #buffer: Uint8Array | undefined;
  #length = 0;

  /**
   * Adds a chunk and calls `onFrame` with each whole message it completes. A frame handed
   * out is not reused by the decoder.
   */
  push(chunk: Uint8Array, onFrame: (frame: Uint8Array) => void): void {
    let data = chunk;
    let end = chunk.length;
    if (this.#length > 0) {
      data = this.#append(chunk);
      end = this.#length;
    }
    let offset = 0;
    while (end - offset >= 2) {
      const size = (data[offset] << 8) | data[offset + 1];
      if (end - offset - 2 < size) break;
      // The common case (a reply in one chunk) hands out a view of the chunk, no copy.
      onFrame(
        data === chunk
          ? chunk.subarray(offset + 2, offset + 2 + size)
          : data.slice(offset + 2, offset + 2 + size),
      );
      offset += 2 + size;
    }
    if (data === chunk) {
      if (offset < end) this.#keep(chunk.subarray(offset));
    } else if (offset > 0) {
      data.copyWithin(0, offset, end);
      this.#length = end - offset;
    }
  }

  /** Bytes held that do not yet make a whole message. */
  get pending(): number {
    return this.#length;
  }

  #keep(rest: Uint8Array): void {
    this.#length = 0;
    this.#append(rest);
  }

  #append(chunk: Uint8Array): Uint8Array {
    const needed = this.#length + chunk.length;
    let buf = this.#buffer;
    if (buf === undefined || buf.length < needed) {
      const grown = new Uint8Array(Math.max(needed, 2 * (buf?.length ?? 0), 512));
      if (buf !== undefined) grown.set(buf.subarray(0, this.#length));
      buf = this.#buffer = grown;
    }
    buf.set(chunk, this.#length);
    this.#length = needed;
    return buf;
  }
}

/**
 * The message with its two-byte length prefix, ready to write to a stream. Throws
 * RangeError above 65535 bytes, which the prefix cannot say.
 */
export function frameMessage(message: Uint8Array): Uint8Array {
  if (message.length > 0xffff)
    throw new RangeError(`a DNS message over TCP is at most 65535 bytes, got ${message.length}`);
  // Every byte is written below: no need to zero the buffer first.
  const out = Buffer.allocUnsafe(message.length + 2);
  out[0] = message.length >> 8;
  out[1] = message.length & 0xff;
  out.set(message, 2);
  return out;
}
