/** A throwaway certificate authority for TLS tests, made with the openssl tool. */
import { execFileSync } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { makeTempDir } from './process.js';

export interface TestCaOptions {
  /** Where the files go; default: a new temporary directory (see `remove()`). */
  dir?: string;
  /** DNS names in the server certificate; default ['dns.test']. */
  serverNames?: readonly string[];
  /** IP addresses in the server certificate; default ['127.0.0.1']. */
  serverIps?: readonly string[];
  /** Let the server certificate also authenticate a client (peers that dial each other). */
  serverAsClient?: boolean;
  /** The client certificate's common name; default 'tsdns test client'. */
  clientName?: string;
  /** DNS names in the client certificate; default none. */
  clientNames?: readonly string[];
}

/** Paths of the PEM files. */
export interface TestCa {
  readonly dir: string;
  readonly caCert: string;
  readonly caKey: string;
  readonly serverCert: string;
  readonly serverKey: string;
  readonly clientCert: string;
  readonly clientKey: string;
  /** The server certificate's first DNS name (its common name), for SNI and verification. */
  readonly serverName: string;
  /** Removes the directory when makeTestCa made it. */
  remove(): void;
}

/** Two days: long enough for any test run, short enough to be useless when leaked. */
const DAYS = '2';
const P256 = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes'];

function openssl(dir: string, args: readonly string[]): void {
  execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
}

/** A key and a certificate signed by the CA in `dir`, with the extensions `ext`. */
function issue(dir: string, name: string, cn: string, ext: readonly string[]): void {
  openssl(dir, ['req', ...P256, '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', `/CN=${cn}`]);
  writeFileSync(join(dir, `${name}.ext`), ext.join('\n') + '\n');
  openssl(dir, [
    'x509',
    '-req',
    '-in',
    `${name}.csr`,
    '-CA',
    'ca.pem',
    '-CAkey',
    'ca.key',
    '-CAcreateserial',
    '-out',
    `${name}.pem`,
    '-days',
    DAYS,
    '-extfile',
    `${name}.ext`,
  ]);
}

/**
 * Makes a CA (ca.pem, ca.key), a server certificate (server.pem, server.key) with the
 * given DNS and IP subject alternative names, and a client certificate (client.pem,
 * client.key), all ECDSA P-256.
 */
export function makeTestCa(opts: TestCaOptions = {}): TestCa {
  const dir = opts.dir ?? makeTempDir('ca');
  const serverNames = opts.serverNames ?? ['dns.test'];
  const serverIps = opts.serverIps ?? ['127.0.0.1'];
  const sans = [...serverNames.map((n) => `DNS:${n}`), ...serverIps.map((ip) => `IP:${ip}`)];
  if (sans.length === 0) throw new Error('a server certificate needs a DNS name or an IP address');
  const serverName = serverNames[0] ?? serverIps[0];
  openssl(dir, [
    'req',
    '-x509',
    ...P256,
    '-keyout',
    'ca.key',
    '-out',
    'ca.pem',
    '-days',
    DAYS,
    '-subj',
    '/CN=tsdns test CA',
  ]);
  issue(dir, 'server', serverName, [
    `subjectAltName=${sans.join(',')}`,
    'basicConstraints=CA:FALSE',
    'keyUsage=digitalSignature',
    `extendedKeyUsage=${opts.serverAsClient ? 'serverAuth,clientAuth' : 'serverAuth'}`,
  ]);
  const clientNames = opts.clientNames ?? [];
  issue(dir, 'client', opts.clientName ?? 'tsdns test client', [
    ...(clientNames.length > 0 ? [`subjectAltName=${clientNames.map((n) => `DNS:${n}`).join(',')}`] : []),
    'basicConstraints=CA:FALSE',
    'keyUsage=digitalSignature',
    'extendedKeyUsage=clientAuth',
  ]);
  return {
    dir,
    caCert: join(dir, 'ca.pem'),
    caKey: join(dir, 'ca.key'),
    serverCert: join(dir, 'server.pem'),
    serverKey: join(dir, 'server.key'),
    clientCert: join(dir, 'client.pem'),
    clientKey: join(dir, 'client.key'),
    serverName,
    remove() {
      if (opts.dir === undefined) rmSync(dir, { recursive: true, force: true });
    },
  };
}
