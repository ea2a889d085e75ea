/**
 * The state behind the fake Kubernetes API server: objects per resource, one resource
 * version counter for all of them (as etcd's revision is for a real API server), and a
 * bounded history of changes that watches resume from. A resource version older than the
 * history is "too old": a watch from it gets 410 Gone, as on a real server after
 * compaction.
 */

/** What every stored object has (the rest of it is opaque to the store). */
export interface KubeObject {
  apiVersion?: string;
  kind?: string;
  metadata: {
    name: string;
    namespace?: string;
    resourceVersion?: string;
    uid?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
    creationTimestamp?: string;
    [key: string]: unknown;
  };
  [key: string]: unknown;
}

/** A resource the fake serves: where it lives in the API and what its objects are called. */
export interface KubeResource {
  /** '' for the core group (`/api/v1`), else e.g. 'discovery.k8s.io'. */
  readonly group: string;
  readonly version: string;
  /** The plural in URLs: 'services'. */
  readonly plural: string;
  readonly kind: string;
  readonly namespaced: boolean;
}

/** The resources the fake knows: what the kubernetes plugin and kubectl-like tests use. */
export const KUBE_RESOURCES: readonly KubeResource[] = [
  { group: '', version: 'v1', plural: 'services', kind: 'Service', namespaced: true },
  { group: '', version: 'v1', plural: 'pods', kind: 'Pod', namespaced: true },
  { group: '', version: 'v1', plural: 'endpoints', kind: 'Endpoints', namespaced: true },
  { group: '', version: 'v1', plural: 'namespaces', kind: 'Namespace', namespaced: false },
  { group: '', version: 'v1', plural: 'nodes', kind: 'Node', namespaced: false },
  {
    group: 'discovery.k8s.io',
    version: 'v1',
    plural: 'endpointslices',
    kind: 'EndpointSlice',
    namespaced: true,
  },
  {
    group: 'multicluster.x-k8s.io',
    version: 'v1alpha1',
    plural: 'serviceimports',
    kind: 'ServiceImport',
    namespaced: true,
  },
];

export function apiVersionOf(r: KubeResource): string {
  return r.group === '' ? r.version : `${r.group}/${r.version}`;
}

/** Thrown for a store operation that a real API server would refuse (409, 404, 400). */
export class KubeStoreError extends Error {
  override readonly name = 'KubeStoreError';
  constructor(
    message: string,
    readonly code: 400 | 404 | 409,
    readonly reason: 'BadRequest' | 'NotFound' | 'AlreadyExists',
  ) {
    super(message);
  }
}

export type KubeEventType = 'ADDED' | 'MODIFIED' | 'DELETED';

/** One change, as history keeps it: the object after it and, for MODIFIED, before it. */
export interface KubeChange {
  readonly rv: number;
  readonly resource: KubeResource;
  readonly type: KubeEventType;
  readonly object: KubeObject;
  readonly previous: KubeObject | undefined;
}

export type ChangeListener = (change: KubeChange) => void;

function keyOf(namespace: string | undefined, name: string): string {
  return namespace === undefined || namespace === '' ? name : `${namespace}/${name}`;
}

export class KubeObjectStore {
  readonly #objects = new Map<KubeResource, Map<string, KubeObject>>();
  readonly #history: KubeChange[] = [];
  readonly #listeners = new Set<ChangeListener>();
  #rv = 1;
  /** Watches may resume from this resource version or later; older ones are too old. */
  #oldest = 1;
  #uid = 0;

  constructor(
    /** How many changes history keeps; older resource versions become too old. */
    readonly historyLimit = 100_000,
  ) {
    for (const r of KUBE_RESOURCES) this.#objects.set(r, new Map());
  }

  /** The current resource version (of the last change). */
  get resourceVersion(): number {
    return this.#rv;
  }

  /** The oldest resource version a watch may still start from. */
  get oldestResourceVersion(): number {
    return this.#oldest;
  }

  /** The resource of an object, from its apiVersion and kind. */
  resourceOf(obj: { apiVersion?: string; kind?: string }): KubeResource {
    const r = KUBE_RESOURCES.find((x) => apiVersionOf(x) === obj.apiVersion && x.kind === obj.kind);
    if (r === undefined)
      throw new KubeStoreError(
        `no resource for apiVersion ${obj.apiVersion} kind ${obj.kind}`,
        400,
        'BadRequest',
      );
    return r;
  }

  /** The resource served at `/api/v1/PLURAL` or `/apis/GROUP/VERSION/PLURAL`. */
  resourceAt(group: string, version: string, plural: string): KubeResource | undefined {
    return KUBE_RESOURCES.find((r) => r.group === group && r.version === version && r.plural === plural);
  }

  /** The objects of a resource (optionally of one namespace), sorted by namespace and name. */
  list(resource: KubeResource, namespace?: string): KubeObject[] {
    const out: KubeObject[] = [];
    for (const o of this.#objects.get(resource)!.values()) {
      if (namespace === undefined || o.metadata.namespace === namespace) out.push(o);
    }
    return out.sort((a, b) =>
      keyOf(a.metadata.namespace, a.metadata.name) < keyOf(b.metadata.namespace, b.metadata.name) ? -1 : 1,
    );
  }

  get(resource: KubeResource, namespace: string | undefined, name: string): KubeObject | undefined {
    return this.#objects.get(resource)!.get(keyOf(namespace, name));
  }

  /** Creates an object (409 when it exists). Returns the stored copy. */
  create(obj: KubeObject): KubeObject {
    const r = this.resourceOf(obj);
    this.#checkScope(r, obj);
    const key = keyOf(obj.metadata.namespace, obj.metadata.name);
    if (this.#objects.get(r)!.has(key))
      throw new KubeStoreError(`${r.plural} "${obj.metadata.name}" already exists`, 409, 'AlreadyExists');
    return this.#write(r, key, obj, 'ADDED', undefined);
  }

  /** Replaces an existing object (404 when it does not exist). */
  update(obj: KubeObject): KubeObject {
    const r = this.resourceOf(obj);
    this.#checkScope(r, obj);
    const key = keyOf(obj.metadata.namespace, obj.metadata.name);
    const old = this.#objects.get(r)!.get(key);
    if (old === undefined)
      throw new KubeStoreError(`${r.plural} "${obj.metadata.name}" not found`, 404, 'NotFound');
    return this.#write(r, key, obj, 'MODIFIED', old);
  }

  /** Creates or replaces (kubectl apply). */
  apply(obj: KubeObject): KubeObject {
    const r = this.resourceOf(obj);
    const old = this.#objects.get(r)!.get(keyOf(obj.metadata.namespace, obj.metadata.name));
    return old === undefined ? this.create(obj) : this.update(obj);
  }

  /** Deletes an object (404 when it does not exist); returns the deleted object. */
  delete(resource: KubeResource, namespace: string | undefined, name: string): KubeObject {
    const key = keyOf(namespace, name);
    const objects = this.#objects.get(resource)!;
    const old = objects.get(key);
    if (old === undefined)
      throw new KubeStoreError(`${resource.plural} "${name}" not found`, 404, 'NotFound');
    objects.delete(key);
    const rv = ++this.#rv;
    const gone: KubeObject = { ...old, metadata: { ...old.metadata, resourceVersion: String(rv) } };
    this.#record({ rv, resource, type: 'DELETED', object: gone, previous: old });
    return gone;
  }

  /**
   * The changes to `resource` after resource version `after`, oldest first, or undefined
   * when `after` is older than history reaches (the caller answers 410 Gone).
   */
  changesSince(resource: KubeResource, after: number): KubeChange[] | undefined {
    if (after < this.#oldest - 1) return undefined;
    const out: KubeChange[] = [];
    // History is sorted by rv: find the first newer change by binary search.
    let lo = 0;
    let hi = this.#history.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.#history[mid].rv <= after) lo = mid + 1;
      else hi = mid;
    }
    for (let i = lo; i < this.#history.length; i++) {
      if (this.#history[i].resource === resource) out.push(this.#history[i]);
    }
    return out;
  }

  /** Forgets all history: every resource version before the current one becomes too old. */
  compact(): void {
    this.#history.length = 0;
    this.#oldest = this.#rv + 1;
  }

  /** Calls `fn` for every change from now on; returns the function that stops it. */
  subscribe(fn: ChangeListener): () => void {
    this.#listeners.add(fn);
    return () => this.#listeners.delete(fn);
  }

  #checkScope(r: KubeResource, obj: KubeObject): void {
    if (typeof obj.metadata?.name !== 'string' || obj.metadata.name === '')
      throw new KubeStoreError(`${r.kind} without metadata.name`, 400, 'BadRequest');
    const ns = obj.metadata.namespace;
    if (r.namespaced && (ns === undefined || ns === ''))
      throw new KubeStoreError(`${r.kind} ${obj.metadata.name} needs a namespace`, 400, 'BadRequest');
    if (!r.namespaced && ns !== undefined && ns !== '')
      throw new KubeStoreError(`${r.kind} is not namespaced`, 400, 'BadRequest');
  }

  #write(
    r: KubeResource,
    key: string,
    obj: KubeObject,
    type: KubeEventType,
    old: KubeObject | undefined,
  ): KubeObject {
    const rv = ++this.#rv;
    // A stored copy, so later changes to the caller's object do not leak in.
    const stored = structuredClone(obj);
    stored.apiVersion = apiVersionOf(r);
    stored.kind = r.kind;
    stored.metadata.resourceVersion = String(rv);
    stored.metadata.uid = old?.metadata.uid ?? `uid-${++this.#uid}`;
    stored.metadata.creationTimestamp = old?.metadata.creationTimestamp ?? new Date().toISOString();
    this.#objects.get(r)!.set(key, stored);
    this.#record({ rv, resource: r, type, object: stored, previous: old });
    return stored;
  }

  #record(change: KubeChange): void {
    this.#history.push(change);
    if (this.#history.length > this.historyLimit) {
      const drop = this.#history.length - this.historyLimit;
      this.#oldest = this.#history[drop].rv;
      this.#history.splice(0, drop);
    }
    for (const fn of this.#listeners) fn(change);
  }
}
