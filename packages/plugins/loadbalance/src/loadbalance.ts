import {
  getRcode,
  nextOrFailure,
  Rcode,
  WrappingWriter,
  type Handler,
  type Message,
  type Request,
  type ResponseWriter,
} from '@tsdns/core';
import type { Reorder } from './policies.js';

/**
 * Reorders NOERROR responses on their way out (CoreDNS's LoadBalanceResponseWriter).
 * Errors and zone transfers pass untouched.
 */
class ReorderingWriter extends WrappingWriter {
  constructor(
    inner: ResponseWriter,
    private readonly reorder: Reorder,
  ) {
    super(inner);
  }

  write(res: Message): number | void {
    const qtype = res.questions[0]?.type;
    if (getRcode(res) !== Rcode.NOERROR || qtype === undefined || qtype === 'AXFR' || qtype === 'IXFR') {
      return this.inner.write(res);
    }
    return this.inner.write(this.reorder(res));
  }
}

/**
 * The *loadbalance* handler: hands the query on with a writer that reorders the response.
 * Reordering builds new section arrays and never changes the records or the message it
 * is given, which may belong to a zone or a cache.
 */
export class LoadBalance implements Handler {
  readonly name = 'loadbalance';

  constructor(
    readonly reorder: Reorder,
    readonly next: Handler | undefined,
  ) {}

  serveDNS(req: Request, w: ResponseWriter): number | Promise<number> {
    return nextOrFailure(this.name, this.next, req, new ReorderingWriter(w, this.reorder));
  }
}
