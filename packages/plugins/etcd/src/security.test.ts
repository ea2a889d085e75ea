/**
 * Credentials and TLS against a real etcd: auth enabled with etcdctl (user root, auth
 * enable), and a test CA from makeTestCa (server certificate for 127.0.0.1, client
 * certificate) for an etcd that requires client certificates.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasTool, makeTestCa, startTestServer, type TestCa, type TestServer } from '@tsdns/testing';
import etcd from './index.js';
import { EtcdServer, hasEtcd, hasEtcdctl } from './test-support/etcd-server.js';
import { lines } from './test-support/fixtures.js';
import { putService, rcodeOf } from './test-support/helpers.js';

const SERVFAIL = 2;

describe.skipIf(!hasEtcd || !hasEtcdctl)('etcd with authentication', () => {
  let server: EtcdServer;
  let dns: TestServer;

  beforeAll(async () => {
    server = await EtcdServer.start();
    await server.etcdctl(['user', 'add', 'root:rootpw']);
    await server.etcdctl(['auth', 'enable']);
    const client = server.client({ auth: { username: 'root', password: 'rootpw' } });
    await putService(client, 'secure.skydns.test.', { host: '10.9.0.1' });
    client.close();
    dns = await startTestServer({
      corefile: ([p]) =>
        `skydns.test:${p} {\n  etcd {\n    endpoint ${server.endpoint}\n    credentials root rootpw\n  }\n}\n` +
        `other.test:${p} {\n  etcd skydns.test other.test {\n    endpoint ${server.endpoint}\n    credentials root wrong\n  }\n}\n`,
      plugins: [etcd],
      captureLogs: true,
    });
  }, 60_000);

  afterAll(async () => {
    await dns?.stop();
    await server?.destroy();
  });

  it('reads etcd with the credentials', async () => {
    expect(lines((await dns.query('secure.skydns.test.', 'A')).answers)).toEqual([
      'secure.skydns.test. 300 A 10.9.0.1',
    ]);
  });

  it('without valid credentials etcd cannot be read: SERVFAIL, and the reason in the log', async () => {
    expect(rcodeOf(await dns.query('other.test.', 'A'))).toBe(SERVFAIL);
    expect(
      dns.logs.some((l) => l.startsWith('[ERROR] plugin/etcd: cannot sync with etcd:') && /auth/i.test(l)),
    ).toBe(true);
  });
});

const hasOpenssl = hasTool('openssl');

describe.skipIf(!hasEtcd || !hasOpenssl)('etcd over TLS with client certificates', () => {
  let ca: TestCa | undefined;
  let server: EtcdServer;
  let dns: TestServer;

  beforeAll(async () => {
    // The server certificate may also authenticate a client: etcd's gateway dials its own port with it.
    ca = makeTestCa({
      serverNames: [],
      serverIps: ['127.0.0.1'],
      serverAsClient: true,
      clientName: 'root',
      clientNames: ['client.test'],
    });
    const files = {
      ca: ca.caCert,
      cert: ca.serverCert,
      key: ca.serverKey,
      clientCert: ca.clientCert,
      clientKey: ca.clientKey,
    };
    server = await EtcdServer.start({
      tls: {
        cert: files.cert,
        key: files.key,
        ca: files.ca,
        clientCertAuth: true,
        clientCert: files.clientCert,
        clientKey: files.clientKey,
      },
    });
    const client = server.client({
      credentials: {
        rootCertificate: readFileSync(files.ca),
        certChain: readFileSync(files.clientCert),
        privateKey: readFileSync(files.clientKey),
      },
    });
    await putService(client, 'tls.skydns.test.', { host: '10.10.0.1' });
    client.close();
    const port = server.clientPort;
    dns = await startTestServer({
      corefile: ([p]) =>
        `skydns.test:${p} {\n  etcd {\n    endpoint https://127.0.0.1:${port}\n    tls ${files.clientCert} ${files.clientKey} ${files.ca}\n  }\n}\n` +
        // A bare host:port with tls speaks TLS too.
        `bare.test:${p} {\n  etcd skydns.test bare.test {\n    endpoint 127.0.0.1:${port}\n    tls ${files.clientCert} ${files.clientKey} ${files.ca}\n  }\n}\n` +
        // Only the CA: the server wants a client certificate, so nothing can be read.
        `nocert.test:${p} {\n  etcd skydns.test nocert.test {\n    endpoint https://127.0.0.1:${port}\n    tls ${files.ca}\n  }\n}\n`,
      plugins: [etcd],
      captureLogs: true,
    });
  }, 90_000);

  afterAll(async () => {
    await dns?.stop();
    await server?.destroy();
    ca?.remove();
  });

  it('reads etcd over TLS with a client certificate', async () => {
    expect(lines((await dns.query('tls.skydns.test.', 'A')).answers)).toEqual([
      'tls.skydns.test. 300 A 10.10.0.1',
    ]);
  });

  it('a bare host:port endpoint uses TLS when tls is set', async () => {
    // The zone apex without keys: NODATA, which needs a copy of etcd (SERVFAIL without one).
    const reply = await dns.query('bare.test.', 'A');
    expect(rcodeOf(reply)).toBe(0);
    expect(reply.authorities.map((r) => r.type)).toEqual(['SOA']);
    expect(rcodeOf(await dns.query('x.bare.test.', 'A'))).toBe(3);
  });

  it('without a client certificate the TLS handshake fails: SERVFAIL', async () => {
    expect(rcodeOf(await dns.query('nocert.test.', 'A'))).toBe(SERVFAIL);
  });
});
