import {
  Flag,
  Rcode,
  isSubdomain,
  labelCount,
  matchZone,
  nextOrFailure,
  setFlag,
  type ExternalSource,
  type Handler,
  type Message,
  type Transferer,
  type Request,
  type ResourceRecord,
  type ResponseWriter,
  type SoaData,
} from '@tsdns/core';
import type { K8sExternalConfig } from './setup.js';
import {
  addressAnswer,
  isTruncated,
  mergeLookups,
  ptrAnswer,
  srvAnswer,
  type Answer,
  type LookupResult,
} from './records.js';
import { addressFromReverse } from './reverse.js';
import { externalZoneRecords } from './transfer.js';

const NAME = 'k8s_external';
/** CoreDNS's SOA timers for the external zone (the serial comes from the cluster). */
const REFRESH = 7200;
const RETRY = 1800;
const EXPIRE = 86400;
const NS_LABEL = 'ns1';

/** The names of one zone's apex records, computed once. */
interface ZoneNames {
  readonly zone: string;
  /** `APEX.ZONE`: the subdomain where the name server's records live. */
  readonly apex: string;
  /** `ns1.APEX.ZONE`: the name server. */
  readonly ns: string;
  /** `hostmaster.APEX.ZONE`: the SOA's mailbox. */
  readonly hostmaster: string;
}

function join(label: string, zone: string): string {
  return zone === '.' ? `${label}.` : `${label}.${zone}`;
}

/**
 * Serves the external addresses of a cluster's services under zones of their own
 * (CoreDNS's k8s_external, the book's example 6-30): `SERVICE.NAMESPACE.ZONE` answers with
 * the addresses of the service's load balancer ingress and externalIPs, SRV for its ports,
 * PTR for those addresses, and with `headless` the endpoints of headless services. The data
 * comes from an ExternalSource (the kubernetes plugin), found at startup. The zone has an
 * SOA and NS at its apex, with the name server `ns1.APEX.ZONE`. The zones can be transferred
 * (through the transfer plugin), without NOTIFY, as in CoreDNS.
 */
export class K8sExternal implements Handler, Transferer {
  readonly name = NAME;
  next: Handler | undefined = undefined;
  /** The cluster's data; set at startup, when the chain is built. */
  source: ExternalSource | undefined = undefined;

  readonly #zones: readonly string[];
  readonly #names: ReadonlyMap<string, ZoneNames>;

  constructor(readonly config: K8sExternalConfig) {
    this.#zones = config.zones;
    const names = new Map<string, ZoneNames>();
    for (const zone of config.zones) {
      const apex = join(config.apex, zone);
      names.set(zone, { zone, apex, ns: join(NS_LABEL, apex), hostmaster: join('hostmaster', apex) });
    }
    this.#names = names;
  }

  serveDNS(req: Request, w: ResponseWriter): number | Promise<number> {
    const name = req.name;
    const zone = matchZone(this.#zones, name);
    const source = this.source;
    if (zone === undefined || source === undefined) return nextOrFailure(NAME, this.next, req, w);
    const names = this.#names.get(zone)!;
    if (name === zone) return this.#serveApex(req, w, names, source);
    if (isSubdomain(name, names.apex)) return this.#serveSubApex(req, w, names, source);

    const qtype = req.qtype;
    if (qtype === 'PTR') {
      const ip = addressFromReverse(name);
      if (ip !== undefined) {
        const targets = source.externalReverse(ip, this.#zones[0]);
        if (targets.length === 0) return this.#negative(req, w, names, source, Rcode.NXDOMAIN);
        const reply = this.#reply(req);
        reply.answers = ptrAnswer(req.qname, targets, this.config.ttl);
        w.write(reply);
        return Rcode.NOERROR;
      }
    }

    const { rcode, services } = source.external(name, zone, this.config.headless);
    if (services.length === 0) {
      if (rcode !== Rcode.NOERROR && rcode !== Rcode.NXDOMAIN) return rcode;
      return this.#negative(req, w, names, source, rcode);
    }
    let answer: Answer | undefined;
    const ttl = this.config.ttl;
    switch (qtype) {
      case 'A':
      case 'AAAA':
        answer = addressAnswer(req.qname, qtype, services, ttl);
        break;
      case 'SRV':
        answer = srvAnswer(req.qname, services, ttl);
        break;
    }
    if (answer === undefined) return this.#negative(req, w, names, source, Rcode.NOERROR);
    if (answer.lookups.length === 0) return this.#writeAnswer(req, w, names, source, answer, false);
    return this.#lookUp(req, answer).then(({ answer: merged, truncated }) =>
      this.#writeAnswer(req, w, names, source, merged, truncated),
    );
  }

  /**
   * The whole of `zone` for AXFR: SOA, NS and the name server's addresses, then every
   * external name's records, then the SOA again. Undefined for a zone that is not one of
   * this plugin's, or before the source is known.
   */
  transfer(zone: string): Iterable<readonly ResourceRecord[]> | undefined {
    const source = this.source;
    const names = this.#names.get(zone);
    if (source === undefined || names === undefined) return undefined;
    return this.#zoneBatches(names, source);
  }

  /** The zones this plugin can transfer. */
  transferZones(): Iterable<string> {
    return this.#zones;
  }

  *#zoneBatches(names: ZoneNames, source: ExternalSource): Generator<ResourceRecord[]> {
    const ttl = this.config.ttl;
    // One SOA for both ends: the serial must not move while the zone is read.
    const soa = this.#soa(names, source);
    yield [soa];
    yield [
      { name: names.zone, type: 'NS', class: 'IN', ttl, data: names.ns },
      ...this.nameServerRecords(names.zone, names.ns, source),
    ];
    yield* externalZoneRecords(source.externalServices(names.zone, this.config.headless), ttl);
    yield [soa];
  }

  /** A reply to `req` with AA set. */
  #reply(req: Request): Message {
    const reply = req.reply();
    setFlag(reply, Flag.AA);
    return reply;
  }

  #soa(names: ZoneNames, source: ExternalSource): ResourceRecord {
    const ttl = this.config.ttl;
    const data: SoaData = {
      mname: names.ns,
      rname: names.hostmaster,
      serial: source.externalSerial(names.zone) >>> 0,
      refresh: REFRESH,
      retry: RETRY,
      expire: EXPIRE,
      minimum: ttl,
    };
    return { name: names.zone, type: 'SOA', class: 'IN', ttl, data };
  }

  /** NXDOMAIN (unless it falls through) or NODATA, with the zone's SOA. */
  #negative(
    req: Request,
    w: ResponseWriter,
    names: ZoneNames,
    source: ExternalSource,
    rcode: number,
  ): number | Promise<number> {
    if (rcode === Rcode.NXDOMAIN && this.config.fallthrough.through(req.name))
      return nextOrFailure(NAME, this.next, req, w);
    const reply = req.reply(rcode);
    setFlag(reply, Flag.AA);
    reply.authorities.push(this.#soa(names, source));
    w.write(reply);
    return rcode;
  }

  #writeAnswer(
    req: Request,
    w: ResponseWriter,
    names: ZoneNames,
    source: ExternalSource,
    answer: Answer,
    truncated: boolean,
  ): number | Promise<number> {
    // Records of the name, none of the type asked: NODATA.
    if (answer.answers.length === 0) return this.#negative(req, w, names, source, Rcode.NOERROR);
    const reply = this.#reply(req);
    reply.answers = answer.answers;
    reply.additionals = [...answer.additionals, ...reply.additionals];
    if (truncated) setFlag(reply, Flag.TC);
    w.write(reply);
    return Rcode.NOERROR;
  }

  /** Resolves the load balancers' host names through the chain; a failed lookup adds nothing. */
  async #lookUp(req: Request, answer: Answer): Promise<{ answer: Answer; truncated: boolean }> {
    const results = await Promise.all(
      answer.lookups.map(
        (l): Promise<LookupResult> =>
          req.upstream(l.host, l.type).then(
            (m) => ({ records: m.answers, truncated: isTruncated(m.flags) }),
            () => ({ records: [], truncated: false }),
          ),
      ),
    );
    return mergeLookups(answer, results);
  }

  /**
   * The name server's address records, owned by `owner`: from the source, which knows the
   * service in front of this server (or, outside a cluster, this server's own addresses).
   */
  nameServerRecords(zone: string, owner: string, source: ExternalSource): ResourceRecord[] {
    const ttl = this.config.ttl;
    const out: ResourceRecord[] = [];
    for (const rr of source.externalAddresses(zone, this.config.headless))
      if (rr.type === 'A' || rr.type === 'AAAA') out.push({ ...rr, name: owner, ttl });
    return out;
  }

  /** The zone's apex: SOA, NS with the name server's addresses, NODATA for other types. */
  #serveApex(req: Request, w: ResponseWriter, names: ZoneNames, source: ExternalSource): number {
    const reply = this.#reply(req);
    switch (req.qtype) {
      case 'SOA':
        reply.answers.push(this.#soa(names, source));
        break;
      case 'NS': {
        reply.answers.push({
          name: names.zone,
          type: 'NS',
          class: 'IN',
          ttl: this.config.ttl,
          data: names.ns,
        });
        reply.additionals.unshift(...this.nameServerRecords(names.zone, names.ns, source));
        break;
      }
      default:
        reply.authorities.push(this.#soa(names, source));
    }
    w.write(reply);
    return Rcode.NOERROR;
  }

  /**
   * Names under `APEX.ZONE`: `ns1.APEX.ZONE` has the name server's addresses, `APEX.ZONE`
   * itself is an empty non-terminal (NODATA), anything else does not exist.
   */
  #serveSubApex(req: Request, w: ResponseWriter, names: ZoneNames, source: ExternalSource): number {
    const below = labelCount(req.name) - labelCount(names.apex);
    if (below === 0) {
      const reply = this.#reply(req);
      reply.authorities.push(this.#soa(names, source));
      w.write(reply);
      return Rcode.NOERROR;
    }
    if (below > 1 || req.name !== names.ns) {
      const reply = req.reply(Rcode.NXDOMAIN);
      setFlag(reply, Flag.AA);
      reply.authorities.push(this.#soa(names, source));
      w.write(reply);
      return Rcode.NXDOMAIN;
    }
    const reply = this.#reply(req);
    const qtype = req.qtype;
    if (qtype === 'A' || qtype === 'AAAA') {
      for (const rr of this.nameServerRecords(names.zone, req.qname, source))
        if (rr.type === qtype) reply.answers.push(rr);
    }
    if (reply.answers.length === 0) reply.authorities.push(this.#soa(names, source));
    w.write(reply);
    return Rcode.NOERROR;
  }
}
