/**
 * A small cluster for the Kubernetes integration tests, as API objects for FakeKubeApi:
 * the services a real cluster has (kubernetes, kube-dns), a ClusterIP service, a headless
 * service of a StatefulSet with its EndpointSlice, an ExternalName service, a LoadBalancer
 * service with external addresses and one known by a host name, and the pods behind them (for `pods verified`).
 */
import type { FakeKubeApi } from '@tsdns/testing';

type KubeObject = Parameters<FakeKubeApi['create']>[0];

export const CLUSTER_DOMAIN = 'cluster.local';

function namespace(name: string): KubeObject {
  return { apiVersion: 'v1', kind: 'Namespace', metadata: { name } };
}

interface PortSpec {
  name: string;
  port: number;
  protocol: 'TCP' | 'UDP';
}

function service(
  ns: string,
  name: string,
  spec: {
    clusterIP: string;
    ports: PortSpec[];
    type?: string;
    externalName?: string;
    externalIPs?: string[];
    ingress?: { ip?: string; hostname?: string }[];
  },
): KubeObject {
  const clusterIPs = spec.clusterIP === '' ? [] : [spec.clusterIP];
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name, namespace: ns },
    spec: {
      type: spec.type ?? 'ClusterIP',
      clusterIP: spec.clusterIP === '' ? undefined : spec.clusterIP,
      clusterIPs: clusterIPs.length > 0 ? clusterIPs : undefined,
      externalName: spec.externalName,
      externalIPs: spec.externalIPs,
      ports: spec.ports.map((p) => ({ ...p, targetPort: p.port })),
    },
    status: { loadBalancer: { ingress: spec.ingress ?? [] } },
  };
}

function endpointSlice(
  ns: string,
  serviceName: string,
  ports: PortSpec[],
  endpoints: { ip: string; hostname?: string; pod?: string; ready?: boolean }[],
): KubeObject {
  return {
    apiVersion: 'discovery.k8s.io/v1',
    kind: 'EndpointSlice',
    metadata: {
      name: `${serviceName}-abcde`,
      namespace: ns,
      labels: { 'kubernetes.io/service-name': serviceName },
    },
    addressType: 'IPv4',
    ports: ports.map((p) => ({ name: p.name, port: p.port, protocol: p.protocol })),
    endpoints: endpoints.map((e) => ({
      addresses: [e.ip],
      hostname: e.hostname,
      conditions: { ready: e.ready ?? true },
      targetRef: e.pod === undefined ? undefined : { kind: 'Pod', namespace: ns, name: e.pod },
    })),
  };
}

function pod(ns: string, name: string, ip: string): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: ns },
    spec: { containers: [{ name: 'main', image: 'example' }] },
    status: { phase: 'Running', podIP: ip, podIPs: [{ ip }] },
  };
}

const DNS_PORTS: PortSpec[] = [
  { name: 'dns', port: 53, protocol: 'UDP' },
  { name: 'dns-tcp', port: 53, protocol: 'TCP' },
  { name: 'metrics', port: 9153, protocol: 'TCP' },
];
const DB_PORTS: PortSpec[] = [{ name: 'postgres', port: 5432, protocol: 'TCP' }];

/** The cluster's objects, namespaces first. */
export function clusterObjects(): KubeObject[] {
  return [
    namespace('default'),
    namespace('kube-system'),
    namespace('data'),
    service('default', 'kubernetes', {
      clusterIP: '10.96.0.1',
      ports: [{ name: 'https', port: 443, protocol: 'TCP' }],
    }),
    service('kube-system', 'kube-dns', { clusterIP: '10.96.0.10', ports: DNS_PORTS }),
    endpointSlice('kube-system', 'kube-dns', DNS_PORTS, [
      { ip: '10.244.0.2', pod: 'coredns-1' },
      { ip: '10.244.0.3', pod: 'coredns-2' },
    ]),
    service('default', 'web', {
      clusterIP: '10.96.5.5',
      ports: [{ name: 'http', port: 80, protocol: 'TCP' }],
    }),
    endpointSlice(
      'default',
      'web',
      [{ name: 'http', port: 80, protocol: 'TCP' }],
      [
        { ip: '10.244.1.10', pod: 'web-1' },
        { ip: '10.244.2.11', pod: 'web-2' },
      ],
    ),
    service('data', 'db', { clusterIP: 'None', ports: DB_PORTS }),
    endpointSlice('data', 'db', DB_PORTS, [
      { ip: '10.244.1.5', hostname: 'db-0', pod: 'db-0' },
      { ip: '10.244.2.6', hostname: 'db-1', pod: 'db-1' },
    ]),
    service('default', 'upstream-site', {
      clusterIP: '',
      type: 'ExternalName',
      externalName: 'www.example.com',
      ports: [],
    }),
    service('default', 'shop', {
      clusterIP: '10.96.7.7',
      type: 'LoadBalancer',
      ports: [{ name: 'https', port: 443, protocol: 'TCP' }],
      externalIPs: ['192.0.2.77'],
      ingress: [{ ip: '203.0.113.7' }],
    }),
    service('default', 'edge', {
      clusterIP: '10.96.8.8',
      type: 'LoadBalancer',
      ports: [{ name: 'https', port: 443, protocol: 'TCP' }],
      ingress: [{ hostname: 'www.example.com' }],
    }),
    pod('kube-system', 'coredns-1', '10.244.0.2'),
    pod('kube-system', 'coredns-2', '10.244.0.3'),
    pod('default', 'web-1', '10.244.1.10'),
    pod('default', 'web-2', '10.244.2.11'),
    pod('data', 'db-0', '10.244.1.5'),
    pod('data', 'db-1', '10.244.2.6'),
  ];
}

/** Loads the cluster into a fake API server. */
export function populate(api: FakeKubeApi): void {
  for (const obj of clusterObjects()) api.create(obj);
}

/** The upstream's zone: the names outside the cluster that pods look up. */
export const EXAMPLE_COM_ZONE = `$ORIGIN example.com.
$TTL 300
@        IN SOA ns.example.com. hostmaster.example.com. 1 7200 3600 1209600 300
@        IN NS  ns
ns       IN A   192.0.2.53
www      IN A   192.0.2.7
`;

/** A kubeconfig for the fake API server with a bearer token (what a client outside the cluster uses). */
export function kubeconfig(server: string, token: string): string {
  return JSON.stringify({
    apiVersion: 'v1',
    kind: 'Config',
    // Plain HTTP: @kubernetes/client-node allows it only with TLS verification off.
    clusters: [{ name: 'test', cluster: { server, 'insecure-skip-tls-verify': true } }],
    users: [{ name: 'tsdns', user: { token } }],
    contexts: [{ name: 'test', context: { cluster: 'test', user: 'tsdns' } }],
    'current-context': 'test',
  });
}
