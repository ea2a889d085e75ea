// autopath @kubernetes with this build's plugins: the client's namespace found from its address by
// the kubernetes plugin's pod watch (pods verified), the search path walked on the server and
// answered with example 6-27's CNAME; Knot, serving the root and example.com, is upstream.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Rcode, getRcode } from '@tsdns/core';
import {
  FakeKubeApi,
  dig,
  freePorts,
  hasTool,
  parseExposition,
  query,
  startTestServer,
  type DigResult,
  type TestServer,
} from '@tsdns/testing';
import { clusterPlugins, missingPlugins } from './support/cluster-plugins.js';
import { EXAMPLE_COM_ZONE, kubeconfig, populate } from './support/kube-cluster.js';
import { canServePort53, startKnotUpstream, type KnotUpstream } from './support/knot-upstream.js';

const MISSING = missingPlugins(['autopath', 'kubernetes', 'forward', 'prometheus']);
const CAN_RUN = canServePort53 && hasTool('dig') && MISSING.length === 0;
const TOKEN = 'tsdns-autopath-token';
const UPSTREAM_HOST = '127.86.0.2';
/** Test clients: all of 127.0.0.0/8 is this machine, so a query can come from any of them. */
const DEFAULT_POD = '127.0.0.1';
const DATA_POD = '127.0.0.2';
const NOT_A_POD = '127.0.0.3';

const ROOT_ZONE = `$TTL 300
.        IN SOA ns.root-servers.test. hostmaster.root-servers.test. 1 7200 3600 1209600 300
.        IN NS  ns.root-servers.test.
`;

let api: FakeKubeApi;
let knot: KnotUpstream;
let server: TestServer;
let dnsPort: number;
let metricsPort: number;

beforeAll(async () => {
  if (!CAN_RUN) return;
  const dir = mkdtempSync(join(tmpdir(), 'tsdns-k8s-autopath-'));
  api = await FakeKubeApi.start({ token: TOKEN });
  populate(api);
  // The test's own clients, as pods of two namespaces.
  for (const [name, ns, ip] of [
    ['client', 'default', DEFAULT_POD],
    ['data-client', 'data', DATA_POD],
  ]) {
    api.create({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name, namespace: ns },
      spec: { containers: [{ name: 'main', image: 'example' }] },
      status: { phase: 'Running', podIP: ip, podIPs: [{ ip }] },
    });
  }
  knot = await startKnotUpstream(UPSTREAM_HOST, { '.': ROOT_ZONE, 'example.com.': EXAMPLE_COM_ZONE });
  writeFileSync(join(dir, 'resolv.conf'), knot.resolvConf());
  writeFileSync(join(dir, 'kubeconfig'), kubeconfig(api.url, TOKEN));
  [dnsPort, metricsPort] = await freePorts(2);
  server = await startTestServer({
    plugins: clusterPlugins,
    corefile: `.:${dnsPort} {
    autopath @kubernetes
    kubernetes cluster.local in-addr.arpa ip6.arpa {
        pods verified
        kubeconfig ${join(dir, 'kubeconfig')}
        fallthrough in-addr.arpa ip6.arpa
    }
    prometheus 127.0.0.1:${metricsPort}
    forward . ${join(dir, 'resolv.conf')}
}
`,
  });
  const deadline = Date.now() + 15_000;
  while (getRcode(await query({ port: dnsPort }, 'web.default.svc.cluster.local.', 'A')) !== Rcode.NOERROR) {
    if (Date.now() > deadline) throw new Error('the kubernetes plugin has no cluster data');
    await new Promise((r) => setTimeout(r, 100));
  }
});

afterAll(async () => {
  await server?.stop();
  await knot?.stop();
  await api?.close();
});

function from(source: string, name: string, type = 'A'): Promise<DigResult> {
  return dig(['-b', source, name, type], { target: { host: '127.0.0.1', port: dnsPort } });
}

function answers(r: DigResult): string[][] {
  return r.answer.map((a) => [a.name, a.type, a.rdata]);
}

describe.runIf(CAN_RUN)('autopath @kubernetes', () => {
  it("finds an outside name from the first step of a pod's search (example 6-27)", async () => {
    const r = await from(DEFAULT_POD, 'www.example.com.default.svc.cluster.local');
    expect(r.status).toBe('NOERROR');
    expect(answers(r)).toEqual([
      ['www.example.com.default.svc.cluster.local.', 'CNAME', 'www.example.com.'],
      ['www.example.com.', 'A', '192.0.2.7'],
    ]);
  });

  it('finds a service of another namespace through svc.ZONE', async () => {
    const r = await from(DEFAULT_POD, 'db.data.default.svc.cluster.local');
    expect(answers(r)[0]).toEqual([
      'db.data.default.svc.cluster.local.',
      'CNAME',
      'db.data.svc.cluster.local.',
    ]);
    expect(
      answers(r)
        .slice(1)
        .map((a) => a[2])
        .sort(),
    ).toEqual(['10.244.1.5', '10.244.2.6']);
  });

  it("uses each client's own namespace", async () => {
    // In namespace data, "web" is searched as web.data.svc.cluster.local first: no such service,
    // and no step of that pod's path finds one, so the first answer (NXDOMAIN) comes back.
    expect((await from(DATA_POD, 'web.data.svc.cluster.local')).status).toBe('NXDOMAIN');
    expect(answers(await from(DATA_POD, 'db.data.svc.cluster.local')).map((a) => a[1])).toEqual(['A', 'A']);
    // The default pod's first domain is default.svc.cluster.local: for it this name is not a search.
    const direct = await from(DEFAULT_POD, 'web.default.svc.cluster.local');
    expect(answers(direct)).toEqual([['web.default.svc.cluster.local.', 'A', '10.96.5.5']]);
  });

  it('leaves clients that are not pods to search by themselves', async () => {
    expect((await from(NOT_A_POD, 'www.example.com.default.svc.cluster.local')).status).toBe('NXDOMAIN');
  });

  it('counts its successes in coredns_autopath_success_total', async () => {
    const res = await fetch(`http://127.0.0.1:${metricsPort}/metrics`);
    const metrics = parseExposition(await res.text());
    expect(
      metrics.value('coredns_autopath_success_total', { server: `dns://:${dnsPort}` }),
    ).toBeGreaterThanOrEqual(2);
  });
});
