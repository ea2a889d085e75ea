import {
  nextOrFailure,
  Rcode,
  type Handler,
  type Request,
  type ResourceRecord,
  type ResponseWriter,
} from '@tsdns/core';

/** The TTL CoreDNS gives its RFC 8482 answer: the RFC's number, a day and a bit. */
export const ANY_TTL = 8482;
/** The HINFO text CoreDNS answers with; `dig` users recognise it. */
export const ANY_CPU = 'ANY obsoleted';
export const ANY_OS = 'See RFC 8482';

/**
 * Answers every query of type ANY with a single synthesized HINFO record owned by the query
 * name (RFC 8482 section 4.2), as CoreDNS's *any* does: TTL 8482, class IN, no AA bit.
 * Every other query goes to the next plugin untouched.
 *
 * Synchronous: an ANY query costs one small message; other queries pay one string compare.
 */
export class Any implements Handler {
  readonly name = 'any';

  constructor(readonly next: Handler | undefined) {}

  serveDNS(req: Request, w: ResponseWriter): number | Promise<number> {
    if (req.qtype !== 'ANY') return nextOrFailure(this.name, this.next, req, w);
    const reply = req.reply(Rcode.NOERROR);
    const hinfo: ResourceRecord = {
      name: req.qname,
      type: 'HINFO',
      class: 'IN',
      ttl: ANY_TTL,
      data: { cpu: ANY_CPU, os: ANY_OS },
    };
    reply.answers.push(hinfo);
    w.write(reply);
    return Rcode.NOERROR;
  }
}
