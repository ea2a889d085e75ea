/**
 * What a query name refers to in the local copy of the cluster (CoreDNS's Records,
 * findServices and findPods): a list of entries (an address or an ExternalName target,
 * with a port and the name an SRV record would point at), or NAME_ERROR when the name
 * does not exist. An empty list means the name exists without data of any kind (NODATA).
 *
 * Beyond current CoreDNS, the book's wildcard queries work: `*` or `any` in the endpoint,
 * service, namespace, port and protocol labels match every value.
 */
import { isIP } from 'node:net';
import { ServiceKind, type EndpointAddress, type Endpoints, type Service } from './objects.js';
import { isWildcard, matchLabel, matchPort, type RecordRequest } from './parse.js';
import type { ClusterStore, ServiceIndex } from './store.js';

/** The name does not exist (NXDOMAIN, or fallthrough). */
export const NAME_ERROR = Symbol('name error');

export type PodMode = 'disabled' | 'insecure' | 'verified';

/** One thing a name refers to (CoreDNS's msg.Service as the kubernetes plugin fills it). */
export class Entry {
  constructor(
    /** An IP address, or for an ExternalName service the name it points to. */
    readonly host: string,
    /** The port for SRV records; -1 when there is none. */
    readonly port: number,
    /** The labels left of the zone of the name an SRV record points at (`svc.ns.svc`, `ep.svc.ns.svc`). */
    readonly target: string,
  ) {}
}

export interface LookupSettings {
  /** The `namespaces` option: only these are exposed (undefined: all). */
  readonly namespaces: ReadonlySet<string> | undefined;
  /** Whether `namespaces` or `namespace_labels` restrict what is exposed. */
  readonly namespacesFiltered: boolean;
  readonly podMode: PodMode;
  /** `endpoint_pod_names`: name endpoints without a hostname after their pod. */
  readonly endpointPodNames: boolean;
  /** `ignore empty_service`: ClusterIP services without ready endpoints do not exist. */
  readonly ignoreEmptyService: boolean;
}

/** Whether an address answers: ready, or its service publishes not-ready addresses. */
export function published(addr: EndpointAddress, service: Service | undefined): boolean {
  return addr.ready || (service !== undefined && service.publishNotReady);
}

/**
 * The label an endpoint is known by (CoreDNS's endpointHostname): its hostname, else with
 * `endpoint_pod_names` its pod's name, else its address with dashes (`10-0-0-1`,
 * `2001-db8--1`; a trailing dash gets a 0 so the label does not end in one).
 */
export function endpointLabel(addr: EndpointAddress, endpointPodNames: boolean): string {
  if (addr.hostname !== '') return addr.hostname;
  if (endpointPodNames && addr.targetName !== '') return addr.targetName;
  if (addr.ip.includes('.')) return addr.ip.replaceAll('.', '-');
  const dashed = addr.ip.replaceAll(':', '-');
  return dashed.endsWith('-') ? `${dashed}0` : dashed;
}

/** The address a pod label stands for (`1-2-3-4`, `2001-db8--1`), not yet checked. */
export function podLabelAddress(label: string): string {
  let dashes = 0;
  for (let i = 0; i < label.length; i++) if (label.charCodeAt(i) === 45) dashes++;
  return dashes === 3 && !label.includes('--') ? label.replaceAll('-', '.') : label.replaceAll('-', ':');
}

export class Lookup {
  constructor(
    readonly store: ClusterStore,
    readonly settings: LookupSettings,
  ) {}

  /**
   * Whether records of namespace `ns` are served: it is listed in `namespaces` (when
   * given) and exists (among those `namespace_labels` selects, when given).
   */
  namespaceExposed(ns: string): boolean {
    const only = this.settings.namespaces;
    if (only !== undefined && !only.has(ns)) return false;
    return this.store.hasNamespace(ns);
  }

  /** For reverse answers, which CoreDNS filters only when namespaces are restricted. */
  reverseExposed(ns: string): boolean {
    return !this.settings.namespacesFiltered || this.namespaceExposed(ns);
  }

  /** The entries of a parsed name (CoreDNS's Records after parsing). */
  records(r: RecordRequest, multicluster: boolean): Entry[] | typeof NAME_ERROR {
    if (r.kind === '') return [];
    if (!isWildcard(r.namespace) && !this.namespaceExposed(r.namespace)) return NAME_ERROR;
    if (r.kind === 'pod') return this.#pods(r);
    return this.#services(r, multicluster ? this.store.multicluster : this.store.cluster, multicluster);
  }

  #pods(r: RecordRequest): Entry[] | typeof NAME_ERROR {
    const mode = this.settings.podMode;
    if (mode === 'disabled') return NAME_ERROR;
    const podLabel = r.service;
    // `pod.zone` has no names with more labels than POD.NAMESPACE.pod.
    if (r.endpoint !== '' || r.port !== '' || r.protocol !== '' || r.cluster !== '') return NAME_ERROR;
    if (podLabel === '') return [];
    const ip = podLabelAddress(podLabel);
    const target = `${podLabel}.${r.namespace}.pod`;
    if (mode === 'insecure') return isIP(ip) === 0 ? NAME_ERROR : [new Entry(ip, -1, target)];
    const wildNs = isWildcard(r.namespace);
    // A wildcard pod in an existing namespace exists without data, as in the book's CoreDNS.
    let found = isWildcard(podLabel) && !wildNs;
    const out: Entry[] = [];
    for (const p of this.store.podsByIP(ip) ?? []) {
      if (wildNs ? !this.namespaceExposed(p.namespace) : p.namespace !== r.namespace) continue;
      out.push(new Entry(ip, -1, target));
      found = true;
      break;
    }
    return found ? out : NAME_ERROR;
  }

  #services(r: RecordRequest, index: ServiceIndex, multicluster: boolean): Entry[] | typeof NAME_ERROR {
    if (r.service === '') return [];
    const wildNs = isWildcard(r.namespace);
    const wildSvc = isWildcard(r.service);
    // A wildcard service in an existing namespace exists even when nothing matches.
    let found = wildSvc && !wildNs;
    const out: Entry[] = [];
    if (wildNs || wildSvc) {
      for (const svc of index.services()) {
        if (!matchLabel(r.namespace, svc.namespace) || !matchLabel(r.service, svc.name)) continue;
        if (wildNs && !this.namespaceExposed(svc.namespace)) continue;
        if (this.#service(r, svc, index, multicluster, out)) found = true;
      }
    } else {
      const svc = index.service(`${r.service}.${r.namespace}`);
      if (svc !== undefined && this.#service(r, svc, index, multicluster, out)) found = true;
    }
    return found ? out : NAME_ERROR;
  }

  /** Adds the entries of one service; returns whether the name exists for it. */
  #service(
    r: RecordRequest,
    svc: Service,
    index: ServiceIndex,
    multicluster: boolean,
    out: Entry[],
  ): boolean {
    if (
      this.settings.ignoreEmptyService &&
      svc.kind === ServiceKind.ClusterIP &&
      !this.#hasAddresses(svc, index)
    )
      return false;
    const base = `${svc.name}.${svc.namespace}.svc`;
    if (svc.kind === ServiceKind.ExternalName) {
      // No endpoints or ports below an ExternalName service; an IP there is not a CNAME.
      if (r.endpoint !== '' || r.port !== '' || r.protocol !== '' || isIP(svc.externalName) !== 0)
        return false;
      if (svc.externalName === '') return false;
      out.push(new Entry(svc.externalName, -1, base));
      return true;
    }
    if (svc.kind === ServiceKind.Headless || r.endpoint !== '') {
      let found = false;
      for (const e of index.endpoints(svc.key) ?? []) {
        if (multicluster && r.endpoint !== '' && !matchLabel(r.cluster, e.clusterId)) continue;
        if (this.#endpoints(r, svc, e, base, multicluster, out)) found = true;
      }
      return found;
    }
    let found = false;
    for (const p of svc.ports) {
      if (!matchPort(r, p.name, p.protocol)) continue;
      found = true;
      for (const ip of svc.clusterIPs) out.push(new Entry(ip, p.port, base));
    }
    return found;
  }

  #endpoints(
    r: RecordRequest,
    svc: Service,
    e: Endpoints,
    base: string,
    multicluster: boolean,
    out: Entry[],
  ): boolean {
    let found = false;
    const pod = this.settings.endpointPodNames;
    for (const addr of e.addresses) {
      if (!published(addr, svc)) continue;
      const label = endpointLabel(addr, pod);
      if (r.endpoint !== '' && !matchLabel(r.endpoint, label)) continue;
      const target = multicluster ? `${label}.${e.clusterId}.${base}` : `${label}.${base}`;
      for (const p of e.ports) {
        if (!matchPort(r, p.name, p.protocol)) continue;
        out.push(new Entry(addr.ip, p.port, target));
        found = true;
      }
    }
    return found;
  }

  #hasAddresses(svc: Service, index: ServiceIndex): boolean {
    for (const e of index.endpoints(svc.key) ?? []) {
      for (const a of e.addresses) if (published(a, svc)) return true;
    }
    return false;
  }

  /**
   * The names an address has (CoreDNS's serviceRecordForIP), relative to the primary
   * zone: the service whose cluster IP it is, else every endpoint with it.
   */
  reverse(ip: string): string[] {
    const index = this.store.cluster;
    for (const svc of index.servicesByClusterIP(ip) ?? []) {
      if (this.reverseExposed(svc.namespace)) return [`${svc.name}.${svc.namespace}.svc`];
    }
    const out: string[] = [];
    for (const e of index.endpointsByIP(ip) ?? []) {
      if (!this.reverseExposed(e.namespace)) continue;
      const svc = index.service(e.service);
      for (const addr of e.addresses) {
        if (addr.ip !== ip || !published(addr, svc)) continue;
        out.push(`${endpointLabel(addr, this.settings.endpointPodNames)}.${e.service}.svc`);
      }
    }
    return out;
  }
}
