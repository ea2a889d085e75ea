// The Corefiles a cluster runs, as the book prints them (examples 6-11, 6-22 and 6-23 of
// Learning CoreDNS) with their variables filled in, served with this build's plugins (the
// generated plugin table) against a fake API server, with Knot as the node's upstream name
// server. What the test changes in them,
// and only that: the listening ports (free ones instead of 53, 8080, 8181 and 9153, which
// other tests on this machine may hold), the upstream (a resolv.conf naming Knot instead of
// the node's /etc/resolv.conf) and a `kubeconfig` line, since tsdns runs outside a cluster.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Rcode, getRcode, type Message } from '@tsdns/core';
import {
  FakeKubeApi,
  dig,
  freePorts,
  hasTool,
  parseExposition,
  query,
  startTestServer,
  type TestServer,
} from '@tsdns/testing';
import { clusterPlugins, missingPlugins } from './support/cluster-plugins.js';
import { CLUSTER_DOMAIN, EXAMPLE_COM_ZONE, kubeconfig, populate } from './support/kube-cluster.js';
import { canServePort53, startKnotUpstream, type KnotUpstream } from './support/knot-upstream.js';

const NEEDED = [
  'errors',
  'health',
  'ready',
  'kubernetes',
  'prometheus',
  'forward',
  'cache',
  'loop',
  'reload',
  'loadbalance',
];
const MISSING = missingPlugins(NEEDED);
const CAN_RUN = canServePort53 && MISSING.length === 0;
const TOKEN = 'tsdns-test-token';
/** Knot's address; a loopback address no other test file uses. */
const UPSTREAM_HOST = '127.86.0.1';

/** Example 6-11: the Corefile of CoreDNS's deployment repository the book describes. */
const EXAMPLE_6_11 = `.:53 {
    errors
    health
    kubernetes CLUSTER_DOMAIN REVERSE_CIDRS {
      pods insecure
      upstream
      fallthrough in-addr.arpa ip6.arpa
    }
    prometheus :9153
    forward . UPSTREAMNAMESERVER
    cache 30
    loop
    reload
    loadbalance
}
`;

/** Example 6-22: the cluster zones in a block of their own, without the cache. */
const EXAMPLE_6_22 = `CLUSTER_DOMAIN REVERSE_CIDRS {
    errors
    health
    kubernetes {
      pods insecure
      upstream
      fallthrough in-addr.arpa ip6.arpa
    }
    prometheus :9153
    forward . UPSTREAMNAMESERVER
    loop
    reload
    loadbalance
}

. {
    errors
    forward . UPSTREAMNAMESERVER
    prometheus :9153
    cache
    loop
}
`;

/** Example 6-23: with ready, without pod records, fallthrough and the cluster block's forward. */
const EXAMPLE_6_23 = `CLUSTER_DOMAIN REVERSE_CIDRS {
    errors
    health
    kubernetes
    ready
    prometheus :9153
    loop
    reload
    loadbalance
}

. {
    errors
    forward . UPSTREAMNAMESERVER
    cache
    loop
}
`;

interface Ports {
  readonly dns: number;
  readonly health: number;
  readonly ready: number;
  readonly metrics: number;
}

/**
 * The Corefile as a deployment tool writes it (the variables filled in), then moved to the
 * test's ports and given the test's upstream and credentials.
 */
function adapt(template: string, ports: Ports, resolvConf: string, kubeconfigFile: string): string {
  return template
    .replaceAll('CLUSTER_DOMAIN', CLUSTER_DOMAIN)
    .replaceAll('REVERSE_CIDRS', 'in-addr.arpa ip6.arpa')
    .replaceAll('UPSTREAMNAMESERVER', resolvConf)
    .replace(/^\.:53 \{$/m, `.:${ports.dns} {`)
    .replace(/^(\s+)health$/m, `$1health :${ports.health}`)
    .replace(/^(\s+)ready$/m, `$1ready :${ports.ready}`)
    .replaceAll('prometheus :9153', `prometheus :${ports.metrics}`)
    .replace(/^(\s+)kubernetes(.*) \{$/m, `$1kubernetes$2 {\n$1  kubeconfig ${kubeconfigFile}`)
    .replace(/^(\s+)kubernetes$/m, `$1kubernetes {\n$1  kubeconfig ${kubeconfigFile}\n$1}`);
}

async function httpGet(port: number, path: string): Promise<{ status: number; body: string }> {
  const res = await fetch(`http://127.0.0.1:${port}${path}`);
  return { status: res.status, body: await res.text() };
}

function data(msg: Message, type: string): unknown[] {
  return msg.answers.filter((r) => r.type === type).map((r) => ('data' in r ? r.data : undefined));
}

interface Expectations {
  /** `pods insecure`: a-b-c-d.NAMESPACE.pod.ZONE answers with the address. */
  readonly podRecords: boolean;
  /** `fallthrough in-addr.arpa ip6.arpa`: PTR queries for addresses outside the cluster go upstream. */
  readonly reverseFallthrough: boolean;
  /** Cluster names pass through the cache (one block for everything). */
  readonly clusterNamesCached: boolean;
  readonly hasReady: boolean;
}

const VARIANTS: [string, string, Expectations][] = [
  [
    'example 6-11',
    EXAMPLE_6_11,
    { podRecords: true, reverseFallthrough: true, clusterNamesCached: true, hasReady: false },
  ],
  [
    'example 6-22',
    EXAMPLE_6_22,
    { podRecords: true, reverseFallthrough: true, clusterNamesCached: false, hasReady: false },
  ],
  [
    'example 6-23',
    EXAMPLE_6_23,
    { podRecords: false, reverseFallthrough: false, clusterNamesCached: false, hasReady: true },
  ],
];

let api: FakeKubeApi;
let knot: KnotUpstream;
const dir = mkdtempSync(join(tmpdir(), 'tsdns-k8s-corefiles-'));
const resolvConf = join(dir, 'resolv.conf');
const kubeconfigFile = join(dir, 'kubeconfig');

beforeAll(async () => {
  if (!CAN_RUN) return;
  api = await FakeKubeApi.start({ token: TOKEN });
  populate(api);
  knot = await startKnotUpstream(UPSTREAM_HOST, { 'example.com.': EXAMPLE_COM_ZONE });
  writeFileSync(resolvConf, knot.resolvConf(['corp.example.net']));
  writeFileSync(kubeconfigFile, kubeconfig(api.url, TOKEN));
});

afterAll(async () => {
  await knot?.stop();
  await api?.close();
});

for (const [title, template, expected] of VARIANTS) {
  describe.runIf(CAN_RUN)(`the cluster Corefile of ${title}`, () => {
    let server: TestServer;
    let ports: Ports;
    const ask = (name: string, type: string): Promise<Message> => query({ port: ports.dns }, name, type);

    beforeAll(async () => {
      const [dns, health, ready, metrics] = await freePorts(4);
      ports = { dns, health, ready, metrics };
      server = await startTestServer({
        corefile: adapt(template, ports, resolvConf, kubeconfigFile),
        plugins: clusterPlugins,
        // Blocks without a port (examples 6-22 and 6-23) get it as from -dns.port.
        defaultPort: String(dns),
      });
      // Serving starts once the first sync is done or after its wait; poll until the data is in.
      const deadline = Date.now() + 15_000;
      while (getRcode(await ask(`kubernetes.default.svc.${CLUSTER_DOMAIN}.`, 'A')) !== Rcode.NOERROR) {
        if (Date.now() > deadline) throw new Error('the kubernetes plugin has no cluster data');
        await new Promise((r) => setTimeout(r, 100));
      }
    });
    afterAll(() => server?.stop());

    it('answers ClusterIP services with their cluster IP', async () => {
      expect(data(await ask('kubernetes.default.svc.cluster.local.', 'A'), 'A')).toEqual(['10.96.0.1']);
      expect(data(await ask('web.default.svc.cluster.local.', 'A'), 'A')).toEqual(['10.96.5.5']);
      const nx = await ask('nothing.default.svc.cluster.local.', 'A');
      expect(getRcode(nx)).toBe(Rcode.NXDOMAIN);
      expect(nx.authorities.map((r) => r.type)).toEqual(['SOA']);
    });

    it('answers a headless service with its endpoints, shuffled by loadbalance, and each endpoint by name', async () => {
      const orders = new Set<string>();
      for (let i = 0; i < 24; i++) {
        const a = data(await ask('db.data.svc.cluster.local.', 'A'), 'A') as string[];
        expect([...a].sort()).toEqual(['10.244.1.5', '10.244.2.6']);
        orders.add(a.join(' '));
      }
      expect(orders.size).toBe(2);
      expect(data(await ask('db-1.db.data.svc.cluster.local.', 'A'), 'A')).toEqual(['10.244.2.6']);
    });

    it.skipIf(!hasTool('dig'))(
      'answers SRV for named ports, with the targets in the additional section',
      async () => {
        const r = await dig(['_postgres._tcp.db.data.svc.cluster.local', 'SRV'], {
          target: { host: '127.0.0.1', port: ports.dns },
        });
        expect(r.status).toBe('NOERROR');
        expect(r.flags).toContain('aa');
        expect(r.answer.map((a) => a.rdata.split(' ').slice(2).join(' ')).sort()).toEqual([
          '5432 db-0.db.data.svc.cluster.local.',
          '5432 db-1.db.data.svc.cluster.local.',
        ]);
        expect(r.additional.map((a) => [a.name, a.rdata]).sort()).toEqual([
          ['db-0.db.data.svc.cluster.local.', '10.244.1.5'],
          ['db-1.db.data.svc.cluster.local.', '10.244.2.6'],
        ]);
        const dns = await dig(['_dns._udp.kube-dns.kube-system.svc.cluster.local', 'SRV'], {
          target: { host: '127.0.0.1', port: ports.dns },
        });
        expect(dns.answer.map((a) => a.rdata.split(' ').slice(2).join(' '))).toEqual([
          '53 kube-dns.kube-system.svc.cluster.local.',
        ]);
      },
    );

    it('answers PTR for service addresses, and for addresses outside the cluster as the Corefile says', async () => {
      expect(data(await ask('5.5.96.10.in-addr.arpa.', 'PTR'), 'PTR')).toEqual([
        'web.default.svc.cluster.local.',
      ]);
      const outside = await ask('7.2.0.192.in-addr.arpa.', 'PTR');
      // With fallthrough the query goes to Knot, which is not authoritative for it; without,
      // the kubernetes plugin owns every reverse name.
      expect(getRcode(outside)).toBe(expected.reverseFallthrough ? Rcode.REFUSED : Rcode.NXDOMAIN);
    });

    it(`answers pod records ${expected.podRecords ? 'with pods insecure' : 'not at all without pods insecure'}`, async () => {
      const r = await ask('10-244-1-5.data.pod.cluster.local.', 'A');
      if (expected.podRecords) expect(data(r, 'A')).toEqual(['10.244.1.5']);
      else expect(getRcode(r)).toBe(Rcode.NXDOMAIN);
    });

    it('forwards names outside the cluster to the upstream of its resolv.conf, ExternalName targets too', async () => {
      expect(data(await ask('www.example.com.', 'A'), 'A')).toEqual(['192.0.2.7']);
      expect(getRcode(await ask('nothing.example.com.', 'A'))).toBe(Rcode.NXDOMAIN);
      const ext = await ask('upstream-site.default.svc.cluster.local.', 'A');
      expect(ext.answers.map((r) => [r.name, r.type, 'data' in r ? r.data : ''])).toEqual([
        ['upstream-site.default.svc.cluster.local.', 'CNAME', 'www.example.com.'],
        ['www.example.com.', 'A', '192.0.2.7'],
      ]);
    });

    it('is up on its health and metrics endpoints, and ready when the Corefile asks', async () => {
      expect(await httpGet(ports.health, '/health')).toEqual({ status: 200, body: 'OK' });
      if (expected.hasReady) expect((await httpGet(ports.ready, '/ready')).status).toBe(200);
      const metrics = parseExposition((await httpGet(ports.metrics, '/metrics')).body);
      expect(metrics.sum('coredns_dns_requests_total')).toBeGreaterThan(0);
      expect(metrics.sum('coredns_build_info')).toBe(1);
    });

    it(`caches forwarded answers${expected.clusterNamesCached ? ' and cluster names' : ', not cluster names'}`, async () => {
      const scrape = async () => parseExposition((await httpGet(ports.metrics, '/metrics')).body);
      const before = await scrape();
      await ask('www.example.com.', 'A');
      const www = await ask('www.example.com.', 'A');
      const ttl = www.answers[0] !== undefined && 'ttl' in www.answers[0] ? www.answers[0].ttl : -1;
      // cache 30 caps the upstream's 300 s; the bare `cache` keeps it.
      expect(ttl).toBeLessThanOrEqual(template === EXAMPLE_6_11 ? 30 : 300);
      const between = await scrape();
      expect(
        between.sum('coredns_cache_hits_total') - before.sum('coredns_cache_hits_total'),
      ).toBeGreaterThanOrEqual(1);
      await ask('web.default.svc.cluster.local.', 'A');
      await ask('web.default.svc.cluster.local.', 'A');
      const after = await scrape();
      const clusterRequests =
        after.sum('coredns_cache_requests_total') - between.sum('coredns_cache_requests_total');
      expect(clusterRequests).toBe(expected.clusterNamesCached ? 2 : 0);
    });
  });
}
