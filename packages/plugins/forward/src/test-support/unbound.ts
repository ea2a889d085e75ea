/** Unbound as a recursive upstream over local zones (no network needed), optionally with DoT. */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { freePorts, hasTool } from '@tsdns/testing';
import { startDaemon, tempDir, type Daemon } from './daemon.js';
import { makeTestPki, type TestPki } from './pki.js';

export const HAVE_UNBOUND = hasTool('unbound');

export interface Unbound extends Daemon {
  readonly port: number;
  readonly addr: string;
  /** The DNS-over-TLS port, when started with `tls`. */
  readonly tlsPort: number | undefined;
  readonly pki: TestPki | undefined;
}

/** Records Unbound serves: example.net (www A, txt TXT, big: many A records). */
export const EXAMPLE_NET_DATA: readonly string[] = [
  'example.net. 300 IN SOA ns.example.net. hostmaster.example.net. 1 3600 600 86400 300',
  'www.example.net. 300 IN A 192.0.2.10',
  'txt.example.net. 300 IN TXT "served by unbound"',
  ...Array.from({ length: 60 }, (_, i) => `big.example.net. 300 IN A 198.51.100.${i + 1}`),
];

/**
 * Starts unbound in the foreground. Every name outside example.net gets a static
 * (negative) answer from the root local zone, so the health check `. IN NS` is answered
 * without touching the network.
 */
export async function startUnbound(opts: { tls?: boolean } = {}): Promise<Unbound> {
  const dir = tempDir('unbound');
  const [port, tlsPort] = await freePorts(opts.tls ? 2 : 1);
  const pki = opts.tls ? makeTestPki(dir) : undefined;
  const lines = [
    'server:',
    `  interface: 127.0.0.1@${port}`,
    `  port: ${port}`,
    '  do-daemonize: no',
    '  use-syslog: no',
    '  logfile: ""',
    '  verbosity: 0',
    '  chroot: ""',
    '  username: ""',
    `  directory: "${dir}"`,
    `  pidfile: "${join(dir, 'unbound.pid')}"`,
    '  access-control: 127.0.0.0/8 allow',
    '  do-ip6: no',
    '  num-threads: 1',
    '  so-reuseport: no',
    '  module-config: "iterator"',
    '  local-zone: "." static',
    '  local-zone: "example.net." static',
    ...EXAMPLE_NET_DATA.map((rr) => `  local-data: '${rr}'`),
  ];
  if (pki !== undefined) {
    lines.push(
      `  interface: 127.0.0.1@${tlsPort}`,
      `  tls-port: ${tlsPort}`,
      `  tls-service-key: "${pki.serverKey}"`,
      `  tls-service-pem: "${pki.serverCert}"`,
    );
  }
  lines.push('remote-control:', '  control-enable: no', '');
  writeFileSync(join(dir, 'unbound.conf'), lines.join('\n'));
  const d = await startDaemon({
    name: 'unbound',
    dir,
    command: 'unbound',
    args: ['-d', '-c', join(dir, 'unbound.conf')],
    probe: { port, name: 'www.example.net', type: 'A' },
  });
  return Object.assign(d, {
    port,
    addr: `127.0.0.1:${port}`,
    tlsPort: pki === undefined ? undefined : tlsPort,
    pki,
  });
}
