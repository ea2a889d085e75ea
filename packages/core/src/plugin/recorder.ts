import type { Message } from '../wire/types.js';
import { getRcode } from '../wire/header.js';
import type { ResponseWriter, Transport } from './writer.js';

/**
 * The base of a writer a plugin hands to the rest of the chain in place of its own (a
 * mutator's, a recorder): it repeats the connection facts of the writer it wraps, read
 * once, and passes whenWritable through so transfers keep their back-pressure.
 * Subclasses write.
 */
export abstract class WrappingWriter implements ResponseWriter {
  readonly transport: Transport;
  readonly remoteAddress: string;
  readonly remotePort: number;
  readonly localAddress: string;
  readonly localPort: number;

  /** `transport` overrides the wrapped writer's (a cache refresh asks as if over a stream). */
  constructor(
    readonly inner: ResponseWriter,
    transport: Transport = inner.transport,
  ) {
    this.transport = transport;
    this.remoteAddress = inner.remoteAddress;
    this.remotePort = inner.remotePort;
    this.localAddress = inner.localAddress;
    this.localPort = inner.localPort;
  }

  abstract write(msg: Message): number | void;

  whenWritable(): boolean | Promise<boolean> {
    return this.inner.whenWritable?.() ?? true;
  }
}

/**
 * Passes the response through and remembers what was written (CoreDNS's
 * dnstest.Recorder): for plugins that report on the answer after the chain returns
 * (log, metrics, dnstap).
 */
export class Recorder extends WrappingWriter {
  /** The response written, once written. */
  msg: Message | undefined = undefined;
  /** Its response code, extended rcode included; 0 until written. */
  rcode = 0;
  /** Bytes sent, when the wrapped writer reports them; 0 until written. */
  len = 0;
  /** When the recorder was made, from performance.now(): durations are `performance.now() - start`. */
  readonly start: number;

  constructor(inner: ResponseWriter) {
    super(inner);
    this.start = performance.now();
  }

  write(msg: Message): number | void {
    this.msg = msg;
    this.rcode = getRcode(msg);
    const sent = this.inner.write(msg);
    if (typeof sent === 'number') this.len = sent;
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
