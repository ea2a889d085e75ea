import { X509Certificate } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { hasTool } from '../tools.js';
import { makeTestCa } from './test-ca.js';

const cert = (path: string) => new X509Certificate(readFileSync(path));

describe.skipIf(!hasTool('openssl'))('makeTestCa', () => {
  it('issues a server certificate for its names and addresses and a client certificate, both from the CA', () => {
    const ca = makeTestCa({ serverNames: ['dns.test', 'alt.test'], serverIps: ['127.0.0.1', '::1'] });
    try {
      const root = cert(ca.caCert);
      const server = cert(ca.serverCert);
      const client = cert(ca.clientCert);
      expect(server.verify(root.publicKey)).toBe(true);
      expect(client.verify(root.publicKey)).toBe(true);
      expect(server.checkHost('dns.test')).toBe('dns.test');
      expect(server.checkHost('alt.test')).toBe('alt.test');
      expect(server.checkHost('other.test')).toBeUndefined();
      expect(server.checkIP('127.0.0.1')).toBe('127.0.0.1');
      expect(server.checkIP('::1')).toBe('::1');
      expect(server.checkIP('127.0.0.2')).toBeUndefined();
      expect(ca.serverName).toBe('dns.test');
      expect(server.keyUsage).toEqual(['1.3.6.1.5.5.7.3.1']);
      expect(client.keyUsage).toEqual(['1.3.6.1.5.5.7.3.2']);
      expect(client.subject).toBe('CN=tsdns test client');
    } finally {
      ca.remove();
    }
    expect(existsSync(ca.dir)).toBe(false);
  });

  it('a server certificate that can also be a client, and client names', () => {
    const ca = makeTestCa({
      serverNames: [],
      serverAsClient: true,
      clientName: 'root',
      clientNames: ['client.test'],
    });
    try {
      const server = cert(ca.serverCert);
      expect(ca.serverName).toBe('127.0.0.1');
      expect(server.subject).toBe('CN=127.0.0.1');
      expect(server.keyUsage.sort()).toEqual(['1.3.6.1.5.5.7.3.1', '1.3.6.1.5.5.7.3.2']);
      expect(cert(ca.clientCert).checkHost('client.test')).toBe('client.test');
      expect(cert(ca.clientCert).subject).toBe('CN=root');
    } finally {
      ca.remove();
    }
  });

  it('refuses a server certificate without a name or address', () => {
    expect(() => makeTestCa({ serverNames: [], serverIps: [] })).toThrow(/needs a DNS name or an IP address/);
  });
});
