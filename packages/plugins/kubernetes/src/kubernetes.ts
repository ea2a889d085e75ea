/**
 * The kubernetes plugin's handler (CoreDNS's Kubernetes.ServeDNS): answers the cluster
 * zone and the reverse zones it is given from the local copy of the cluster, writes
 * NXDOMAIN or NODATA with the zone's SOA, or passes the query on (`fallthrough`). It is
 * also what other parts of the server ask: Readiness (first sync done), Transferer (the
 * cluster zone for AXFR), MetadataProvider, and the ExternalSource and AutoPathSource
 * that k8s_external and autopath use.
 *
 * Answers are synchronous unless an ExternalName service's target lies outside the zone
 * and must be resolved through the server's chain.
 */
import {
  Flag,
  Rcode,
  matchZone,
  nextOrFailure,
  serveTransfer,
  type AddressAcl,
  type AutoPathSource,
  type ExternalLookup,
  type ExternalService,
  type ExternalSource,
  type Fallthrough,
  type Handler,
  type MetadataProvider,
  type Readiness,
  type Request,
  type ResourceRecord,
  type ResponseWriter,
  type Transferer,
} from '@tsdns/core';
import { Answerer, resolveParts, type Built, type Part } from './answer.js';
import { ExternalServices } from './external.js';
import { NAME_ERROR } from './lookup.js';
import { INVALID, parseRequest } from './parse.js';
import { joinName, type KubeView } from './view.js';
import { transferZone } from './xfr.js';

export interface HandlerSettings {
  readonly fallthrough: Fallthrough;
  /** The old `transfer to` option: who may AXFR the cluster zone from this plugin itself. */
  readonly transferTo: AddressAcl | undefined;
  /** The server's resolv.conf search domains, appended to a pod's search path (autopath). */
  readonly resolvSearch: readonly string[];
}

/** What the handler asks of the informers: whether the first sync is done. */
export interface SyncState {
  readonly synced: boolean;
}

function isReverse(zone: string): boolean {
  return zone.endsWith('in-addr.arpa.') || zone.endsWith('ip6.arpa.');
}

export class Kubernetes
  implements Handler, Readiness, Transferer, MetadataProvider, ExternalSource, AutoPathSource
{
  readonly name = 'kubernetes';
  readonly answerer: Answerer;
  readonly #external: ExternalServices;

  constructor(
    readonly view: KubeView,
    readonly settings: HandlerSettings,
    readonly sync: SyncState,
    readonly next: Handler | undefined,
  ) {
    this.answerer = new Answerer(view);
    this.#external = new ExternalServices(view);
  }

  get zones(): readonly string[] {
    return this.view.settings.zones;
  }

  /** Ready once every informer has applied its first list (the ready plugin asks). */
  ready(): boolean {
    return this.sync.synced;
  }

  serveDNS(req: Request, w: ResponseWriter): number | Promise<number> {
    const name = req.name;
    const zone = matchZone(this.zones, name);
    if (zone === undefined) return nextOrFailure(this.name, this.next, req, w);
    const qtype = req.qtype;
    if (qtype === 'AXFR' || qtype === 'IXFR') {
      const acl = this.settings.transferTo;
      if (acl === undefined) return Rcode.REFUSED;
      return serveTransfer(req, w, this, { acl, plugin: this.name }) ?? Rcode.REFUSED;
    }
    // The zone as the query wrote it: answers keep the client's letter case (CoreDNS does).
    const qname = req.qname;
    const zoneOut = zone === '.' ? '.' : qname.slice(qname.length - zone.length);
    const built = this.answerer.build(qtype, name, qname, zone, zoneOut);
    if (built === NAME_ERROR) {
      if (this.settings.fallthrough.through(name)) return nextOrFailure(this.name, this.next, req, w);
      // Before the first sync a missing name may just not be known yet.
      if (!this.sync.synced) return Rcode.SERVFAIL;
      return this.#write(req, w, zone, zoneOut, Rcode.NXDOMAIN, [], [], false);
    }
    if (built.pending) return this.#finish(req, w, zone, zoneOut, built);
    return this.#write(
      req,
      w,
      zone,
      zoneOut,
      Rcode.NOERROR,
      built.answer as ResourceRecord[],
      built.extra,
      false,
    );
  }

  async #finish(
    req: Request,
    w: ResponseWriter,
    zone: string,
    zoneOut: string,
    built: Built,
  ): Promise<number> {
    const tc = { truncated: false };
    const answer = await resolveParts(built.answer as Part[], req, tc);
    return this.#write(req, w, zone, zoneOut, Rcode.NOERROR, answer, built.extra, tc.truncated);
  }

  /** The response: records with AA, or none and the SOA in the authority section (CoreDNS's BackendError). */
  #write(
    req: Request,
    w: ResponseWriter,
    zone: string,
    zoneOut: string,
    rcode: number,
    answer: readonly ResourceRecord[],
    extra: readonly ResourceRecord[],
    truncated: boolean,
  ): number {
    const reply = req.reply(rcode);
    reply.flags |= Flag.AA;
    if (truncated) reply.flags |= Flag.TC;
    if (answer.length === 0) reply.authorities.push(this.answerer.soa(zone, zoneOut));
    else {
      reply.answers = answer as ResourceRecord[];
      // Our OPT record, when the query had EDNS, stays last.
      if (extra.length > 0) reply.additionals = [...extra, ...reply.additionals];
    }
    w.write(reply);
    return rcode;
  }

  // Transferer: the forward zones, made from the copy at the moment of the request.

  transfer(zone: string): Iterable<readonly ResourceRecord[]> | undefined {
    if (!this.zones.includes(zone) || isReverse(zone) || !this.sync.synced) return undefined;
    return transferZone(this.view, this.answerer, zone);
  }

  transferZones(): Iterable<string> {
    return this.zones.filter((z) => !isReverse(z));
  }

  // MetadataProvider (CoreDNS's Metadata): what the query names and, with pods verified, who asks.

  metadata(req: Request): void {
    const pods =
      this.view.lookup.settings.podMode === 'verified' ? this.view.store.podsByIP(req.ip) : undefined;
    const pod = pods?.[0];
    if (pod !== undefined) {
      req.setMetadata('kubernetes/client-namespace', () => pod.namespace);
      req.setMetadata('kubernetes/client-pod-name', () => pod.name);
      if (pod.labels !== undefined) {
        for (const [k, v] of Object.entries(pod.labels))
          req.setMetadata(`kubernetes/client-label/${k}`, () => v);
      }
    }
    const zone = matchZone(this.zones, req.name);
    if (zone === undefined) return;
    const multicluster = this.view.isMulticluster(zone);
    const r = parseRequest(req.name, zone, multicluster);
    if (r === INVALID) {
      req.setMetadata('kubernetes/parse-error', () => 'invalid query name');
      return;
    }
    req.setMetadata('kubernetes/port-name', () => r.port);
    req.setMetadata('kubernetes/protocol', () => r.protocol);
    req.setMetadata('kubernetes/endpoint', () => r.endpoint);
    if (multicluster) req.setMetadata('kubernetes/cluster', () => r.cluster);
    req.setMetadata('kubernetes/service', () => r.service);
    req.setMetadata('kubernetes/namespace', () => r.namespace);
    req.setMetadata('kubernetes/kind', () => r.kind);
  }

  // AutoPathSource (CoreDNS's AutoPath): the search path of the pod asking.

  autoPath(req: Request): readonly string[] | undefined {
    const zone = matchZone(this.zones, req.name);
    if (zone === undefined || this.view.lookup.settings.podMode !== 'verified') return undefined;
    const pod = this.view.store.podsByIP(req.ip)?.[0];
    if (pod === undefined) return undefined;
    const svc = joinName('svc', zone);
    return [`${pod.namespace}.${svc}`, svc, zone, ...this.settings.resolvSearch, ''];
  }

  // ExternalSource (for k8s_external).

  external(name: string, zone: string, headless: boolean): ExternalLookup {
    return this.#external.lookup(name, zone, headless);
  }

  externalReverse(ip: string, zone: string): readonly string[] {
    return this.#external.reverse(ip, zone);
  }

  externalAddresses(zone: string, headless: boolean): readonly ResourceRecord[] {
    return this.#external.addresses(zone, headless);
  }

  externalServices(zone: string, headless: boolean): readonly ExternalService[] {
    return this.#external.all(zone, headless);
  }

  externalSerial(_zone: string): number {
    return this.#external.serial();
  }
}
