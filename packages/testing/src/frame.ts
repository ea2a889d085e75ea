/**
 * DNS over TCP framing (RFC 1035 section 4.2.2, RFC 7766) for test clients and servers:
 * core's FrameDecoder, handing out frames as arrays.
 */
import { FrameDecoder } from '@tsdns/core';

export { frameMessage } from '@tsdns/core';

/** Collects stream chunks and hands out whole frames' payloads, in order. */
export class FrameReader {
  readonly #decoder = new FrameDecoder();
  #frames: Uint8Array[] = [];
  readonly #collect = (frame: Uint8Array): void => {
    this.#frames.push(frame);
  };

  /** Adds a chunk and returns every frame it completes (possibly none). */
  push(chunk: Uint8Array): Uint8Array[] {
    this.#decoder.push(chunk, this.#collect);
    const frames = this.#frames;
    this.#frames = [];
    return frames;
  }

  /** Bytes received that do not yet form a whole frame. */
  get pending(): number {
    return this.#decoder.pending;
  }
}
