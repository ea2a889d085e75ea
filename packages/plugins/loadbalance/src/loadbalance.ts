import {
  decodeMessage,
  getRcode,
  nextOrFailure,
  Rcode,
  wireRcode,
  WrappingWriter,
  type Handler,
  type Message,
  type Request,
  type ResponseWriter,
} from '@tsdns/core';
import type { Reorder } from './policies.js';

/**
 * Reorders a NOERROR response in wire form; returns the bytes to send (`bytes` itself when
 * nothing moves), or undefined when only the Message path can (see wire.ts).
 */
export type WireReorder = (bytes: Uint8Array) => Uint8Array | undefined;

/**
 * Reorders NOERROR responses on their way out (CoreDNS's LoadBalanceResponseWriter).
 * Errors and zone transfers pass untouched. Responses in wire form (cache hits) are
 * reordered as bytes when the policy can, and otherwise decoded and reordered as Messages.
 */
class ReorderingWriter extends WrappingWriter {
  constructor(
    inner: ResponseWriter,
    private readonly reorder: Reorder,
    private readonly reorderWire: WireReorder | undefined,
  ) {
    super(inner, inner.transport, true);
  }

  write(res: Message): number | void {
    const qtype = res.questions[0]?.type;
    if (getRcode(res) !== Rcode.NOERROR || qtype === undefined || qtype === 'AXFR' || qtype === 'IXFR') {
      return this.inner.write(res);
    }
    return this.inner.write(this.reorder(res));
  }

  protected override forwardBytes(bytes: Uint8Array): number {
    // writeBytes carries only the header's rcode, and never a zone transfer (one message).
    if (wireRcode(bytes) !== Rcode.NOERROR) return this.inner.writeBytes!(bytes);
    const reordered = this.reorderWire?.(bytes);
    if (reordered !== undefined) return this.inner.writeBytes!(reordered);
    return this.write(decodeMessage(bytes)) ?? 0;
  }
}

/**
 * The *loadbalance* handler: hands the query on with a writer that reorders the response.
 * Reordering builds new section arrays (or a new byte array) and never changes the records,
 * the message or the bytes it is given, which may belong to a zone or a cache.
 */
export class LoadBalance implements Handler {
  readonly name = 'loadbalance';

  constructor(
    readonly reorder: Reorder,
    readonly next: Handler | undefined,
    /** The same policy on bytes, when it has a byte form (round_robin without prefer). */
    readonly reorderWire?: WireReorder,
  ) {}

  serveDNS(req: Request, w: ResponseWriter): number | Promise<number> {
    return nextOrFailure(this.name, this.next, req, new ReorderingWriter(w, this.reorder, this.reorderWire));
  }
}
