import {
  Flag,
  Rcode,
  type Handler,
  type Request,
  type ResourceRecord,
  type ResponseWriter,
} from '@tsdns/core';

/**
 * Answers every query with the client's own address, port and transport (CoreDNS's
 * whoami): an empty answer section, and in the additional section an A or AAAA record for
 * the client's address and an SRV record `_udp.QNAME` / `_tcp.QNAME` whose port is the
 * client's source port. Both records are owned by the query name, have the query's class
 * and TTL 0. It never calls the next plugin.
 *
 * Synchronous: it builds one message and writes it.
 */
export class Whoami implements Handler {
  readonly name = 'whoami';

  serveDNS(req: Request, w: ResponseWriter): number {
    const reply = req.reply(Rcode.NOERROR);
    reply.flags |= Flag.AA;
    const qname = req.qname;
    const qclass = req.qclass;
    const address: ResourceRecord =
      req.family === 4
        ? { name: qname, type: 'A', class: qclass, ttl: 0, data: req.ip }
        : { name: qname, type: 'AAAA', class: qclass, ttl: 0, data: req.ip };
    // CoreDNS's Proto(): anything that is not UDP (TCP, TLS, HTTPS, gRPC) is a stream, "tcp".
    const label = req.transport === 'udp' ? '_udp.' : '_tcp.';
    const srv: ResourceRecord = {
      name: qname === '.' ? label : label + qname,
      type: 'SRV',
      class: qclass,
      ttl: 0,
      data: { priority: 0, weight: 0, port: req.port, target: '.' },
    };
    // The reply may already hold our OPT record (when the query had EDNS); the records go
    // before it, as in CoreDNS, whose writer appends OPT last. (A new array of the exact
    // size: unshift is a slow path in V8, and push reserves room for many more.)
    const opt = reply.additionals;
    reply.additionals =
      opt.length === 0 ? [address, srv] : opt.length === 1 ? [address, srv, opt[0]] : [address, srv, ...opt];
    w.write(reply);
    return Rcode.NOERROR;
  }
}
