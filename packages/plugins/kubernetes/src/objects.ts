/**
 * The compact objects the plugin keeps instead of the API's (CoreDNS's object package):
 * only what answers need. A Service keeps its name, namespace, kind, cluster IPs, ports
 * and external addresses; an EndpointSlice its service, ports and addresses with
 * hostname, target pod name and readiness; a Pod its name, namespace, IPs and labels.
 *
 * Conversions read the JSON of watch events and the typed objects of lists alike (their
 * field names are the same). Strings that repeat across objects (namespaces, protocols,
 * port lists) are shared, so a cluster of thousands of similar services costs little more
 * than their names and addresses.
 */

/**
 * What kind of records a service gets: ClusterIP (also NodePort and LoadBalancer with a
 * cluster IP) answers with its cluster IPs, Headless with its ready endpoints'
 * addresses, ExternalName with a CNAME to spec.externalName.
 */
export const ServiceKind = { ClusterIP: 0, Headless: 1, ExternalName: 2 } as const;
export type ServiceKind = (typeof ServiceKind)[keyof typeof ServiceKind];

export interface Port {
  /** '' for an unnamed port. */
  readonly name: string;
  /** -1 stands for "no ports" (a service or slice that declares none), as in CoreDNS. */
  readonly port: number;
  /** In lower case, as DNS names use it: 'tcp', 'udp', 'sctp'. */
  readonly protocol: string;
}

export interface Service {
  readonly name: string;
  readonly namespace: string;
  /** `name.namespace`: the index endpoints are filed under. */
  readonly key: string;
  readonly kind: ServiceKind;
  /** The cluster IPs (dual-stack: one per family); empty unless kind is ClusterIP. */
  readonly clusterIPs: readonly string[];
  /** The CNAME target of an ExternalName service ('' otherwise). */
  readonly externalName: string;
  /** Never empty: a service without ports has the one port -1. */
  readonly ports: readonly Port[];
  /** spec.externalIPs then the load balancer's ingress IPs or host names (for k8s_external). */
  readonly externalIPs: readonly string[];
  /** Whether not-ready endpoints are published too (publishNotReadyAddresses, or the old annotation). */
  readonly publishNotReady: boolean;
}

export interface EndpointAddress {
  readonly ip: string;
  /** The endpoint's `hostname` field ('' when unset). */
  readonly hostname: string;
  /** The name of the pod behind it ('' when none, or longer than a DNS label). */
  readonly targetName: string;
  readonly ready: boolean;
}

/** One EndpointSlice (or, in multicluster zones, one slice of an imported service). */
export interface Endpoints {
  readonly name: string;
  readonly namespace: string;
  /** `service.namespace` of the service it belongs to. */
  readonly service: string;
  /** The cluster that exports it (multicluster slices; '' otherwise). */
  readonly clusterId: string;
  readonly ports: readonly Port[];
  readonly addresses: readonly EndpointAddress[];
}

export interface Pod {
  readonly name: string;
  readonly namespace: string;
  /** status.podIPs (status.podIP when the list is absent). */
  readonly ips: readonly string[];
  /** The pod's labels, for the client-label metadata. */
  readonly labels: Readonly<Record<string, string>> | undefined;
}

/** What a conversion needs of an object: metadata with name and namespace. */
interface Meta {
  name?: string;
  namespace?: string;
  labels?: Record<string, string> | null;
  annotations?: Record<string, string> | null;
  deletionTimestamp?: unknown;
  resourceVersion?: string;
}

/** An object as received: its metadata plus whatever else (read defensively). */
export interface ApiObject {
  metadata?: Meta | null;
  [key: string]: unknown;
}

/** An object the conversion cannot use (no name, wrong shape); the reflector logs and skips it. */
export class ObjectShapeError extends Error {
  override readonly name = 'ObjectShapeError';
}

export const NO_PORTS: readonly Port[] = Object.freeze([Object.freeze({ name: '', port: -1, protocol: '' })]);
const NONE: readonly string[] = Object.freeze([]);

const LABEL_SERVICE_NAME = 'kubernetes.io/service-name';
export const LABEL_MCS_SERVICE_NAME = 'multicluster.kubernetes.io/service-name';
const LABEL_MCS_SOURCE_CLUSTER = 'multicluster.kubernetes.io/source-cluster';
const ANNOTATION_TOLERATE_UNREADY = 'service.alpha.kubernetes.io/tolerate-unready-endpoints';
/** Longest DNS label: longer pod names cannot name an endpoint. */
const MAX_LABEL = 63;

/**
 * Shares equal strings and port lists between objects: JSON parsing makes a new string
 * for every occurrence of "default" or "TCP", and every service of a deployment pattern
 * has the same ports. The tables only grow with distinct values (namespaces, port shapes),
 * which a cluster has few of.
 */
export class Interner {
  readonly #strings = new Map<string, string>();
  readonly #ports = new Map<string, readonly Port[]>();

  string(s: string): string {
    const have = this.#strings.get(s);
    if (have !== undefined) return have;
    this.#strings.set(s, s);
    return s;
  }

  ports(list: readonly Port[]): readonly Port[] {
    if (list.length === 0) return NO_PORTS;
    let key = '';
    for (const p of list) key += `${p.name}/${p.port}/${p.protocol};`;
    const have = this.#ports.get(key);
    if (have !== undefined) return have;
    const frozen = Object.freeze(list.map((p) => Object.freeze({ ...p })));
    this.#ports.set(key, frozen);
    return frozen;
  }
}

function meta(obj: ApiObject, kind: string): { name: string; namespace: string; m: Meta } {
  const m = obj.metadata;
  if (m === null || m === undefined || typeof m.name !== 'string' || m.name === '')
    throw new ObjectShapeError(`${kind} without metadata.name`);
  return { name: m.name, namespace: typeof m.namespace === 'string' ? m.namespace : '', m };
}

function record(v: unknown): Record<string, unknown> {
  return v !== null && typeof v === 'object' ? (v as Record<string, unknown>) : {};
}

function strings(v: unknown): string[] {
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string' && x !== '') : [];
}

function str(v: unknown): string {
  return typeof v === 'string' ? v : '';
}

function readPorts(v: unknown, intern: Interner): readonly Port[] {
  if (!Array.isArray(v) || v.length === 0) return NO_PORTS;
  const out: Port[] = [];
  for (const raw of v) {
    const p = record(raw);
    const port = typeof p.port === 'number' && Number.isInteger(p.port) ? p.port : -1;
    out.push({
      name: intern.string(str(p.name)),
      port,
      protocol: intern.string((str(p.protocol) || 'TCP').toLowerCase()),
    });
  }
  return intern.ports(out);
}

/** The compact form of a v1 Service. */
export function toService(obj: ApiObject, intern: Interner): Service {
  const { name, namespace, m } = meta(obj, 'Service');
  const spec = record(obj.spec);
  const status = record(obj.status);
  const type = str(spec.type);
  let clusterIPs = strings(spec.clusterIPs);
  if (clusterIPs.length === 0 && typeof spec.clusterIP === 'string' && spec.clusterIP !== '')
    clusterIPs = [spec.clusterIP];
  let kind: ServiceKind;
  if (type === 'ExternalName') {
    kind = ServiceKind.ExternalName;
    clusterIPs = [];
  } else if (clusterIPs.length === 0 || clusterIPs[0] === 'None') {
    kind = ServiceKind.Headless;
    clusterIPs = [];
  } else kind = ServiceKind.ClusterIP;

  const external: string[] = strings(spec.externalIPs);
  const ingress = record(status.loadBalancer).ingress;
  if (Array.isArray(ingress)) {
    for (const raw of ingress) {
      const i = record(raw);
      const v = str(i.ip) || str(i.hostname);
      if (v !== '') external.push(v);
    }
  }
  const annotations = m.annotations ?? undefined;
  return {
    name,
    namespace: intern.string(namespace),
    key: `${name}.${namespace}`,
    kind,
    clusterIPs: clusterIPs.length === 0 ? NONE : clusterIPs,
    externalName: kind === ServiceKind.ExternalName ? str(spec.externalName) : '',
    ports: readPorts(spec.ports, intern),
    externalIPs: external.length === 0 ? NONE : external,
    publishNotReady:
      spec.publishNotReadyAddresses === true || annotations?.[ANNOTATION_TOLERATE_UNREADY] === 'true',
  };
}

/**
 * The compact form of a discovery/v1 EndpointSlice. Every address is kept with its
 * readiness (a missing `ready` condition means ready, as the API defines it), so that a
 * service publishing not-ready addresses can answer with them. `multicluster` files it
 * under the multicluster service label and keeps the source cluster. The pods' names are
 * kept only with `podNames` (`endpoint_pod_names`, the only thing that uses them): they are
 * the longest strings of a slice.
 */
export function toEndpoints(
  obj: ApiObject,
  intern: Interner,
  multicluster = false,
  podNames = true,
): Endpoints {
  const { name, namespace, m } = meta(obj, 'EndpointSlice');
  const labels = m.labels ?? undefined;
  const serviceName = labels?.[multicluster ? LABEL_MCS_SERVICE_NAME : LABEL_SERVICE_NAME] ?? '';
  const addresses: EndpointAddress[] = [];
  const endpoints = obj.endpoints;
  if (Array.isArray(endpoints)) {
    for (const raw of endpoints) {
      const e = record(raw);
      const ready = record(e.conditions).ready !== false;
      const hostname = str(e.hostname);
      const targetRef = record(e.targetRef);
      const target = podNames ? str(targetRef.name) : '';
      for (const ip of strings(e.addresses)) {
        addresses.push({
          ip,
          hostname,
          targetName: target.length <= MAX_LABEL ? target : '',
          ready,
        });
      }
    }
  }
  return {
    name,
    namespace: intern.string(namespace),
    service: `${serviceName}.${namespace}`,
    clusterId: multicluster ? intern.string(labels?.[LABEL_MCS_SOURCE_CLUSTER] ?? '') : '',
    ports: readPorts(obj.ports, intern),
    addresses,
  };
}

/**
 * The compact form of a v1 Pod, or undefined for a pod being deleted (CoreDNS drops
 * terminating pods from its store, so their addresses stop answering at once).
 */
export function toPod(obj: ApiObject, intern: Interner): Pod | undefined {
  const { name, namespace, m } = meta(obj, 'Pod');
  if (m.deletionTimestamp !== undefined && m.deletionTimestamp !== null) return undefined;
  const status = record(obj.status);
  let ips: string[] = [];
  if (Array.isArray(status.podIPs)) {
    for (const raw of status.podIPs) {
      const ip = str(record(raw).ip);
      if (ip !== '') ips.push(ip);
    }
  }
  if (ips.length === 0 && str(status.podIP) !== '') ips = [str(status.podIP)];
  const labels = m.labels ?? undefined;
  return {
    name,
    namespace: intern.string(namespace),
    ips: ips.length === 0 ? NONE : ips,
    labels: labels === undefined || Object.keys(labels).length === 0 ? undefined : { ...labels },
  };
}

/** The name of a v1 Namespace (all the plugin needs of it). */
export function toNamespace(obj: ApiObject): string {
  return meta(obj, 'Namespace').name;
}

/**
 * A multicluster ServiceImport (multicluster.x-k8s.io/v1alpha1) as a compact Service:
 * `ClusterSetIP` imports answer with spec.ips, `Headless` ones with their slices.
 */
export function serviceImportToService(obj: ApiObject, intern: Interner): Service {
  const { name, namespace } = meta(obj, 'ServiceImport');
  const spec = record(obj.spec);
  const headless = str(spec.type) === 'Headless';
  const ips = headless ? [] : strings(spec.ips);
  return {
    name,
    namespace: intern.string(namespace),
    key: `${name}.${namespace}`,
    kind: headless || ips.length === 0 ? ServiceKind.Headless : ServiceKind.ClusterIP,
    clusterIPs: ips.length === 0 ? NONE : ips,
    externalName: '',
    ports: readPorts(spec.ports, intern),
    externalIPs: NONE,
    publishNotReady: false,
  };
}

/** The `namespace/name` key objects of one resource are stored under. */
export function objectKey(obj: ApiObject): string {
  const m = obj.metadata;
  return `${m?.namespace ?? ''}/${m?.name ?? ''}`;
}
