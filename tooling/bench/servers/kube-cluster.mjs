// The synthetic cluster of the kubernetes scenario, and (run as a program) a fake Kubernetes
// API server holding it: the built @tsdns/testing FakeKubeApi on 127.0.0.1, which prints its
// URL on the first line of stdout and runs until its stdin is closed.
//
//   node servers/kube-cluster.mjs [CLUSTER_IP_SERVICES] [HEADLESS_SERVICES]
//
// The cluster: `kubernetes.default` and `kube-dns.kube-system` as every cluster has them, and
// spread over NAMESPACES namespaces, ClusterIP services with two named ports (http, metrics)
// and headless services of StatefulSets (named port db), each with an EndpointSlice of
// ENDPOINTS ready endpoints with pod references (a StatefulSet's endpoints have hostnames).
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export const NAMESPACES = 10;
export const ENDPOINTS = 3;

/** 10.96.0.0/12 is the service network of a default cluster; 10.96.0.x holds the system's. */
const serviceIp = (i) => `10.96.${4 + (i >> 8)}.${i & 255}`;
const podIp = (i) => `10.244.${(i >> 8) & 255}.${i & 255}`;

/**
 * The cluster as the scenario needs to know it: services with their namespace, cluster IP
 * (undefined when headless), first named port and endpoints.
 */
export function clusterShape(clusterIpServices, headlessServices) {
  const services = [];
  let pod = 0;
  const endpoints = (name, headless) =>
    Array.from({ length: ENDPOINTS }, (_, e) => ({
      ip: podIp(pod++),
      hostname: headless ? `${name}-${e}` : undefined,
      pod: headless ? `${name}-${e}` : `${name}-7d9f8c6b5-${e}x2k4`,
    }));
  for (let i = 0; i < clusterIpServices; i++) {
    const name = `svc-${i}`;
    services.push({
      name,
      namespace: `ns-${i % NAMESPACES}`,
      ip: serviceIp(i),
      ports: [
        { name: 'http', port: 80, protocol: 'TCP' },
        { name: 'metrics', port: 9090, protocol: 'TCP' },
      ],
      endpoints: endpoints(name, false),
    });
  }
  for (let i = 0; i < headlessServices; i++) {
    const name = `db-${i}`;
    services.push({
      name,
      namespace: `ns-${i % NAMESPACES}`,
      ip: undefined,
      ports: [{ name: 'db', port: 5432, protocol: 'TCP' }],
      endpoints: endpoints(name, true),
    });
  }
  return services;
}

function serviceObject(ns, name, ip, ports) {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name, namespace: ns, labels: { app: name } },
    spec: {
      type: 'ClusterIP',
      clusterIP: ip ?? 'None',
      clusterIPs: [ip ?? 'None'],
      ipFamilies: ['IPv4'],
      selector: { app: name },
      ports: ports.map((p) => ({ ...p, targetPort: p.port })),
      sessionAffinity: 'None',
    },
    status: { loadBalancer: {} },
  };
}

function sliceObject(ns, name, ports, endpoints) {
  return {
    apiVersion: 'discovery.k8s.io/v1',
    kind: 'EndpointSlice',
    metadata: {
      name: `${name}-abcde`,
      namespace: ns,
      labels: {
        'kubernetes.io/service-name': name,
        'endpointslice.kubernetes.io/managed-by': 'endpointslice-controller.k8s.io',
      },
    },
    addressType: 'IPv4',
    ports: ports.map((p) => ({ name: p.name, port: p.port, protocol: p.protocol })),
    endpoints: endpoints.map((e, k) => ({
      addresses: [e.ip],
      conditions: { ready: true, serving: true, terminating: false },
      ...(e.hostname === undefined ? {} : { hostname: e.hostname }),
      nodeName: `node-${k}`,
      targetRef: { kind: 'Pod', namespace: ns, name: e.pod },
    })),
  };
}

/** Every API object of the cluster, namespaces first. */
export function clusterObjects(clusterIpServices, headlessServices) {
  const objects = ['default', 'kube-system']
    .concat(Array.from({ length: NAMESPACES }, (_, n) => `ns-${n}`))
    .map((name) => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } }));
  objects.push(
    serviceObject('default', 'kubernetes', '10.96.0.1', [{ name: 'https', port: 443, protocol: 'TCP' }]),
    serviceObject('kube-system', 'kube-dns', '10.96.0.10', [
      { name: 'dns', port: 53, protocol: 'UDP' },
      { name: 'dns-tcp', port: 53, protocol: 'TCP' },
      { name: 'metrics', port: 9153, protocol: 'TCP' },
    ]),
  );
  for (const s of clusterShape(clusterIpServices, headlessServices)) {
    objects.push(serviceObject(s.namespace, s.name, s.ip, s.ports));
    objects.push(sliceObject(s.namespace, s.name, s.ports, s.endpoints));
  }
  return objects;
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  const root = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
  const { FakeKubeApi } = await import(pathToFileURL(join(root, 'packages/testing/dist/index.js')).href);
  const [clusterIp, headless] = process.argv.slice(2).map(Number);
  // Nothing changes, so no history is needed; bookmarks about as often as a real server's.
  const api = await FakeKubeApi.start({ historyLimit: 1, bookmarkIntervalMs: 60_000 });
  for (const obj of clusterObjects(clusterIp, headless)) api.create(obj);
  process.stdout.write(`${api.url}\n`);
  process.stdin.resume();
  process.stdin.on('end', () => {
    void api.close().then(() => process.exit(0));
  });
}
