// The kubernetes scenario of run.mjs: dnsperf against the built tsdns running the book's
// cluster Corefile (example 6-11) over a synthetic cluster in a fake API server, with the
// queries pods send for cluster names, next to the Node echo server (the ceiling for Node
// here) and tsdns whoami (the server's floor) in the same run. The figure to beat is
// CoreDNS's scaling guide: 33,669 QPS for internal names from one instance on a 2-vCPU node
// (with the client on other machines); the target is twice that on this 2-core machine, with
// dnsperf sharing the cores.
//
// The cluster (servers/kube-cluster.mjs, its own process): 1,000 ClusterIP services with two
// named ports and 200 headless services of StatefulSets, each with 3 ready endpoints, in 10
// namespaces. The query mix is what pods' resolvers send (ndots:5, search path
// `NS.svc.cluster.local svc.cluster.local cluster.local mydomain.example`, as in the guide's
// test) for lookups of those services:
//
//  - `svc` from its own namespace: svc.ns.svc.cluster.local A (found first);
//  - `svc.ns` from another namespace: svc.ns.OTHER.svc.cluster.local (NXDOMAIN), then the
//    service's A;
//  - `svc.ns.svc.cluster.local` without the final dot (4 dots < ndots): the name under each
//    search domain (3 NXDOMAINs in the cluster zone, 1 forwarded to the upstream and
//    NXDOMAIN there), then the name itself;
//  - `_http._tcp.svc.ns.svc.cluster.local` SRV and the PTR of the service's IP (enough dots
//    to be tried as they are);
//  - for headless services: the service's A (3 endpoints) from its own namespace and from
//    another, `db-N-0.db-N` (one endpoint) and `_db._tcp` SRV.
//
// The lookups are shuffled in a fixed order; each lookup's queries stay in the resolver's
// order. Names outside the cluster zone go to `forward`, here servers/nxdomain.mjs (an
// upstream where no name exists). Before measuring, a sample of every kind is checked
// (rcode and answer count) against a started tsdns.
//
// Needs dnsperf and a build of apps/server and packages/testing.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { freePort, startProcess, stopProcess } from './dnsperf.mjs';
import { probeHeader } from './peers.mjs';
import { NAMESPACES, clusterShape } from './servers/kube-cluster.mjs';

const CLUSTER_IP_SERVICES = 1_000;
const HEADLESS_SERVICES = 200;
const ZONE = 'cluster.local';
/** The search domain after the cluster's, as the guide's test had one (`mydomain.com`). */
const NODE_DOMAIN = 'mydomain.example';
/** CoreDNS's scaling guide: internal names, one instance, default settings, 2 vCPUs. */
const COREDNS_INTERNAL_QPS = 33_669;

const KINDS = ['service A', 'headless A', 'SRV', 'PTR', 'NXDOMAIN (cluster zone)', 'NXDOMAIN (forwarded)'];

/** A TCP port free on 127.0.0.1 (for health, ready and prometheus). */
async function freeTcpPort() {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address();
  server.close();
  await once(server, 'close');
  return port;
}

function reverseName(ip) {
  return `${ip.split('.').reverse().join('.')}.in-addr.arpa`;
}

/**
 * Every lookup of every service, each as the queries a pod's resolver sends for it:
 * [kind, name, type, expected rcode, expected answer count].
 */
function lookups(services) {
  let seed = 20240101;
  const random = () => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return seed / 0x80000000;
  };
  const otherNamespace = (ns) => {
    const own = Number(ns.slice(3));
    return `ns-${(own + 1 + Math.floor(random() * (NAMESPACES - 1))) % NAMESPACES}`;
  };
  const miss = (name) => ['NXDOMAIN (cluster zone)', name, 'A', 3, 0];
  const out = [];
  for (const s of services) {
    const fqdn = `${s.name}.${s.namespace}.svc.${ZONE}`;
    const from = otherNamespace(s.namespace);
    if (s.ip !== undefined) {
      const hit = ['service A', fqdn, 'A', 0, 1];
      out.push([hit]);
      out.push([miss(`${s.name}.${s.namespace}.${from}.svc.${ZONE}`), hit]);
      out.push([
        miss(`${fqdn}.${from}.svc.${ZONE}`),
        miss(`${fqdn}.svc.${ZONE}`),
        miss(`${fqdn}.${ZONE}`),
        ['NXDOMAIN (forwarded)', `${fqdn}.${NODE_DOMAIN}`, 'A', 3, 0],
        hit,
      ]);
      out.push([['SRV', `_${s.ports[0].name}._tcp.${fqdn}`, 'SRV', 0, 1]]);
      out.push([['PTR', reverseName(s.ip), 'PTR', 0, 1]]);
    } else {
      const hit = ['headless A', fqdn, 'A', 0, s.endpoints.length];
      out.push([hit]);
      out.push([miss(`${s.name}.${s.namespace}.${from}.svc.${ZONE}`), hit]);
      out.push([['headless A', `${s.endpoints[0].hostname}.${fqdn}`, 'A', 0, 1]]);
      out.push([['SRV', `_${s.ports[0].name}._tcp.${fqdn}`, 'SRV', 0, s.endpoints.length]]);
    }
  }
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out.flat();
}

const TYPES = { A: 1, PTR: 12, SRV: 33 };

/** The rcode and answer count of the reply to one query (RD set, as pods' resolvers send). */
const probe = (port, name, type) => probeHeader(port, name, TYPES[type], { rd: true });

/** Resolves when GET /ready on `port` answers 200 (every kubernetes watch has synced). */
async function waitReady(port, timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const res = await fetch(`http://127.0.0.1:${port}/ready`);
      await res.arrayBuffer();
      if (res.status === 200) return;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`tsdns not ready within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** The fake API server with the cluster, in a process of its own; resolves to { url, stop }. */
async function startApi(here) {
  const child = spawn(
    process.execPath,
    [join(here, 'servers/kube-cluster.mjs'), String(CLUSTER_IP_SERVICES), String(HEADLESS_SERVICES)],
    { stdio: ['pipe', 'pipe', 'inherit'] },
  );
  const exited = once(child, 'exit').then(([code]) => {
    throw new Error(`the fake API server exited with ${code}`);
  });
  let timer;
  const late = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error('the fake API server did not start within 60 s')), 60_000);
  });
  let url;
  try {
    [url] = await Promise.race([once(createInterface({ input: child.stdout }), 'line'), exited, late]);
  } catch (e) {
    child.kill('SIGKILL');
    throw e;
  } finally {
    clearTimeout(timer);
    exited.catch(() => {});
  }
  return {
    url,
    async stop() {
      if (child.exitCode !== null) return;
      child.stdin.end();
      await once(child, 'exit');
    },
  };
}

/** The queries of each kind that got an unexpected rcode or answer count. */
async function wrongAnswers(contender, queries) {
  const samples = [];
  for (const kind of KINDS) samples.push(...queries.filter((q) => q[0] === kind).slice(0, 25));
  const port = await freePort();
  const child = await contender.start(port);
  const out = [];
  try {
    for (const [kind, name, type, rcode, answers] of samples) {
      const got = await probe(port, name, type);
      if (got.rcode !== rcode || got.answers !== answers)
        out.push(
          `${kind}: ${name} ${type}: rcode ${got.rcode} answers ${got.answers}, expected rcode ${rcode} answers ${answers}`,
        );
    }
  } finally {
    await stopProcess(child);
  }
  return out;
}

const load = () =>
  loadavg()
    .map((l) => l.toFixed(2))
    .join(', ');

/**
 * Runs the scenario with run.mjs's helpers (root, here, compare, echo, tsdns, queryFile,
 * fmt). Returns false when it cannot run or tsdns answers a sample wrongly.
 */
export async function kubernetesScenario(h) {
  for (const built of ['apps/server/dist/main.js', 'packages/testing/dist/index.js']) {
    if (!existsSync(join(h.root, built))) {
      console.error(`${built} is missing: build apps/server and packages/testing first`);
      return false;
    }
  }
  console.log(`\nload average at start: ${load()} (${cpus().length} CPUs)`);
  const upstreamPort = await freePort();
  const upstream = await startProcess(
    process.execPath,
    [join(h.here, 'servers/nxdomain.mjs'), String(upstreamPort)],
    upstreamPort,
  );
  let api;
  try {
    api = await startApi(h.here);
    const [health, ready, metrics] = [await freeTcpPort(), await freeTcpPort(), await freeTcpPort()];
    // Example 6-11 with its variables filled in; moved to free loopback ports, pointed at the
    // fake API server and the local upstream, and with ready (as example 6-23 has) so that
    // measuring starts after the first full sync.
    const corefile = (port) => `.:${port} {
    bind 127.0.0.1
    errors
    health 127.0.0.1:${health}
    ready 127.0.0.1:${ready}
    kubernetes ${ZONE} in-addr.arpa ip6.arpa {
      endpoint ${api.url}
      pods insecure
      upstream
      fallthrough in-addr.arpa ip6.arpa
    }
    prometheus 127.0.0.1:${metrics}
    forward . 127.0.0.1:${upstreamPort}
    cache 30
    loop
    reload
    loadbalance
}
`;
    const base = h.tsdns('tsdns kubernetes', corefile);
    const kubernetes = {
      label: base.label,
      async start(port) {
        const child = await base.start(port);
        try {
          await waitReady(ready);
        } catch (e) {
          await stopProcess(child);
          throw e;
        }
        return child;
      },
    };

    const queries = lookups(clusterShape(CLUSTER_IP_SERVICES, HEADLESS_SERVICES));
    const wrong = await wrongAnswers(kubernetes, queries);
    if (wrong.length > 0) {
      console.error(`tsdns kubernetes answers wrongly:\n  ${wrong.join('\n  ')}`);
      return false;
    }
    const counts = new Map(KINDS.map((k) => [k, 0]));
    for (const [kind] of queries) counts.set(kind, counts.get(kind) + 1);
    const mix = KINDS.map((k) => `${k} ${((100 * counts.get(k)) / queries.length).toFixed(0)}%`).join(', ');
    console.log(
      `cluster: ${h.fmt(CLUSTER_IP_SERVICES)} ClusterIP + ${h.fmt(HEADLESS_SERVICES)} headless services, ` +
        `3 endpoints each, ${NAMESPACES} namespaces`,
    );
    console.log(`queries: ${h.fmt(queries.length)} in the file: ${mix}`);
    const qf = h.queryFile(queries.map(([, name, type]) => `${name} ${type}`));
    const whoami = h.tsdns('tsdns whoami', (p) => `.:${p} {\n  bind 127.0.0.1\n  whoami\n}\n`);
    const qps = await h.compare(
      'kubernetes (example 6-11 over a synthetic cluster, internal-query mix)',
      [h.echo, whoami, kubernetes],
      qf,
    );
    const t = qps.get('tsdns kubernetes');
    const echo = qps.get('node udp echo');
    const target = 2 * COREDNS_INTERNAL_QPS;
    console.log(`ratio tsdns kubernetes / node echo:    ${(t / echo).toFixed(2)}x`);
    console.log(`ratio tsdns kubernetes / tsdns whoami: ${(t / qps.get('tsdns whoami')).toFixed(2)}x`);
    console.log(
      `tsdns kubernetes / CoreDNS's ${h.fmt(COREDNS_INTERNAL_QPS)} QPS (internal names, 2 vCPUs): ` +
        `${(t / COREDNS_INTERNAL_QPS).toFixed(2)}x (target >= 2x = ${h.fmt(target)} QPS: ${t >= target ? 'met' : 'not met'})`,
    );
    console.log(`  (node echo here: ${(echo / COREDNS_INTERNAL_QPS).toFixed(2)}x CoreDNS's figure)`);
    console.log(`load average at end: ${load()}`);
    return true;
  } finally {
    await api?.stop();
    await stopProcess(upstream);
  }
}
