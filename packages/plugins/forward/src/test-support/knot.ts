/** Knot DNS (knotd) as an authoritative upstream for tests. */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { freePorts, hasTool } from '@tsdns/testing';
import { startDaemon, tempDir, type Daemon } from './daemon.js';

export const HAVE_KNOT = hasTool('knotd');

export interface Knot extends Daemon {
  readonly port: number;
  /** `127.0.0.1:PORT` */
  readonly addr: string;
}

/** The zone the tests query: example.org with a few names. */
export const EXAMPLE_ORG_ZONE = `$ORIGIN example.org.
$TTL 300
@        SOA  ns1 hostmaster 2024010101 3600 600 86400 300
@        NS   ns1
ns1      A    192.0.2.1
www      A    192.0.2.80
www      AAAA 2001:db8::80
alias    CNAME www
`;

/**
 * Starts knotd in the foreground on a loopback port (default: a free one) serving `zones`
 * (origin without the trailing dot -> zone file text).
 */
export async function startKnot(
  zones: Record<string, string> = { 'example.org': EXAMPLE_ORG_ZONE },
  port?: number,
): Promise<Knot> {
  const dir = tempDir('knot');
  port ??= (await freePorts(1))[0];
  const origins = Object.keys(zones);
  for (const origin of origins) writeFileSync(join(dir, `${origin}.zone`), zones[origin]);
  writeFileSync(
    join(dir, 'knot.conf'),
    `server:
    listen: 127.0.0.1@${port}
    rundir: ${dir}
    pidfile: ${join(dir, 'knot.pid')}
    udp-workers: 1
    tcp-workers: 1
    background-workers: 1
database:
    storage: ${dir}
template:
  - id: default
    storage: ${dir}
    file: "%s.zone"
zone:
${origins.map((o) => `  - domain: ${o}`).join('\n')}
log:
  - target: stderr
    any: warning
`,
  );
  const d = await startDaemon({
    name: 'knotd',
    dir,
    command: 'knotd',
    args: ['-c', join(dir, 'knot.conf')],
    probe: { port, name: origins[0], type: 'SOA' },
  });
  return Object.assign(d, { port, addr: `127.0.0.1:${port}` });
}
