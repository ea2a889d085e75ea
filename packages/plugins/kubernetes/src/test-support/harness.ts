/** Shared pieces of the integration tests: records as text, a started cluster server. */
import {
  getRcode,
  rcodeToString,
  rdataToText,
  type Message,
  type PluginDefinition,
  type ResourceRecord,
} from '@tsdns/core';
import { FakeKubeApi, startTestServer, type FakeKubeApiOptions, type TestServer } from '@tsdns/testing';
import { kubernetesPlugin, type KubernetesRuntime } from '../index.js';

/** `name TTL TYPE rdata`, lowercased owner, for comparing answers. */
export function rr(r: ResourceRecord): string {
  const ttl = r.type === 'OPT' ? 0 : r.ttl;
  return `${r.name.toLowerCase()} ${ttl} ${r.type} ${rdataToText(r)}`;
}

export interface Answer {
  rcode: string;
  answer: string[];
  authority: string[];
  additional: string[];
  aa: boolean;
  msg: Message;
}

export function view(m: Message): Answer {
  return {
    rcode: rcodeToString(getRcode(m)),
    answer: m.answers.map(rr),
    authority: m.authorities.map(rr),
    additional: m.additionals.filter((r) => r.type !== 'OPT').map(rr),
    aa: (m.flags & 0x0400) !== 0,
    msg: m,
  };
}

/** Fast reflector settings for tests: short back-off. */
export const FAST: KubernetesRuntime['reflector'] = { backoffInitialMs: 20, backoffMaxMs: 200 };

export interface ClusterServer {
  api: FakeKubeApi;
  server: TestServer;
  q(name: string, type: string): Promise<Answer>;
  stop(): Promise<void>;
}

/**
 * Starts a fake API server (filled by `load`) and a DNS server whose Corefile `corefile`
 * gets the server port and the API URL.
 */
export async function startCluster(options: {
  load?: (api: FakeKubeApi) => void;
  corefile: (port: number, url: string, ports: readonly number[]) => string;
  portCount?: number;
  runtime?: KubernetesRuntime;
  plugins?: (k: PluginDefinition) => PluginDefinition[];
  api?: FakeKubeApiOptions;
}): Promise<ClusterServer> {
  const api = await FakeKubeApi.start(options.api);
  options.load?.(api);
  const k = kubernetesPlugin({ localAddresses: () => [], reflector: FAST, ...options.runtime });
  let server: TestServer;
  try {
    server = await startTestServer({
      plugins: options.plugins?.(k) ?? [k],
      corefile: (ports) => options.corefile(ports[0], api.url, ports),
      portCount: options.portCount,
      captureLogs: true,
    });
  } catch (e) {
    await api.close();
    throw e;
  }
  return {
    api,
    server,
    q: async (name, type) => view(await server.query(name, type)),
    stop: async () => {
      await server.stop();
      await api.close();
    },
  };
}
