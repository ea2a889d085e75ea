import { readFileSync } from 'node:fs';
import { networkInterfaces } from 'node:os';
import { isIP } from 'node:net';
import { definePlugin, nameKey, pluginLogger, type PluginDefinition } from '@tsdns/core';
import { KubeClient } from './client.js';
import { CredentialsError, SERVICE_ACCOUNT_DIR, kubeConfigFor } from './credentials.js';
import { KubeController, type ApiClient } from './controller.js';
import { Kubernetes } from './kubernetes.js';
import { Lookup } from './lookup.js';
import { requestObserver } from './metrics.js';
import type { ReflectorOptions } from './reflector.js';
import { parseKubernetes, type KubernetesConfig } from './setup.js';
import { ClusterStore } from './store.js';
import { KubeView } from './view.js';

export { Kubernetes, type HandlerSettings, type SyncState } from './kubernetes.js';
export { KubeController, type ApiClient, type ControllerOptions } from './controller.js';
export { KubeClient } from './client.js';
export {
  CredentialsError,
  SERVICE_ACCOUNT_DIR,
  kubeConfigFor,
  type Credentials,
  type InClusterSource,
} from './credentials.js';
export {
  Reflector,
  type ReflectorOptions,
  type ResourceClient,
  type Watcher,
  type ListPage,
} from './reflector.js';
export {
  parseKubernetes,
  DEFAULT_STARTUP_TIMEOUT_MS,
  type KubernetesConfig,
  type ParsedKubernetes,
} from './setup.js';
export { parseLabelSelector, LabelSelector, SelectorError } from './selector.js';
export { ClusterStore, ServiceIndex, Serial } from './store.js';
export { Lookup, Entry, NAME_ERROR, endpointLabel, type PodMode } from './lookup.js';
export { parseRequest, INVALID, type RecordRequest } from './parse.js';
export { Answerer, reverseAddress } from './answer.js';
export { KubeView, DEFAULT_TTL, DNS_SCHEMA_VERSION } from './view.js';
export {
  ServiceKind,
  toService,
  toEndpoints,
  toPod,
  Interner,
  type Service,
  type Endpoints,
  type Pod,
} from './objects.js';

const logger = pluginLogger('kubernetes');

/** What the plugin reads from its surroundings; tests point it elsewhere. */
export interface KubernetesRuntime {
  /** Where KUBERNETES_SERVICE_HOST/PORT come from; default process.env. */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** The service account directory for in-cluster credentials. */
  readonly serviceAccountDir?: string;
  /** The resolv.conf whose search domains end a pod's search path (autopath); default /etc/resolv.conf. */
  readonly resolvConf?: string;
  /** This server's addresses for NS records; default the listen addresses, else the interfaces'. */
  readonly localAddresses?: (listenHosts: readonly string[]) => readonly string[];
  /** Reflector tuning (back-off, watch timeouts). */
  readonly reflector?: Partial<Omit<ReflectorOptions, 'logger' | 'labelSelector' | 'fieldSelector'>>;
  /** The API client; default one made from the Corefile's credentials. */
  readonly client?: (config: KubernetesConfig) => ApiClient & { readonly host?: string };
}

/** The search domains of a resolv.conf (its last `search` or `domain` line), absolute and lowercased. */
export function resolvSearch(text: string): string[] {
  let search: string[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.replace(/[#;].*/, '').trim();
    const [key, ...values] = line.split(/\s+/);
    if (key === 'search' || key === 'domain')
      search = values.filter((v) => v !== '').map((v) => nameKey(v.endsWith('.') ? v : `${v}.`));
  }
  return search;
}

function readSearch(path: string): string[] {
  try {
    return resolvSearch(readFileSync(path, 'utf8'));
  } catch {
    return [];
  }
}

/** CoreDNS's boundIPs: the listen addresses, else every interface's; loopback left out. */
function defaultLocalAddresses(listenHosts: readonly string[]): string[] {
  let hosts = listenHosts.filter((h) => h !== '');
  if (hosts.length === 0) {
    hosts = [];
    for (const list of Object.values(networkInterfaces())) for (const a of list ?? []) hosts.push(a.address);
  }
  return hosts.filter(
    (h) => isIP(h) !== 0 && !h.startsWith('127.') && h !== '::1' && !h.startsWith('::ffff:127.'),
  );
}

/** The kubernetes plugin with its surroundings injected (the default export uses the real ones). */
export function kubernetesPlugin(runtime: KubernetesRuntime = {}): PluginDefinition {
  return definePlugin({
    name: 'kubernetes',
    once: true,
    async setup(c) {
      const { config, warnings } = await parseKubernetes(c);
      // Setup runs once per key of the block, with the same tokens: the keys share one copy,
      // a promise because making the client may first import the client library.
      let created = false;
      const shared = await c.shared(`kubernetes/block${c.serverBlockIndex}`, async () => {
        created = true;
        let client: ApiClient & { readonly host?: string };
        if (runtime.client !== undefined) client = runtime.client(config);
        else {
          try {
            client = new KubeClient(
              await kubeConfigFor(config.credentials, {
                env: runtime.env ?? process.env,
                serviceAccountDir: runtime.serviceAccountDir ?? SERVICE_ACCOUNT_DIR,
              }),
            );
          } catch (e) {
            if (e instanceof CredentialsError) throw c.err(e.message);
            throw e;
          }
        }
        const store = new ClusterStore();
        const controller = new KubeController(store, client, {
          labels: config.labels,
          namespaceLabels: config.namespaceLabels,
          namespaces: config.namespaces,
          endpoints: config.endpoints,
          endpointPodNames: config.endpointPodNames,
          pods: config.podMode === 'verified',
          multicluster: config.multiclusterZones.length > 0,
          logger,
          reflector: { observer: requestObserver(client.host ?? ''), ...runtime.reflector },
        });
        const lookup = new Lookup(store, {
          namespaces: config.namespaces,
          namespacesFiltered: config.namespaces !== undefined || config.namespaceLabels !== undefined,
          podMode: config.podMode,
          endpointPodNames: config.endpointPodNames,
          ignoreEmptyService: config.ignoreEmptyService,
        });
        const view = new KubeView(
          {
            zones: config.zones,
            primaryZone: config.primaryZone,
            multiclusterZones: config.multiclusterZones,
            ttl: config.ttl,
          },
          lookup,
        );
        return { controller, view, search: readSearch(runtime.resolvConf ?? '/etc/resolv.conf') };
      });
      if (created) {
        for (const w of warnings) logger.warning(w);
        const { controller, view } = shared;
        c.onStartup(async () => {
          view.localIPs = (runtime.localAddresses ?? defaultLocalAddresses)(c.config.listenHosts);
          controller.start();
          // CoreDNS waits up to startup_timeout for the first sync before serving.
          const waiting = setInterval(
            () => logger.info('waiting for Kubernetes API before starting server'),
            500,
          );
          waiting.unref();
          try {
            if (!(await controller.waitSynced(config.startupTimeoutMs)))
              logger.warning('starting server with unsynced Kubernetes API');
          } finally {
            clearInterval(waiting);
          }
        });
        c.onShutdown(() => controller.stop());
      }
      c.addHandler(
        (next) =>
          new Kubernetes(
            shared.view,
            { fallthrough: config.fallthrough, transferTo: config.transferTo, resolvSearch: shared.search },
            shared.controller,
            next,
          ),
      );
    },
  });
}

export default kubernetesPlugin();
