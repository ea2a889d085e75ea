import {
  getRcode,
  nextOrFailure,
  Rcode,
  type Handler,
  type Message,
  type Request,
  type ResponseWriter,
  type Transport,
} from '@tsdns/core';
import type { Reorder } from './policies.js';

/**
 * Reorders NOERROR responses on their way out (CoreDNS's LoadBalanceResponseWriter).
 * Errors and zone transfers pass untouched.
 */
class ReorderingWriter implements ResponseWriter {
  readonly transport: Transport;
  readonly remoteAddress: string;
  readonly remotePort: number;
  readonly localAddress: string;
  readonly localPort: number;

  constructor(
    private readonly inner: ResponseWriter,
    private readonly reorder: Reorder,
  ) {
    this.transport = inner.transport;
    this.remoteAddress = inner.remoteAddress;
    this.remotePort = inner.remotePort;
    this.localAddress = inner.localAddress;
    this.localPort = inner.localPort;
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
