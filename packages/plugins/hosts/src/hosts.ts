import {
  Flag,
  Rcode,
  matchZone,
  nextOrFailure,
  type Handler,
  type Request,
  type ResourceRecord,
  type ResponseWriter,
} from '@tsdns/core';
import { addressFromReverse } from './address.js';
import type { HostsStore } from './store.js';

/**
 * Answers A and AAAA queries for the names of the hosts table and PTR queries for its
 * addresses, as CoreDNS's hosts plugin does:
 *
 * - A query outside the plugin's zones goes to the next plugin, except PTR: any reverse
 *   name whose address is in the table is answered (the reverse zones need not be listed).
 * - A PTR query for an address not in the table always goes to the next plugin.
 * - A name in the table gets an authoritative answer; for a type it has no records of, an
 *   authoritative NODATA (no SOA: the table is not a zone). With `fallthrough_unsupported`
 *   types other than A and AAAA fall through instead, where `fallthrough` covers the name.
 * - A name not in the table falls through where `fallthrough` covers it; otherwise the
 *   answer is SERVFAIL (CoreDNS's choice: without an SOA it cannot write a proper NXDOMAIN).
 */
export class HostsHandler implements Handler {
  readonly name = 'hosts';

  constructor(
    readonly store: HostsStore,
    readonly next: Handler | undefined,
  ) {}

  serveDNS(req: Request, w: ResponseWriter): number | Promise<number> {
    const name = req.name;
    const qtype = req.qtype;
    const config = this.store.config;
    const table = this.store.table;

    if (qtype === 'PTR') {
      const address = addressFromReverse(name);
      const names = address === undefined ? undefined : table.lookupAddress(address);
      if (names === undefined) return nextOrFailure(this.name, this.next, req, w);
      const answers: ResourceRecord[] = new Array(names.length);
      for (let i = 0; i < names.length; i++)
        answers[i] = { name: req.qname, type: 'PTR', class: 'IN', ttl: config.ttl, data: names[i] };
      return this.#write(req, w, answers);
    }

    if (matchZone(config.origins, name) === undefined) return nextOrFailure(this.name, this.next, req, w);

    const entry = table.lookup(name);
    let answers: ResourceRecord[] = [];
    if (qtype === 'A' || qtype === 'AAAA') {
      const addresses = entry === undefined ? undefined : qtype === 'A' ? entry.a : entry.aaaa;
      if (addresses !== undefined && addresses.length > 0) {
        answers = new Array(addresses.length);
        for (let i = 0; i < addresses.length; i++)
          answers[i] = { name: req.qname, type: qtype, class: 'IN', ttl: config.ttl, data: addresses[i] };
      }
    } else if (config.fallthroughUnsupported && config.fallthrough.through(name)) {
      return nextOrFailure(this.name, this.next, req, w);
    }

    if (entry === undefined) {
      if (config.fallthrough.through(name)) return nextOrFailure(this.name, this.next, req, w);
      return Rcode.SERVFAIL;
    }
    return this.#write(req, w, answers);
  }

  #write(req: Request, w: ResponseWriter, answers: ResourceRecord[]): number {
    const msg = req.reply();
    msg.flags |= Flag.AA;
    msg.answers = answers;
    w.write(msg);
    return Rcode.NOERROR;
  }
}
