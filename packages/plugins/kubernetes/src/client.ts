/**
 * How the plugin reaches the API server: credentials into a @kubernetes/client-node
 * KubeConfig (in-cluster service account, a kubeconfig file and context, or an explicit
 * endpoint with client certificates or a token file), and the list calls and watch paths
 * of the resources it watches.
 */
import { existsSync } from 'node:fs';
import { isIPv6 } from 'node:net';
import { join } from 'node:path';
import {
  CoreV1Api,
  CustomObjectsApi,
  DiscoveryV1Api,
  KubeConfig,
  Watch,
  type Cluster,
  type User,
} from '@kubernetes/client-node';
import type { ApiObject } from './objects.js';
import type { ListOptions, ListPage, ResourceClient, Watcher } from './reflector.js';

/** Where a pod finds its service account's token, CA and namespace. */
export const SERVICE_ACCOUNT_DIR = '/var/run/secrets/kubernetes.io/serviceaccount';

/** The credentials the Corefile chose (CoreDNS's precedence: kubeconfig, then endpoint, then in-cluster). */
export type Credentials =
  | { readonly kind: 'in-cluster' }
  | { readonly kind: 'kubeconfig'; readonly file: string; readonly context: string | undefined }
  | {
      readonly kind: 'endpoint';
      readonly url: string;
      /** Client certificate, key and the CA that signs the server's certificate (`tls`). */
      readonly tls: { readonly cert: string; readonly key: string; readonly ca: string } | undefined;
      /** A file holding a bearer token (`token_file`), re-read as it rotates. */
      readonly tokenFile: string | undefined;
    };

/** Where in-cluster credentials are read from (injectable for tests). */
export interface InClusterSource {
  /** Holds KUBERNETES_SERVICE_HOST and KUBERNETES_SERVICE_PORT. */
  readonly env: Readonly<Record<string, string | undefined>>;
  /** The service account directory (token, ca.crt). */
  readonly serviceAccountDir: string;
}

/** Credentials that cannot be used; setup reports the message with the Corefile line. */
export class CredentialsError extends Error {
  override readonly name = 'CredentialsError';
}

function inCluster(src: InClusterSource): KubeConfig {
  const host = src.env.KUBERNETES_SERVICE_HOST;
  const port = src.env.KUBERNETES_SERVICE_PORT;
  if (host === undefined || host === '' || port === undefined || port === '')
    throw new CredentialsError(
      'unable to load in-cluster configuration, KUBERNETES_SERVICE_HOST and KUBERNETES_SERVICE_PORT must be defined',
    );
  const tokenFile = join(src.serviceAccountDir, 'token');
  if (!existsSync(tokenFile))
    throw new CredentialsError(
      `unable to load in-cluster configuration: no service account token at ${tokenFile}`,
    );
  const caFile = join(src.serviceAccountDir, 'ca.crt');
  const server = `https://${isIPv6(host) ? `[${host}]` : host}:${port}`;
  const cluster: Cluster = {
    name: 'in-cluster',
    server,
    skipTLSVerify: false,
    caFile: existsSync(caFile) ? caFile : undefined,
  };
  const user: User = { name: 'in-cluster', authProvider: { name: 'tokenFile', config: { tokenFile } } };
  const kc = new KubeConfig();
  kc.loadFromClusterAndUser(cluster, user);
  return kc;
}

function fromEndpoint(c: Extract<Credentials, { kind: 'endpoint' }>): KubeConfig {
  let url: URL;
  try {
    url = new URL(c.url);
  } catch {
    throw new CredentialsError(`invalid endpoint URL "${c.url}"`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new CredentialsError(`endpoint URL "${c.url}" must be http:// or https://`);
  for (const f of [c.tls?.cert, c.tls?.key, c.tls?.ca, c.tokenFile]) {
    if (f !== undefined && !existsSync(f)) throw new CredentialsError(`${f}: no such file`);
  }
  const cluster: Cluster = {
    name: 'endpoint',
    server: url.origin + url.pathname.replace(/\/$/, ''),
    // The library refuses plain HTTP unless told not to verify; there is nothing to verify.
    skipTLSVerify: url.protocol === 'http:',
    caFile: c.tls?.ca,
  };
  const user: User = {
    name: 'endpoint',
    certFile: c.tls?.cert,
    keyFile: c.tls?.key,
    authProvider:
      c.tokenFile === undefined ? undefined : { name: 'tokenFile', config: { tokenFile: c.tokenFile } },
  };
  const kc = new KubeConfig();
  kc.loadFromClusterAndUser(cluster, user);
  return kc;
}

/** Loads a kubeconfig and selects its context; throws CredentialsError (setup checks it early). */
export function fromKubeconfig(file: string, context: string | undefined): KubeConfig {
  const kc = new KubeConfig();
  try {
    kc.loadFromFile(file);
  } catch (e) {
    throw new CredentialsError(`kubeconfig ${file}: ${(e as Error).message.split('\n')[0]}`);
  }
  if (context !== undefined) {
    if (kc.getContextObject(context) === null)
      throw new CredentialsError(`kubeconfig ${file}: context "${context}" does not exist`);
    kc.setCurrentContext(context);
  }
  if (kc.getCurrentCluster() === null)
    throw new CredentialsError(`kubeconfig ${file}: no cluster for context "${kc.getCurrentContext()}"`);
  // kubectl talks plain HTTP to an http:// server; the library does only when told not to verify.
  kc.clusters = kc.clusters.map((cl) =>
    cl.server.startsWith('http://') ? { ...cl, skipTLSVerify: true } : cl,
  );
  return kc;
}

/** The KubeConfig for `credentials`; throws CredentialsError when it cannot work. */
export function kubeConfigFor(credentials: Credentials, inClusterSource: InClusterSource): KubeConfig {
  switch (credentials.kind) {
    case 'in-cluster':
      return inCluster(inClusterSource);
    case 'endpoint':
      return fromEndpoint(credentials);
    case 'kubeconfig':
      return fromKubeconfig(credentials.file, credentials.context);
  }
}

/** A typed list's result: items, and metadata with the resource version and continue token. */
interface TypedList {
  items: readonly unknown[];
  metadata?: { resourceVersion?: string; _continue?: string; continue?: string } | null;
}

function page(list: TypedList): ListPage {
  return {
    items: list.items as readonly ApiObject[],
    resourceVersion: list.metadata?.resourceVersion ?? '',
    continueToken: list.metadata?._continue ?? list.metadata?.continue,
  };
}

/** The calls the plugin makes, bound to one API server. */
export class KubeClient {
  readonly watcher: Watcher;
  /** The API server's host:port, for the rest-client metrics' `host` label. */
  readonly host: string;
  readonly #core: CoreV1Api;
  readonly #discovery: DiscoveryV1Api;
  readonly #custom: CustomObjectsApi;

  constructor(readonly config: KubeConfig) {
    this.#core = config.makeApiClient(CoreV1Api);
    this.#discovery = config.makeApiClient(DiscoveryV1Api);
    this.#custom = config.makeApiClient(CustomObjectsApi);
    this.watcher = new Watch(config);
    const server = config.getCurrentCluster()?.server ?? '';
    this.host = URL.canParse(server) ? new URL(server).host : server;
  }

  private params(o: ListOptions) {
    return {
      labelSelector: o.labelSelector,
      fieldSelector: o.fieldSelector,
      limit: o.limit,
      _continue: o.continueToken,
    };
  }

  readonly services: ResourceClient = {
    kind: '*v1.Service',
    watchPath: '/api/v1/services',
    list: async (o) => page(await this.#core.listServiceForAllNamespaces(this.params(o))),
  };

  readonly endpointSlices: ResourceClient = {
    kind: '*v1.EndpointSlice',
    watchPath: '/apis/discovery.k8s.io/v1/endpointslices',
    list: async (o) => page(await this.#discovery.listEndpointSliceForAllNamespaces(this.params(o))),
  };

  readonly namespaces: ResourceClient = {
    kind: '*v1.Namespace',
    watchPath: '/api/v1/namespaces',
    list: async (o) => page(await this.#core.listNamespace(this.params(o))),
  };

  readonly pods: ResourceClient = {
    kind: '*v1.Pod',
    watchPath: '/api/v1/pods',
    list: async (o) => page(await this.#core.listPodForAllNamespaces(this.params(o))),
  };

  readonly serviceImports: ResourceClient = {
    kind: '*v1alpha1.ServiceImport',
    watchPath: '/apis/multicluster.x-k8s.io/v1alpha1/serviceimports',
    list: async (o) =>
      page(
        (await this.#custom.listClusterCustomObject({
          group: 'multicluster.x-k8s.io',
          version: 'v1alpha1',
          plural: 'serviceimports',
          ...this.params(o),
        })) as TypedList,
      ),
  };
}
