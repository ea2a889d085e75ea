// k8s_external with the real kubernetes plugin as its source, watching a fake API server.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Rcode, getRcode, type Message } from '@tsdns/core';
import kubernetes from '@tsdns/plugin-kubernetes';
import { FakeKubeApi, startTestServer, type TestServer } from '@tsdns/testing';
import k8sExternal from './index.js';

const TOKEN = 'k8s-external-token';

function lbService(externalIPs: string[], ingress: { ip?: string; hostname?: string }[]) {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: 'shop', namespace: 'default' },
    spec: {
      type: 'LoadBalancer',
      clusterIP: '10.96.7.7',
      clusterIPs: ['10.96.7.7'],
      externalIPs,
      ports: [{ name: 'https', port: 443, protocol: 'TCP', targetPort: 443 }],
    },
    status: { loadBalancer: { ingress } },
  };
}

let api: FakeKubeApi;
let server: TestServer;

beforeAll(async () => {
  api = await FakeKubeApi.start({ token: TOKEN });
  api.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'default' } });
  api.create(lbService(['192.0.2.77'], [{ ip: '203.0.113.7' }]));
  api.create({
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: 'web', namespace: 'default' },
    spec: {
      clusterIP: '10.96.5.5',
      clusterIPs: ['10.96.5.5'],
      ports: [{ name: 'http', port: 80, protocol: 'TCP' }],
    },
  });
  const dir = mkdtempSync(join(tmpdir(), 'k8s-external-kube-'));
  const kubeconfig = join(dir, 'kubeconfig');
  writeFileSync(
    kubeconfig,
    JSON.stringify({
      apiVersion: 'v1',
      kind: 'Config',
      // Plain HTTP: @kubernetes/client-node allows it only with TLS verification off.
      clusters: [{ name: 'test', cluster: { server: api.url, 'insecure-skip-tls-verify': true } }],
      users: [{ name: 'test', user: { token: TOKEN } }],
      contexts: [{ name: 'test', context: { cluster: 'test', user: 'test' } }],
      'current-context': 'test',
    }),
  );
  server = await startTestServer({
    corefile: ([port]) => `.:${port} {
    k8s_external example.org
    kubernetes cluster.local {
        kubeconfig ${kubeconfig}
    }
}
`,
    plugins: [k8sExternal, kubernetes],
  });
});

afterAll(async () => {
  await server?.stop();
  await api?.close();
});

function addresses(msg: Message): string[] {
  return msg.answers.flatMap((r) => (r.type === 'A' ? [r.data] : [])).sort();
}

async function eventually(check: () => Promise<boolean>, what: string): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('k8s_external over the kubernetes plugin', () => {
  it("answers a service's externalIPs and load balancer ingress together", async () => {
    expect(addresses(await server.query('shop.default.example.org.', 'A'))).toEqual([
      '192.0.2.77',
      '203.0.113.7',
    ]);
    const srv = await server.query('_https._tcp.shop.default.example.org.', 'SRV');
    expect(srv.answers.map((r) => (r.type === 'SRV' ? r.data : undefined))).toEqual([
      { priority: 0, weight: 50, port: 443, target: 'shop.default.example.org.' },
    ]);
  });

  it('gives NXDOMAIN for a service without external addresses and NODATA for its namespace', async () => {
    expect(getRcode(await server.query('web.default.example.org.', 'A'))).toBe(Rcode.NXDOMAIN);
    const ns = await server.query('default.example.org.', 'A');
    expect(getRcode(ns)).toBe(Rcode.NOERROR);
    expect(ns.authorities.map((r) => r.type)).toEqual(['SOA']);
  });

  it('follows changes to the service and moves the SOA serial on', async () => {
    const serial = async (): Promise<number> => {
      const rr = (await server.query('example.org.', 'SOA')).answers[0];
      return rr?.type === 'SOA' ? rr.data.serial : -1;
    };
    const before = await serial();
    api.apply(lbService(['192.0.2.78'], [{ ip: '203.0.113.7' }]));
    await eventually(
      async () => addresses(await server.query('shop.default.example.org.', 'A'))[0] === '192.0.2.78',
      'the new external address',
    );
    expect(await serial()).toBeGreaterThanOrEqual(before);
    api.delete({ apiVersion: 'v1', kind: 'Service', metadata: { namespace: 'default', name: 'shop' } });
    await eventually(
      async () => getRcode(await server.query('shop.default.example.org.', 'A')) === Rcode.NXDOMAIN,
      'NXDOMAIN for the deleted service',
    );
  });
});
