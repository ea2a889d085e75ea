import type { Message } from '../wire/types.js';
import { decodeMessage } from '../wire/decode.js';
import { getRcode } from '../wire/header.js';
import type { ResponseWriter, Transport } from './writer.js';

/** The response code of a response in wire form: writeBytes never carries an extended one. */
export function wireRcode(bytes: Uint8Array): number {
  return bytes[3] & 0x0f;
}

/**
 * The base of a writer a plugin hands to the rest of the chain in place of its own (a
 * mutator's, a recorder): the connection facts are read through from the writer it wraps
 * (most queries never ask, so nothing is copied per query) and whenWritable is passed
 * through so transfers keep their back-pressure. Subclasses write.
 *
 * `writeBytes` (see ResponseWriter) is offered only by subclasses that pass `bytes: true`
 * and only when the wrapped writer has it too, so the check a plugin makes
 * (`w.writeBytes !== undefined`) tells the truth about the whole way to the client.
 * What it does is `forwardBytes`: pass the bytes on; a subclass that watches responses
 * overrides it to look at them first. A writer that needs the Message (to store it, to
 * change it) keeps the default, `bytes: false`, and plugins then write Messages to it.
 */
export abstract class WrappingWriter implements ResponseWriter {
  readonly transport: Transport;
  readonly writeBytes: ((bytes: Uint8Array) => number) | undefined;

  /** `transport` overrides the wrapped writer's (a cache refresh asks as if over a stream). */
  constructor(
    readonly inner: ResponseWriter,
    transport: Transport = inner.transport,
    bytes = false,
  ) {
    this.transport = transport;
    // The prototype's method itself, not a bound copy: `w.writeBytes(b)` calls it on w.
    this.writeBytes = bytes && inner.writeBytes !== undefined ? this.forwardBytes : undefined;
  }

  get remoteAddress(): string {
    return this.inner.remoteAddress;
  }
  get remotePort(): number {
    return this.inner.remotePort;
  }
  get localAddress(): string {
    return this.inner.localAddress;
  }
  get localPort(): number {
    return this.inner.localPort;
  }

  abstract write(msg: Message): number | void;

  /** What `writeBytes` does when offered: hands the bytes to the wrapped writer. */
  protected forwardBytes(bytes: Uint8Array): number {
    return this.inner.writeBytes!(bytes);
  }

  whenWritable(): boolean | Promise<boolean> {
    return this.inner.whenWritable?.() ?? true;
  }
}

/**
 * Passes the response through and remembers what was written (CoreDNS's
 * dnstest.Recorder): for plugins that report on the answer after the chain returns
 * (log, trace). Responses sent as bytes pass through as bytes; `msg` decodes them only
 * when someone asks.
 */
export class Recorder extends WrappingWriter {
  /** Its response code, extended rcode included; 0 until written. */
  rcode = 0;
  /** Bytes sent, when the wrapped writer reports them; 0 until written. */
  len = 0;
  /** When the recorder was made, from performance.now(): durations are `performance.now() - start`. */
  readonly start: number;
  #msg: Message | undefined = undefined;
  #bytes: Uint8Array | undefined = undefined;

  constructor(inner: ResponseWriter) {
    super(inner, inner.transport, true);
    this.start = performance.now();
  }

  /** The response written, once written. */
  get msg(): Message | undefined {
    if (this.#msg === undefined && this.#bytes !== undefined) {
      this.#msg = decodeMessage(this.#bytes);
      this.#bytes = undefined;
    }
    return this.#msg;
  }

  write(msg: Message): number | void {
    this.#msg = msg;
    this.#bytes = undefined;
    this.rcode = getRcode(msg);
    const sent = this.inner.write(msg);
    if (typeof sent === 'number') this.len = sent;
    return sent;
  }

  protected override forwardBytes(bytes: Uint8Array): number {
    this.#msg = undefined;
    this.#bytes = bytes;
    this.rcode = wireRcode(bytes);
    const sent = this.inner.writeBytes!(bytes);
    this.len = sent;
    return sent;
  }
}

/**
 * Captures the response without sending it (CoreDNS's nonwriter): a mutator hands it to
 * the rest of the chain, changes `msg`, then writes it to the real writer itself.
 */
export class NonWriter extends WrappingWriter {
  /** The response the downstream handler wrote, if any. */
  msg: Message | undefined = undefined;

  write(msg: Message): void {
    this.msg = msg;
  }
}
