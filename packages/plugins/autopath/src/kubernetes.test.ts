// autopath @kubernetes with the real kubernetes plugin (pods verified) watching a fake API
// server: the client's namespace comes from its address; file answers the names outside.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Rcode, getRcode, type Message } from '@tsdns/core';
import file from '@tsdns/plugin-file';
import { kubernetesPlugin } from '@tsdns/plugin-kubernetes';
import { FakeKubeApi, startTestServer, waitFor, type TestServer } from '@tsdns/testing';
import autopath from './index.js';

const TOKEN = 'autopath-token';
const dir = mkdtempSync(join(tmpdir(), 'autopath-kube-'));

function pod(namespace: string, name: string, ip: string) {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace },
    spec: { containers: [{ name: 'main', image: 'example' }] },
    status: { phase: 'Running', podIP: ip, podIPs: [{ ip }] },
  };
}

let api: FakeKubeApi;
let server: TestServer;

beforeAll(async () => {
  api = await FakeKubeApi.start({ token: TOKEN });
  for (const ns of ['default', 'data'])
    api.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
  api.create({
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: 'db', namespace: 'data' },
    spec: {
      clusterIP: '10.96.9.9',
      clusterIPs: ['10.96.9.9'],
      ports: [{ name: 'pg', port: 5432, protocol: 'TCP' }],
    },
  });
  // The test's client, 127.0.0.1, is a pod of namespace default.
  api.create(pod('default', 'client', '127.0.0.1'));
  writeFileSync(
    join(dir, 'kubeconfig'),
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
  // The server's own resolv.conf: its search domains end every pod's path.
  writeFileSync(join(dir, 'resolv.conf'), 'search corp.example.net\nnameserver 192.0.2.53\n');
  writeFileSync(
    join(dir, 'root.db'),
    `$TTL 300
.                      IN SOA ns.test. hostmaster.test. 1 7200 3600 1209600 300
.                      IN NS  ns.test.
www.example.com.       IN A   192.0.2.7
intranet.corp.example.net. IN A 192.0.2.8
`,
  );
  server = await startTestServer({
    corefile: ([port]) => `.:${port} {
    autopath @kubernetes
    kubernetes cluster.local {
        pods verified
        kubeconfig ${join(dir, 'kubeconfig')}
    }
    file ${join(dir, 'root.db')}
}
`,
    plugins: [autopath, kubernetesPlugin({ resolvConf: join(dir, 'resolv.conf') }), file],
  });
});

afterAll(async () => {
  await server?.stop();
  await api?.close();
});

function answers(msg: Message): [string, string, unknown][] {
  return msg.answers.map((r) => [r.name, r.type, 'data' in r ? r.data : undefined]);
}

describe('autopath @kubernetes', () => {
  it("walks the client pod's search path: namespace, svc, zone, the server's domains, the name", async () => {
    expect(answers(await server.query('db.data.default.svc.cluster.local.', 'A'))).toEqual([
      ['db.data.default.svc.cluster.local.', 'CNAME', 'db.data.svc.cluster.local.'],
      ['db.data.svc.cluster.local.', 'A', '10.96.9.9'],
    ]);
    expect(answers(await server.query('intranet.default.svc.cluster.local.', 'A'))).toEqual([
      ['intranet.default.svc.cluster.local.', 'CNAME', 'intranet.corp.example.net.'],
      ['intranet.corp.example.net.', 'A', '192.0.2.8'],
    ]);
    expect(answers(await server.query('www.example.com.default.svc.cluster.local.', 'A'))).toEqual([
      ['www.example.com.default.svc.cluster.local.', 'CNAME', 'www.example.com.'],
      ['www.example.com.', 'A', '192.0.2.7'],
    ]);
  });

  it('answers NXDOMAIN when no step finds the name', async () => {
    expect(getRcode(await server.query('nothing.default.svc.cluster.local.', 'A'))).toBe(Rcode.NXDOMAIN);
  });

  it('does nothing for a client that is not a pod (anymore)', async () => {
    api.delete({ apiVersion: 'v1', kind: 'Pod', metadata: { namespace: 'default', name: 'client' } });
    await waitFor(
      async () =>
        getRcode(await server.query('www.example.com.default.svc.cluster.local.', 'A')) === Rcode.NXDOMAIN,
      { timeout: 10_000, interval: 50, what: 'the deleted pod to be no longer searched for' },
    );
  });
});
