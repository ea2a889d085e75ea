import type { Message } from '../wire/types.js';
import { getRcode } from '../wire/header.js';
import type { ResponseWriter, Transport } from './writer.js';

/** The connection facts every wrapping writer repeats from the writer it wraps. */
abstract class WrappingWriter implements ResponseWriter {
  readonly transport: Transport;
  readonly remoteAddress: string;
  readonly remotePort: number;
  readonly localAddress: string;
  readonly localPort: number;

  constructor(readonly inner: ResponseWriter) {
    this.transport = inner.transport;
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
