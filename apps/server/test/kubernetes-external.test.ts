// k8s_external with this build's plugins and the kubernetes plugin watching a fake API server: the
// external addresses of services under example.org (the book's example 6-30), followed as
// the cluster changes; Knot upstream resolves a load balancer's host name.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { networkInterfaces, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Rcode, getRcode, type Message } from '@tsdns/core';
import { FakeKubeApi, hasTool, kdig, query, startTestServer, type TestServer } from '@tsdns/testing';
import { clusterPlugins, missingPlugins } from './support/cluster-plugins.js';
import { EXAMPLE_COM_ZONE, clusterObjects, kubeconfig, populate } from './support/kube-cluster.js';
import { canServePort53, startKnotUpstream, type KnotUpstream } from './support/knot-upstream.js';

const MISSING = missingPlugins(['k8s_external', 'kubernetes', 'forward']);
const CAN_RUN = canServePort53 && hasTool('kdig') && MISSING.length === 0;
const TOKEN = 'tsdns-external-token';
const UPSTREAM_HOST = '127.86.0.3';

let api: FakeKubeApi;
let knot: KnotUpstream;
let server: TestServer;
let port: number;

beforeAll(async () => {
  if (!CAN_RUN) return;
  const dir = mkdtempSync(join(tmpdir(), 'tsdns-k8s-external-'));
  api = await FakeKubeApi.start({ token: TOKEN });
  populate(api);
  knot = await startKnotUpstream(UPSTREAM_HOST, { 'example.com.': EXAMPLE_COM_ZONE });
  writeFileSync(join(dir, 'resolv.conf'), knot.resolvConf());
  writeFileSync(join(dir, 'kubeconfig'), kubeconfig(api.url, TOKEN));
  server = await startTestServer({
    plugins: clusterPlugins,
    corefile: ([p]) => {
      port = p;
      return `.:${p} {
    kubernetes cluster.local {
        kubeconfig ${join(dir, 'kubeconfig')}
    }
    k8s_external example.org {
        headless
    }
    forward . ${join(dir, 'resolv.conf')}
}
`;
    },
  });
  const deadline = Date.now() + 15_000;
  while (getRcode(await ask('shop.default.example.org.', 'A')) !== Rcode.NOERROR) {
    if (Date.now() > deadline) throw new Error('the kubernetes plugin has no cluster data');
    await new Promise((r) => setTimeout(r, 100));
  }
});

afterAll(async () => {
  await server?.stop();
  await knot?.stop();
  await api?.close();
});

function ask(name: string, type: string): Promise<Message> {
  return query({ port }, name, type);
}

function rrs(msg: Message, section: 'answers' | 'additionals' = 'answers'): unknown[][] {
  return msg[section]
    .filter((r) => r.type !== 'OPT')
    .map((r) => [r.name, r.type, 'data' in r ? r.data : undefined]);
}

async function eventually(check: () => Promise<boolean>, what: string): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe.runIf(CAN_RUN)('k8s_external with the kubernetes plugin', () => {
  it('answers a LoadBalancer service with its externalIPs and ingress address', async () => {
    const r = await ask('shop.default.example.org.', 'A');
    expect(
      rrs(r)
        .map((x) => x[2])
        .sort(),
    ).toEqual(['192.0.2.77', '203.0.113.7']);
    const srv = await ask('_https._tcp.shop.default.example.org.', 'SRV');
    expect(rrs(srv)).toEqual([
      [
        '_https._tcp.shop.default.example.org.',
        'SRV',
        { priority: 0, weight: 50, port: 443, target: 'shop.default.example.org.' },
      ],
    ]);
    expect(
      rrs(srv, 'additionals')
        .map((x) => x[2])
        .sort(),
    ).toEqual(['192.0.2.77', '203.0.113.7']);
  });

  it("follows a load balancer's host name upstream", async () => {
    expect(rrs(await ask('edge.default.example.org.', 'A'))).toEqual([
      ['edge.default.example.org.', 'CNAME', 'www.example.com.'],
      ['www.example.com.', 'A', '192.0.2.7'],
    ]);
  });

  it('answers the endpoints of a headless service, and NXDOMAIN for services without external addresses', async () => {
    expect(
      rrs(await ask('db.data.example.org.', 'A'))
        .map((x) => x[2])
        .sort(),
    ).toEqual(['10.244.1.5', '10.244.2.6']);
    expect(rrs(await ask('db-0.db.data.example.org.', 'A'))).toEqual([
      ['db-0.db.data.example.org.', 'A', '10.244.1.5'],
    ]);
    const nx = await ask('web.default.example.org.', 'A');
    expect(getRcode(nx)).toBe(Rcode.NXDOMAIN);
    expect(rrs(nx, 'additionals')).toEqual([]);
    expect(nx.authorities.map((r) => r.name)).toEqual(['example.org.']);
  });

  it("gives kdig the apex: SOA, and NS with this server's addresses", async () => {
    const own = Object.values(networkInterfaces())
      .flatMap((l) => l ?? [])
      .filter((i) => !i.internal)
      .map((i) => i.address);
    const ns = await kdig(['example.org', 'NS'], { target: { host: '127.0.0.1', port } });
    expect(ns.flags).toContain('aa');
    expect(ns.answer.map((a) => [a.name, a.type, a.rdata])).toEqual([
      ['example.org.', 'NS', 'ns1.dns.example.org.'],
    ]);
    expect(ns.additional.map((a) => a.rdata).sort()).toEqual([...new Set(own)].sort());
    const soa = await kdig(['example.org', 'SOA'], { target: { host: '127.0.0.1', port } });
    expect(soa.answer[0].rdata).toMatch(
      /^ns1\.dns\.example\.org\. hostmaster\.dns\.example\.org\. \d+ 7200 1800 86400 5$/,
    );
  });

  it('follows the cluster: new external addresses, then the service gone', async () => {
    const soa = async () => {
      const r = await ask('example.org.', 'SOA');
      const rr = r.answers[0];
      return rr?.type === 'SOA' ? rr.data.serial : -1;
    };
    const before = await soa();
    const shop = clusterObjects().find((o) => o.kind === 'Service' && o.metadata.name === 'shop')!;
    api.apply({ ...shop, spec: { ...(shop.spec as object), externalIPs: ['192.0.2.78'] } });
    await eventually(
      async () =>
        JSON.stringify(
          rrs(await ask('shop.default.example.org.', 'A'))
            .map((x) => x[2])
            .sort(),
        ) === '["192.0.2.78","203.0.113.7"]',
      'the new external IP',
    );
    expect(await soa()).toBeGreaterThanOrEqual(before);
    api.delete({ apiVersion: 'v1', kind: 'Service', metadata: { namespace: 'default', name: 'shop' } });
    await eventually(
      async () => getRcode(await ask('shop.default.example.org.', 'A')) === Rcode.NXDOMAIN,
      'NXDOMAIN',
    );
  });
});
