/**
 * How the plugin reaches the API server: the list calls and watch paths of the resources it
 * watches, through @kubernetes/client-node's typed APIs and its Watch.
 *
 * The library is imported at the first call, not with this module: the executable imports
 * every plugin, and the library costs about 440 ms and 27 MB of heap at startup.
 */
import type { CoreV1Api, CustomObjectsApi, DiscoveryV1Api, KubeConfig, Watch } from '@kubernetes/client-node';
import type { ApiObject } from './objects.js';
import type { ListPage, ResourceClient, Watcher } from './reflector.js';

/** A typed list's result: items, and metadata with the resource version and continue token. */
interface TypedList {
  items: readonly unknown[];
  metadata?: { resourceVersion?: string; _continue?: string; continue?: string } | null;
}

/** The query of a list call, as the library's typed APIs name it. */
interface ListParams {
  readonly labelSelector: string | undefined;
  readonly fieldSelector: string | undefined;
  readonly limit: number;
  readonly _continue: string | undefined;
}

function page(list: TypedList): ListPage {
  return {
    items: list.items as readonly ApiObject[],
    resourceVersion: list.metadata?.resourceVersion ?? '',
    continueToken: list.metadata?._continue ?? list.metadata?.continue,
  };
}

/** The library's objects bound to one API server. */
interface Apis {
  readonly core: CoreV1Api;
  readonly discovery: DiscoveryV1Api;
  readonly custom: CustomObjectsApi;
  readonly watch: Watch;
}

/** The calls the plugin makes, bound to one API server. */
export class KubeClient {
  readonly watcher: Watcher;
  /** The API server's host:port, for the rest-client metrics' `host` label. */
  readonly host: string;
  #apis: Promise<Apis> | undefined;

  constructor(readonly config: KubeConfig) {
    const server = config.getCurrentCluster()?.server;
    // makeApiClient would refuse a config without a cluster, but only at the first call.
    if (server === undefined) throw new Error('No active cluster!');
    this.host = URL.canParse(server) ? new URL(server).host : server;
    this.watcher = {
      watch: async (path, query, onEvent, onDone) =>
        (await this.#load()).watch.watch(path, query, onEvent, onDone),
    };
  }

  #load(): Promise<Apis> {
    this.#apis ??= import('@kubernetes/client-node').then((k) => ({
      core: this.config.makeApiClient(k.CoreV1Api),
      discovery: this.config.makeApiClient(k.DiscoveryV1Api),
      custom: this.config.makeApiClient(k.CustomObjectsApi),
      watch: new k.Watch(this.config),
    }));
    return this.#apis;
  }

  #list(call: (apis: Apis, params: ListParams) => Promise<TypedList>): ResourceClient['list'] {
    return async (o) =>
      page(
        await call(await this.#load(), {
          labelSelector: o.labelSelector,
          fieldSelector: o.fieldSelector,
          limit: o.limit,
          _continue: o.continueToken,
        }),
      );
  }

  readonly services: ResourceClient = {
    kind: '*v1.Service',
    watchPath: '/api/v1/services',
    list: this.#list((a, p) => a.core.listServiceForAllNamespaces(p)),
  };

  readonly endpointSlices: ResourceClient = {
    kind: '*v1.EndpointSlice',
    watchPath: '/apis/discovery.k8s.io/v1/endpointslices',
    list: this.#list((a, p) => a.discovery.listEndpointSliceForAllNamespaces(p)),
  };

  readonly namespaces: ResourceClient = {
    kind: '*v1.Namespace',
    watchPath: '/api/v1/namespaces',
    list: this.#list((a, p) => a.core.listNamespace(p)),
  };

  readonly pods: ResourceClient = {
    kind: '*v1.Pod',
    watchPath: '/api/v1/pods',
    list: this.#list((a, p) => a.core.listPodForAllNamespaces(p)),
  };

  readonly serviceImports: ResourceClient = {
    kind: '*v1alpha1.ServiceImport',
    watchPath: '/apis/multicluster.x-k8s.io/v1alpha1/serviceimports',
    list: this.#list(
      (a, p) =>
        a.custom.listClusterCustomObject({
          group: 'multicluster.x-k8s.io',
          version: 'v1alpha1',
          plural: 'serviceimports',
          ...p,
        }) as Promise<TypedList>,
    ),
  };
}
