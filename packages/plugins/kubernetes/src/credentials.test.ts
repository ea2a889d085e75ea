/**
 * The ways the plugin authenticates to the API server, each against the fake API server
 * demanding it: a bearer token from `token_file`, a client certificate (`tls`) over
 * HTTPS with a test CA, a kubeconfig (token or certificate, chosen by context), and the
 * in-cluster service account (environment and directory injected).
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { FakeKubeApi, eventually, hasTool, makeTestCa, startTestServer, type TestCa } from '@tsdns/testing';
import { kubernetesPlugin } from './index.js';
import { loadCluster } from './test-support/cluster.js';
import { FAST, startCluster, view, type ClusterServer } from './test-support/harness.js';

const HAVE_OPENSSL = hasTool('openssl');
const read = (file: string): Buffer => readFileSync(file);

let dir: string;
let pki: TestCa | undefined;
/** A second CA that signed nothing here: trusting it must fail. */
let otherCa: TestCa | undefined;
let c: ClusterServer | undefined;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'tsdns-k8s-creds-'));
  if (HAVE_OPENSSL) {
    pki = makeTestCa({
      dir,
      serverNames: ['localhost'],
      serverIps: ['127.0.0.1'],
      clientName: 'system:serviceaccount:kube-system:coredns',
    });
    otherCa = makeTestCa({ dir: mkdtempSync(join(dir, 'other-')) });
  }
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));
afterEach(async () => {
  await c?.stop();
  c = undefined;
});

const answer = async (): Promise<string> =>
  (await c!.q('kubernetes.default.svc.cluster.local.', 'A')).answer.join();

function file(name: string, text: string): string {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
}

describe('bearer token (token_file)', () => {
  it('sends the token and is served', async () => {
    const token = file('token', 's3cret-token');
    c = await startCluster({
      api: { token: 's3cret-token' },
      load: loadCluster,
      corefile: (p, url) =>
        `.:${p} {\n kubernetes cluster.local {\n endpoint ${url}\n token_file ${token}\n }\n}`,
    });
    expect(await answer()).toContain('10.96.0.1');
    expect(c.api.requests.every((r) => r.authorization === 'Bearer s3cret-token')).toBe(true);
  });

  it('is refused with the wrong token and says so', async () => {
    const token = file('wrong', 'not-the-token');
    c = await startCluster({
      api: { token: 's3cret-token' },
      load: loadCluster,
      corefile: (p, url) =>
        `.:${p} {\n kubernetes cluster.local {\n endpoint ${url}\n token_file ${token}\n startup_timeout 100ms\n }\n}`,
    });
    expect(c.server.logs.some((l) => /Failed to list \*v1\.Service: .*401/.test(l))).toBe(true);
    expect((await c.q('kubernetes.default.svc.cluster.local.', 'A')).rcode).toBe('SERVFAIL');
  });
});

describe.skipIf(!HAVE_OPENSSL)('TLS with a client certificate (tls CERT KEY CACERT)', () => {
  const httpsApi = () => ({
    tls: { cert: read(pki!.serverCert), key: read(pki!.serverKey), clientCa: read(pki!.caCert) },
  });

  it('verifies the API server and presents the client certificate', async () => {
    c = await startCluster({
      api: httpsApi(),
      load: loadCluster,
      corefile: (p, url) =>
        `.:${p} {\n kubernetes cluster.local {\n endpoint ${url}\n tls ${pki!.clientCert} ${pki!.clientKey} ${pki!.caCert}\n }\n}`,
    });
    expect(c.api.url).toMatch(/^https:/);
    expect(await answer()).toContain('10.96.0.1');
  });

  it('refuses an API server its CA did not sign', async () => {
    c = await startCluster({
      api: httpsApi(),
      load: loadCluster,
      corefile: (p, url) =>
        `.:${p} {\n kubernetes cluster.local {\n endpoint ${url}\n tls ${pki!.clientCert} ${pki!.clientKey} ${otherCa!.caCert}\n startup_timeout 100ms\n }\n}`,
    });
    expect(c.server.logs.some((l) => l.includes('Failed to list'))).toBe(true);
    expect(c.api.requests).toHaveLength(0);
  });
});

describe('kubeconfig KUBECONFIG [CONTEXT]', () => {
  function kubeconfig(server: string, caFile: string | undefined): string {
    const ca = caFile === undefined ? '' : `\n    certificate-authority: ${caFile}`;
    return file(
      'kubeconfig',
      `apiVersion: v1
kind: Config
clusters:
- name: test
  cluster:
    server: ${server}${ca}
users:
- name: good
  user:
    token: kube-token
- name: bad
  user:
    token: nope
contexts:
- name: good
  context: { cluster: test, user: good }
- name: bad
  context: { cluster: test, user: bad }
current-context: bad
`,
    );
  }

  it.skipIf(!HAVE_OPENSSL)('uses the named context (token over HTTPS with the kubeconfig CA)', async () => {
    const api = await FakeKubeApi.start({
      token: 'kube-token',
      tls: { cert: read(pki!.serverCert), key: read(pki!.serverKey) },
    });
    loadCluster(api);
    const cfg = kubeconfig(api.url, pki!.caCert);
    const server = await startTestServer({
      plugins: [kubernetesPlugin({ reflector: FAST, localAddresses: () => [] })],
      corefile: ([p]) => `.:${p} {\n kubernetes cluster.local {\n kubeconfig ${cfg} good\n }\n}`,
      captureLogs: true,
    });
    try {
      expect(view(await server.query('kubernetes.default.svc.cluster.local.', 'A')).answer.join()).toContain(
        '10.96.0.1',
      );
    } finally {
      await server.stop();
      await api.close();
    }
  });

  it('uses the current context without one (here the one with the wrong token)', async () => {
    c = await startCluster({
      api: { token: 'kube-token' },
      load: loadCluster,
      corefile: (p, url) =>
        `.:${p} {\n kubernetes cluster.local {\n kubeconfig ${kubeconfig(url, undefined)}\n startup_timeout 100ms\n }\n}`,
    });
    await eventually(() =>
      expect(c!.api.requests.some((r) => r.authorization === 'Bearer nope' && r.status === 401)).toBe(true),
    );
  });

  it('rejects an unknown context at setup', async () => {
    const cfg = kubeconfig('http://127.0.0.1:1', undefined);
    await expect(
      startTestServer({
        plugins: [kubernetesPlugin()],
        corefile: ([p]) => `.:${p} {\n kubernetes cluster.local {\n kubeconfig ${cfg} nosuch\n }\n}`,
      }),
    ).rejects.toThrow(/Corefile:3.*context "nosuch" does not exist/s);
  });
});

describe.skipIf(!HAVE_OPENSSL)('in-cluster service account', () => {
  it('reads the host and port from the environment and the token and CA from the service account directory', async () => {
    const sa = mkdtempSync(join(dir, 'sa-'));
    writeFileSync(join(sa, 'token'), 'sa-token');
    writeFileSync(join(sa, 'ca.crt'), read(pki!.caCert));
    writeFileSync(join(sa, 'namespace'), 'kube-system');
    const api = await FakeKubeApi.start({
      token: 'sa-token',
      tls: { cert: read(pki!.serverCert), key: read(pki!.serverKey) },
    });
    loadCluster(api);
    const server = await startTestServer({
      plugins: [
        kubernetesPlugin({
          env: { KUBERNETES_SERVICE_HOST: '127.0.0.1', KUBERNETES_SERVICE_PORT: String(api.port) },
          serviceAccountDir: sa,
          reflector: FAST,
          localAddresses: () => [],
        }),
      ],
      corefile: ([p]) => `.:${p} {\n kubernetes cluster.local\n}`,
      captureLogs: true,
    });
    try {
      expect(view(await server.query('kubernetes.default.svc.cluster.local.', 'A')).answer.join()).toContain(
        '10.96.0.1',
      );
      expect(api.requests.every((r) => r.authorization === 'Bearer sa-token')).toBe(true);
    } finally {
      await server.stop();
      await api.close();
    }
  });

  it('fails setup outside a cluster, as CoreDNS does', async () => {
    await expect(
      startTestServer({
        plugins: [kubernetesPlugin({ env: {}, serviceAccountDir: join(dir, 'none') })],
        corefile: ([p]) => `.:${p} {\n kubernetes cluster.local\n}`,
      }),
    ).rejects.toThrow(/KUBERNETES_SERVICE_HOST and KUBERNETES_SERVICE_PORT must be defined/);
  });
});
