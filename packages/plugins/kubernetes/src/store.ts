/**
 * The plugin's local copy of the cluster (CoreDNS's informer stores and their indexes),
 * holding only compact objects: services by `name.namespace` and by cluster and external
 * IP, endpoint slices by service and by address, pods by IP, the exposed namespaces, and
 * the same for multicluster imports. Queries read it synchronously; the reflectors write
 * it as watch events arrive.
 *
 * It also keeps the zone's serials (CoreDNS's Modified): the Unix time of the last change
 * that alters answers, for the SOA of the cluster zone, of external zones and of
 * multicluster zones.
 */
import {
  ServiceKind,
  type EndpointAddress,
  type Endpoints,
  type Pod,
  type Port,
  type Service,
} from './objects.js';

/**
 * An index from a key to one or more values (an address to the objects holding it). Most
 * keys have one value, which is stored as itself: a one-element array for each of a
 * cluster's hundreds of thousands of addresses would cost more than the objects it points to.
 */
class MultiIndex<V extends object> {
  readonly #map = new Map<string, V | V[]>();

  get(key: string): readonly V[] | undefined {
    const v = this.#map.get(key);
    return v === undefined ? undefined : Array.isArray(v) ? v : [v];
  }

  add(key: string, value: V): void {
    const v = this.#map.get(key);
    if (v === undefined) this.#map.set(key, value);
    else if (!Array.isArray(v)) {
      if (v !== value) this.#map.set(key, [v, value]);
    } else if (!v.includes(value)) v.push(value);
  }

  remove(key: string, value: V): void {
    const v = this.#map.get(key);
    if (v === undefined) return;
    if (!Array.isArray(v)) {
      if (v === value) this.#map.delete(key);
      return;
    }
    const i = v.indexOf(value);
    if (i < 0) return;
    v.splice(i, 1);
    if (v.length === 1) this.#map.set(key, v[0]);
  }
}

function samePorts(a: readonly Port[], b: readonly Port[]): boolean {
  if (a === b) return true;
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) {
    if (a[i].name !== b[i].name || a[i].port !== b[i].port || a[i].protocol !== b[i].protocol) return false;
  }
  return true;
}

function sameStrings(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Whether two versions of a service answer the same inside the cluster zone. */
function sameInternal(a: Service, b: Service): boolean {
  return (
    a.kind === b.kind &&
    a.externalName === b.externalName &&
    a.publishNotReady === b.publishNotReady &&
    sameStrings(a.clusterIPs, b.clusterIPs) &&
    samePorts(a.ports, b.ports)
  );
}

function sameAddresses(a: readonly EndpointAddress[], b: readonly EndpointAddress[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) {
    const x = a[i];
    const y = b[i];
    if (x.ip !== y.ip || x.hostname !== y.hostname || x.targetName !== y.targetName || x.ready !== y.ready)
      return false;
  }
  return true;
}

function sameEndpoints(a: Endpoints, b: Endpoints): boolean {
  return (
    a.service === b.service &&
    a.clusterId === b.clusterId &&
    samePorts(a.ports, b.ports) &&
    sameAddresses(a.addresses, b.addresses)
  );
}

/** Seconds since the epoch, as CoreDNS's serials are. */
function unixNow(): number {
  return Math.floor(Date.now() / 1000);
}

/** Services with their endpoint slices: the cluster's own, or the multicluster imports. */
export class ServiceIndex {
  readonly #services = new Map<string, Service>();
  readonly #byClusterIP = new MultiIndex<Service>();
  readonly #byExternalIP = new MultiIndex<Service>();
  /** Slices by `namespace/name`, so updates and deletes find the version they replace. */
  readonly #slices = new Map<string, Endpoints>();
  /** Arrays even for one slice: headless answers iterate them on every query. */
  readonly #slicesByService = new Map<string, Endpoints[]>();
  readonly #slicesByIP = new MultiIndex<Endpoints>();

  constructor(
    /** Called with whether the change alters internal and external answers. */
    private readonly changed: (internal: boolean, external: boolean) => void,
  ) {}

  get serviceCount(): number {
    return this.#services.size;
  }

  get sliceCount(): number {
    return this.#slices.size;
  }

  service(key: string): Service | undefined {
    return this.#services.get(key);
  }

  /** Every service (for wildcard queries and transfers). */
  services(): IterableIterator<Service> {
    return this.#services.values();
  }

  servicesByClusterIP(ip: string): readonly Service[] | undefined {
    return this.#byClusterIP.get(ip);
  }

  servicesByExternalIP(ip: string): readonly Service[] | undefined {
    return this.#byExternalIP.get(ip);
  }

  /** The slices of the service `name.namespace`. */
  endpoints(serviceKey: string): readonly Endpoints[] | undefined {
    return this.#slicesByService.get(serviceKey);
  }

  /** The slices with an address `ip`. */
  endpointsByIP(ip: string): readonly Endpoints[] | undefined {
    return this.#slicesByIP.get(ip);
  }

  putService(s: Service): void {
    const old = this.#services.get(s.key);
    if (old !== undefined) this.#unindexService(old);
    this.#services.set(s.key, s);
    for (const ip of s.clusterIPs) this.#byClusterIP.add(ip, s);
    for (const ip of s.externalIPs) this.#byExternalIP.add(ip, s);
    if (old === undefined) this.changed(true, s.externalIPs.length > 0);
    else {
      const ext = !sameStrings(old.externalIPs, s.externalIPs) || !samePorts(old.ports, s.ports);
      this.changed(!sameInternal(old, s), ext);
    }
  }

  deleteService(key: string): void {
    const old = this.#services.get(key);
    if (old === undefined) return;
    this.#unindexService(old);
    this.#services.delete(key);
    this.changed(true, old.externalIPs.length > 0);
  }

  putEndpoints(sliceKey: string, e: Endpoints): void {
    const old = this.#slices.get(sliceKey);
    if (old !== undefined) this.#unindexEndpoints(old);
    this.#slices.set(sliceKey, e);
    {
      const list = this.#slicesByService.get(e.service);
      if (list === undefined) this.#slicesByService.set(e.service, [e]);
      else list.push(e);
    }
    for (const a of e.addresses) this.#slicesByIP.add(a.ip, e);
    if (old === undefined || !sameEndpoints(old, e)) this.changed(true, this.#hasExternal(e.service));
  }

  deleteEndpoints(sliceKey: string): void {
    const old = this.#slices.get(sliceKey);
    if (old === undefined) return;
    this.#unindexEndpoints(old);
    this.#slices.delete(sliceKey);
    this.changed(true, this.#hasExternal(old.service));
  }

  /** The slice keys held (for a relist to find what disappeared). */
  sliceKeys(): IterableIterator<string> {
    return this.#slices.keys();
  }

  serviceKeys(): IterableIterator<string> {
    return this.#services.keys();
  }

  #hasExternal(serviceKey: string): boolean {
    const s = this.#services.get(serviceKey);
    return s !== undefined && (s.externalIPs.length > 0 || s.kind === ServiceKind.Headless);
  }

  #unindexService(s: Service): void {
    for (const ip of s.clusterIPs) this.#byClusterIP.remove(ip, s);
    for (const ip of s.externalIPs) this.#byExternalIP.remove(ip, s);
  }

  #unindexEndpoints(e: Endpoints): void {
    const list = this.#slicesByService.get(e.service);
    if (list !== undefined) {
      const i = list.indexOf(e);
      if (i >= 0) list.splice(i, 1);
      if (list.length === 0) this.#slicesByService.delete(e.service);
    }
    for (const a of e.addresses) this.#slicesByIP.remove(a.ip, e);
  }
}

/** The serials kept: the cluster zone's, external zones' (k8s_external) and multicluster zones'. */
export const Serial = { Internal: 0, External: 1, MultiCluster: 2 } as const;
export type Serial = (typeof Serial)[keyof typeof Serial];

export class ClusterStore {
  readonly cluster: ServiceIndex;
  readonly multicluster: ServiceIndex;
  readonly #pods = new Map<string, Pod>();
  readonly #podsByIP = new MultiIndex<Pod>();
  readonly #namespaces = new Set<string>();
  readonly #serials = [0, 0, 0];

  constructor(
    /** The clock of serials (injectable for tests). */
    private readonly now: () => number = unixNow,
  ) {
    this.cluster = new ServiceIndex((internal, external) => {
      if (internal) this.#touch(Serial.Internal);
      if (external) this.#touch(Serial.External);
    });
    this.multicluster = new ServiceIndex((internal) => {
      if (internal) this.#touch(Serial.MultiCluster);
    });
  }

  serial(which: Serial): number {
    return this.#serials[which];
  }

  #touch(which: Serial): void {
    this.#serials[which] = this.now();
  }

  /** Whether the namespace exists (and matches `namespace_labels`, which filters the watch). */
  hasNamespace(name: string): boolean {
    return this.#namespaces.has(name);
  }

  namespaceCount(): number {
    return this.#namespaces.size;
  }

  namespaces(): IterableIterator<string> {
    return this.#namespaces.values();
  }

  putNamespace(name: string): void {
    this.#namespaces.add(name);
  }

  deleteNamespace(name: string): void {
    this.#namespaces.delete(name);
  }

  get podCount(): number {
    return this.#pods.size;
  }

  /** The pods with address `ip`. */
  podsByIP(ip: string): readonly Pod[] | undefined {
    return this.#podsByIP.get(ip);
  }

  podKeys(): IterableIterator<string> {
    return this.#pods.keys();
  }

  putPod(key: string, p: Pod): void {
    const old = this.#pods.get(key);
    if (old !== undefined) for (const ip of old.ips) this.#podsByIP.remove(ip, old);
    this.#pods.set(key, p);
    for (const ip of p.ips) this.#podsByIP.add(ip, p);
    if (old === undefined || !sameStrings(old.ips, p.ips)) this.#touch(Serial.Internal);
  }

  deletePod(key: string): void {
    const old = this.#pods.get(key);
    if (old === undefined) return;
    for (const ip of old.ips) this.#podsByIP.remove(ip, old);
    this.#pods.delete(key);
    this.#touch(Serial.Internal);
  }
}
