#!/usr/bin/env node
// Kubernetes memory benchmark: how much heap the kubernetes plugin's local copy of a
// cluster retains per object. A child process runs the fake API server (@tsdns/testing's
// FakeKubeApi) with a synthetic cluster; this process runs the plugin's informers (the
// real @kubernetes/client-node list+watch) until they are synced, and measures the heap
// between full collections. The fixed cost (modules, clients, an empty cluster) is
// measured the same way against an empty cluster and subtracted, so the figure is the
// slope: bytes per object. Two scenarios, as CoreDNS's scaling guide sizes them:
//
//  - services: N services (a third headless) with an EndpointSlice of E endpoints each,
//    pods not watched (`pods disabled`, the default) -> bytes per service;
//  - pods verified: S services and P pods (`pods verified`, as autopath needs) -> bytes
//    per object (pods + services).
//
// CoreDNS's guide: MiB = (pods + services) / 1000 + 54 by default, / 250 + 56 with pods
// verified, i.e. slopes of 1 MiB / 1000 and 1 MiB / 250 objects; the ratio to those is
// printed (target: at most 0.5 in each mode).
//
//   node tooling/bench/kubernetes.mjs [--services N] [--endpoints E] [--pods P] [--pod-services S]
//   (build first: packages/core, packages/testing and packages/plugins/kubernetes,
//   `tsc -p tsconfig.build.json` in each)
import { spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { dirname, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

if (typeof globalThis.gc !== 'function') {
  // Retained heap can only be measured after a full collection.
  const r = spawnSync(
    process.execPath,
    ['--expose-gc', fileURLToPath(import.meta.url), ...process.argv.slice(2)],
    {
      stdio: 'inherit',
    },
  );
  process.exit(r.status ?? 1);
}

const here = dirname(fileURLToPath(import.meta.url));
const dist = (p) => pathToFileURL(resolve(here, '../..', p)).href;
const argv = process.argv.slice(2);
const opt = (name, dflt) => {
  const i = argv.indexOf(`--${name}`);
  return i < 0 ? dflt : Number(argv[i + 1]);
};
const SERVICES = opt('services', 10_000);
const ENDPOINTS = opt('endpoints', 3);
const PODS = opt('pods', 60_000);
const POD_SERVICES = opt('pod-services', 3_000);

// The child: a fake API server holding the synthetic cluster, printing its URL when ready.
if (argv[0] === '--child') {
  const { FakeKubeApi } = await import(dist('packages/testing/dist/index.js'));
  const [services, endpoints, pods] = argv.slice(1).map(Number);
  // History is not needed (nothing changes) and would double the child's memory.
  const api = await FakeKubeApi.start({ historyLimit: 1, bookmarkIntervalMs: 0 });
  const namespaces = Math.max(1, Math.ceil(services / 100));
  for (let n = 0; n < namespaces; n++) {
    api.create({
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name: `ns-${n}`, labels: { team: `t${n % 7}` } },
    });
  }
  const ip = (i) => `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`;
  let pod = 0;
  for (let s = 0; s < services; s++) {
    const ns = `ns-${s % namespaces}`;
    const name = `svc-${s}`;
    const headless = s % 3 === 0;
    api.create({
      apiVersion: 'v1',
      kind: 'Service',
      metadata: {
        name,
        namespace: ns,
        labels: { app: name, 'app.kubernetes.io/part-of': 'bench' },
        annotations: { owner: 'bench' },
      },
      spec: {
        type: 'ClusterIP',
        clusterIP: headless ? 'None' : `172.20.${(s >> 8) & 255}.${s & 255}`,
        clusterIPs: headless ? ['None'] : [`172.20.${(s >> 8) & 255}.${s & 255}`],
        ipFamilies: ['IPv4'],
        selector: { app: name },
        ports: [
          { name: 'http', port: 80, protocol: 'TCP', targetPort: 8080 },
          { name: 'metrics', port: 9090, protocol: 'TCP', targetPort: 9090 },
        ],
        sessionAffinity: 'None',
      },
      status: { loadBalancer: {} },
    });
    const eps = [];
    for (let e = 0; e < endpoints; e++, pod++) {
      eps.push({
        addresses: [ip(pod)],
        conditions: { ready: true, serving: true, terminating: false },
        ...(headless ? { hostname: `${name}-${e}` } : {}),
        nodeName: `node-${pod % 500}`,
        targetRef: { kind: 'Pod', name: `${name}-${e}-7d9f8c6b5-x2k4p`, namespace: ns, uid: `uid-${pod}` },
        zone: `zone-${pod % 3}`,
      });
    }
    api.create({
      apiVersion: 'discovery.k8s.io/v1',
      kind: 'EndpointSlice',
      metadata: {
        name: `${name}-abcde`,
        namespace: ns,
        labels: {
          'kubernetes.io/service-name': name,
          'endpointslice.kubernetes.io/managed-by': 'endpointslice-controller.k8s.io',
        },
        annotations: { 'endpoints.kubernetes.io/last-change-trigger-time': '2024-01-01T00:00:00Z' },
      },
      addressType: 'IPv4',
      endpoints: eps,
      ports: [
        { name: 'http', port: 8080, protocol: 'TCP' },
        { name: 'metrics', port: 9090, protocol: 'TCP' },
      ],
    });
  }
  for (let p = 0; p < pods; p++) {
    const ns = `ns-${p % namespaces}`;
    api.create({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: {
        name: `pod-${p}-7d9f8c6b5-x2k4p`,
        namespace: ns,
        labels: { app: `svc-${p % Math.max(1, services)}`, 'pod-template-hash': '7d9f8c6b5' },
      },
      spec: { nodeName: `node-${p % 500}`, containers: [{ name: 'app', image: 'registry.example/app:1.0' }] },
      status: {
        phase: 'Running',
        podIP: ip(p),
        podIPs: [{ ip: ip(p) }],
        hostIP: `192.168.${(p >> 8) & 255}.${p & 255}`,
      },
    });
  }
  console.log(api.url);
  // Runs until the parent closes stdin.
  process.stdin.resume();
  process.stdin.on('end', () => process.exit(0));
} else {
  let k8s;
  try {
    k8s = await import(dist('packages/plugins/kubernetes/dist/index.js'));
    await import(dist('packages/testing/dist/index.js'));
  } catch (e) {
    console.error(
      `cannot load the built packages (${e.message}); build packages/core, packages/testing and packages/plugins/kubernetes first`,
    );
    process.exit(1);
  }
  const { ClusterStore, KubeClient, KubeController, kubeConfigFor } = k8s;
  const quiet = {
    debug() {},
    info() {},
    warning() {},
    error: (m) => console.error(m),
    fatal: (m) => console.error(m),
  };

  async function startApi(services, endpoints, pods) {
    const child = spawn(
      process.execPath,
      [fileURLToPath(import.meta.url), '--child', String(services), String(endpoints), String(pods)],
      {
        stdio: ['pipe', 'pipe', 'inherit'],
      },
    );
    const lines = createInterface({ input: child.stdout });
    const [url] = await once(lines, 'line');
    return { url, stop: () => child.stdin.end() };
  }

  function heap() {
    for (let i = 0; i < 4; i++) globalThis.gc();
    return process.memoryUsage().heapUsed;
  }

  /** Heap retained by a synced controller over a cluster, and the time to sync. */
  async function measure(services, endpoints, pods, verified) {
    const api = await startApi(services, endpoints, pods);
    const before = heap();
    const started = performance.now();
    const store = new ClusterStore();
    const client = new KubeClient(
      kubeConfigFor(
        { kind: 'endpoint', url: api.url, tls: undefined, tokenFile: undefined },
        { env: {}, serviceAccountDir: '' },
      ),
    );
    const controller = new KubeController(store, client, {
      labels: undefined,
      namespaceLabels: undefined,
      namespaces: undefined,
      endpoints: true,
      endpointPodNames: false,
      pods: verified,
      multicluster: false,
      logger: quiet,
    });
    controller.start();
    if (!(await controller.waitSynced(600_000))) throw new Error('not synced in 10 minutes');
    const seconds = (performance.now() - started) / 1000;
    const retained = heap() - before;
    const counts = {
      services: store.cluster.serviceCount,
      slices: store.cluster.sliceCount,
      pods: store.podCount,
    };
    await controller.stop();
    api.stop();
    return { retained, seconds, counts };
  }

  const MiB = 1024 * 1024;
  const fmt = (n) => Math.round(n).toLocaleString('en-US');
  // The fixed cost: the same clients and informers over an empty cluster.
  const empty = await measure(0, 0, 0, false);
  const emptyVerified = await measure(0, 0, 0, true);

  const a = await measure(SERVICES, ENDPOINTS, 0, false);
  const perService = (a.retained - empty.retained) / SERVICES;
  const coreDefault = MiB / 1000;
  console.log(
    `services (pods disabled): ${fmt(a.counts.services)} services, ${fmt(a.counts.slices)} slices of ${ENDPOINTS} endpoints; ` +
      `synced in ${a.seconds.toFixed(2)} s; heap retained ${(a.retained / MiB).toFixed(1)} MiB (fixed ${(empty.retained / MiB).toFixed(1)} MiB)`,
  );
  // CoreDNS's formula counts pods and services; without pods watched, the pods it means are
  // the endpoints (one per pod behind a service).
  const perObjectA = (a.retained - empty.retained) / (SERVICES * (1 + ENDPOINTS));
  console.log(`  ${fmt(perService)} bytes per service with its slice of ${ENDPOINTS} endpoints`);
  console.log(
    `  ${fmt(perObjectA)} bytes per object (services + endpoints); CoreDNS's slope ${fmt(coreDefault)} B/object; ratio ${(perObjectA / coreDefault).toFixed(2)} (target <= 0.5)`,
  );

  const b = await measure(POD_SERVICES, Math.ceil(PODS / Math.max(1, POD_SERVICES)), PODS, true);
  const objects = POD_SERVICES + PODS;
  const perObject = (b.retained - emptyVerified.retained) / objects;
  const coreVerified = MiB / 250;
  console.log(
    `pods verified: ${fmt(b.counts.services)} services, ${fmt(b.counts.slices)} slices, ${fmt(b.counts.pods)} pods; ` +
      `synced in ${b.seconds.toFixed(2)} s; heap retained ${(b.retained / MiB).toFixed(1)} MiB (fixed ${(emptyVerified.retained / MiB).toFixed(1)} MiB)`,
  );
  console.log(
    `  ${fmt(perObject)} bytes per object (pods + services, endpoints included); CoreDNS's slope ${fmt(coreVerified)} B/object; ratio ${(perObject / coreVerified).toFixed(2)} (target <= 0.5)`,
  );
  process.exit(0);
}
