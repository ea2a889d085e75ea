/**
 * The informers of one plugin instance (CoreDNS's dnsControl): a reflector per resource
 * (services, endpoint slices unless `noendpoints`, namespaces, pods with `pods verified`,
 * and ServiceImports plus their slices for `multicluster` zones), each converting what it
 * receives into compact objects in the shared ClusterStore. Synced once every reflector
 * has applied its first list.
 */
import type { Logger } from '@tsdns/core';
import {
  Interner,
  LABEL_MCS_SERVICE_NAME,
  ObjectShapeError,
  ServiceKind,
  objectKey,
  serviceImportToService,
  toEndpoints,
  toNamespace,
  toPod,
  toService,
  type ApiObject,
} from './objects.js';
import {
  Reflector,
  type ReflectorOptions,
  type ReflectorTarget,
  type ResourceClient,
  type Watcher,
} from './reflector.js';
import type { LabelSelector } from './selector.js';
import type { ClusterStore, ServiceIndex } from './store.js';
import { TRIGGER_TIME_ANNOTATION, observeProgramming } from './metrics.js';

/** What the API client offers the controller (KubeClient, or a test double). */
export interface ApiClient {
  readonly watcher: Watcher;
  readonly services: ResourceClient;
  readonly endpointSlices: ResourceClient;
  readonly namespaces: ResourceClient;
  readonly pods: ResourceClient;
  readonly serviceImports: ResourceClient;
}

export interface ControllerOptions {
  /** `labels`: what services, slices and pods are watched. */
  readonly labels: LabelSelector | undefined;
  /** `namespace_labels`: what namespaces are watched (and so exposed). */
  readonly namespaceLabels: LabelSelector | undefined;
  /** `namespaces`: objects of other namespaces are not kept at all. */
  readonly namespaces: ReadonlySet<string> | undefined;
  /** `endpoint_pod_names`: keep the pods' names of endpoints. */
  readonly endpointPodNames: boolean;
  /** Whether endpoint slices are watched (not with `noendpoints`). */
  readonly endpoints: boolean;
  /** Whether pods are watched (`pods verified`). */
  readonly pods: boolean;
  /** Whether ServiceImports and multicluster slices are watched (`multicluster`). */
  readonly multicluster: boolean;
  readonly logger: Logger;
  /** Reflector tuning (back-off, watch timeouts), for tests. */
  readonly reflector?: Partial<Omit<ReflectorOptions, 'logger' | 'labelSelector' | 'fieldSelector'>>;
}

/** Pods that hold no address for DNS are not watched (CoreDNS's field selector). */
const POD_FIELD_SELECTOR = 'status.phase!=Succeeded,status.phase!=Failed,status.phase!=Unknown';

/** Applies a resource's objects to the store, converting each; bad objects are logged and skipped. */
class Target implements ReflectorTarget {
  constructor(
    private readonly kind: string,
    private readonly logger: Logger,
    private readonly keys: () => Iterable<string>,
    private readonly put: (key: string, obj: ApiObject, fromWatch: boolean) => void,
    private readonly del: (key: string, obj: ApiObject | undefined, fromWatch: boolean) => void,
    private readonly keep: (obj: ApiObject) => boolean,
  ) {}

  replace(items: readonly ApiObject[]): void {
    const fresh = new Set<string>();
    for (const item of items) {
      if (!this.keep(item)) continue;
      const key = objectKey(item);
      if (this.#apply(() => this.put(key, item, false))) fresh.add(key);
    }
    for (const key of [...this.keys()]) if (!fresh.has(key)) this.del(key, undefined, false);
  }

  upsert(obj: ApiObject): void {
    const key = objectKey(obj);
    if (!this.keep(obj)) {
      // It may have been kept before (a namespace filter cannot change, but be safe).
      this.del(key, obj, true);
      return;
    }
    if (!this.#apply(() => this.put(key, obj, true))) this.del(key, obj, true);
  }

  remove(obj: ApiObject): void {
    this.del(objectKey(obj), obj, true);
  }

  #apply(fn: () => void): boolean {
    try {
      fn();
      return true;
    } catch (e) {
      if (!(e instanceof ObjectShapeError)) throw e;
      this.logger.warning(`skipping ${this.kind}: ${e.message}`);
      return false;
    }
  }
}

export class KubeController {
  readonly reflectors: Reflector[] = [];
  readonly #intern = new Interner();
  readonly #waiters: (() => void)[] = [];

  constructor(
    readonly store: ClusterStore,
    client: ApiClient,
    private readonly options: ControllerOptions,
  ) {
    const logger = options.logger;
    const base = { ...options.reflector, logger };
    const labels = options.labels?.toString();
    const inNamespaces = (obj: ApiObject): boolean => {
      const only = options.namespaces;
      return only === undefined || only.has(obj.metadata?.namespace ?? '');
    };
    const add = (c: ResourceClient, t: ReflectorTarget, o: Partial<ReflectorOptions> = {}): void => {
      this.reflectors.push(new Reflector(c, client.watcher, t, { ...base, labelSelector: labels, ...o }));
    };

    add(
      client.services,
      this.#serviceTarget(client.services.kind, store.cluster, inNamespaces, (o) =>
        toService(o, this.#intern),
      ),
    );
    if (options.endpoints)
      add(
        client.endpointSlices,
        this.#sliceTarget(client.endpointSlices.kind, store.cluster, inNamespaces, false),
      );
    add(
      client.namespaces,
      new Target(
        client.namespaces.kind,
        logger,
        // Namespaces have no namespace: their keys are "/NAME".
        () => Array.from(store.namespaces(), (n) => `/${n}`),
        (_key, obj) => store.putNamespace(toNamespace(obj)),
        (key) => store.deleteNamespace(key.slice(1)),
        () => true,
      ),
      { labelSelector: options.namespaceLabels?.toString() },
    );
    if (options.pods) {
      add(
        client.pods,
        new Target(
          client.pods.kind,
          logger,
          () => store.podKeys(),
          (key, obj) => {
            const pod = toPod(obj, this.#intern);
            if (pod === undefined) store.deletePod(key);
            else store.putPod(key, pod);
          },
          (key) => store.deletePod(key),
          inNamespaces,
        ),
        { fieldSelector: POD_FIELD_SELECTOR },
      );
    }
    if (options.multicluster) {
      add(
        client.serviceImports,
        this.#serviceTarget(client.serviceImports.kind, store.multicluster, inNamespaces, (o) =>
          serviceImportToService(o, this.#intern),
        ),
      );
      const mcSelector = (options.labels ?? undefined)?.and({
        key: LABEL_MCS_SERVICE_NAME,
        op: 'exists',
        values: [],
      });
      add(
        client.endpointSlices,
        this.#sliceTarget(
          `multicluster ${client.endpointSlices.kind}`,
          store.multicluster,
          inNamespaces,
          true,
        ),
        {
          labelSelector: mcSelector?.toString() ?? LABEL_MCS_SERVICE_NAME,
        },
      );
    }
    for (const r of this.reflectors) r.onSynced(() => this.#checkSynced());
  }

  #serviceTarget(
    kind: string,
    index: ServiceIndex,
    keep: (o: ApiObject) => boolean,
    convert: (o: ApiObject) => ReturnType<typeof toService>,
  ): Target {
    // Services are stored by name.namespace; the reflector's keys are namespace/name.
    const keyOf = (k: string): string => {
      const slash = k.indexOf('/');
      return `${k.slice(slash + 1)}.${k.slice(0, slash)}`;
    };
    return new Target(
      kind,
      this.options.logger,
      () => {
        const out: string[] = [];
        for (const s of index.services()) out.push(`${s.namespace}/${s.name}`);
        return out;
      },
      (_key, obj) => index.putService(convert(obj)),
      (key) => index.deleteService(keyOf(key)),
      keep,
    );
  }

  #sliceTarget(
    kind: string,
    index: ServiceIndex,
    keep: (o: ApiObject) => boolean,
    multicluster: boolean,
  ): Target {
    const record = (obj: ApiObject | undefined, service: string): void => {
      const trigger = obj?.metadata?.annotations?.[TRIGGER_TIME_ANNOTATION];
      if (trigger === undefined) return;
      const svc = index.service(service);
      if (svc === undefined) return;
      observeProgramming(
        svc.kind === ServiceKind.Headless ? 'headless_with_selector' : 'cluster_ip',
        trigger,
      );
    };
    return new Target(
      kind,
      this.options.logger,
      () => index.sliceKeys(),
      (key, obj, fromWatch) => {
        const e = toEndpoints(obj, this.#intern, multicluster, this.options.endpointPodNames);
        index.putEndpoints(key, e);
        if (fromWatch) record(obj, e.service);
      },
      (key, obj, fromWatch) => {
        index.deleteEndpoints(key);
        if (fromWatch && obj !== undefined) {
          const labels = obj.metadata?.labels;
          const name = labels?.[multicluster ? LABEL_MCS_SERVICE_NAME : 'kubernetes.io/service-name'] ?? '';
          record(obj, `${name}.${obj.metadata?.namespace ?? ''}`);
        }
      },
      keep,
    );
  }

  /** Whether every reflector has applied its first list. */
  get synced(): boolean {
    return this.reflectors.every((r) => r.synced);
  }

  start(): void {
    for (const r of this.reflectors) r.start();
  }

  async stop(): Promise<void> {
    await Promise.all(this.reflectors.map((r) => r.stop()));
    for (const w of this.#waiters.splice(0)) w();
  }

  /** Resolves true once synced, or false when `timeoutMs` passes first. */
  waitSynced(timeoutMs: number): Promise<boolean> {
    if (this.synced) return Promise.resolve(true);
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        const i = this.#waiters.indexOf(done);
        if (i >= 0) this.#waiters.splice(i, 1);
        resolve(this.synced);
      }, timeoutMs);
      const done = (): void => {
        clearTimeout(timer);
        resolve(this.synced);
      };
      this.#waiters.push(done);
    });
  }

  #checkSynced(): void {
    if (this.synced) for (const w of this.#waiters.splice(0)) w();
  }
}
