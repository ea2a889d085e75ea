/** Unbound as a real recursive peer answering from local data (no network), optionally over TLS. */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { freePorts } from '../ports.js';
import { DEFAULT_HOST, formatTarget, type Target } from '../query-message.js';
import { answersQuery, makeTempDir, startPeer, type PeerProcess } from './process.js';
import { makeTestCa, type TestCa } from './test-ca.js';

export interface UnboundOptions {
  /** Records Unbound serves, one presentation-format record each ('www.example.net. 300 IN A 192.0.2.10'). */
  localData: readonly string[];
  /**
   * Zones answered only from `localData` (static: other names get NXDOMAIN or NODATA).
   * The root zone always is, so no query ever leaves the machine.
   */
  localZones?: readonly string[];
  /** Also serve DNS over TLS on a second port: true makes a test CA, or pass one. */
  tls?: boolean | TestCa;
  /** default: a free port */
  port?: number;
  /** The query whose answer means Unbound is ready; default: the first local-data record's owner and type. */
  ready?: { name: string; type: string };
}

export interface Unbound extends PeerProcess {
  readonly port: number;
  /** `127.0.0.1:PORT` */
  readonly addr: string;
  readonly target: Target;
  /** The DNS-over-TLS port when started with `tls`. */
  readonly tlsPort: number | undefined;
  /** The CA behind the TLS port's certificate when started with `tls`. */
  readonly ca: TestCa | undefined;
}

/** Owner and type of a presentation-format record line. */
function ownerAndType(record: string): { name: string; type: string } {
  const fields = record.trim().split(/\s+/);
  const type = fields.slice(1).find((f) => /^[A-Z][A-Z0-9]*$/.test(f) && f !== 'IN');
  if (type === undefined) throw new Error(`no type in local-data record '${record}'`);
  return { name: fields[0], type };
}

/** Starts unbound in the foreground (`-d`) on 127.0.0.1, one thread, in a temporary directory. */
export async function startUnbound(opts: UnboundOptions): Promise<Unbound> {
  if (opts.localData.length === 0 && opts.ready === undefined)
    throw new Error('startUnbound needs local data or a ready query');
  const dir = makeTempDir('unbound');
  const tls = opts.tls ?? false;
  const wanted = (opts.port === undefined ? 1 : 0) + (tls === false ? 0 : 1);
  const free = await freePorts(wanted);
  const port = opts.port ?? (free.shift() as number);
  const tlsPort = free.shift();
  const ca = tls === false ? undefined : tls === true ? makeTestCa({ dir }) : tls;
  const zones = ['.', ...(opts.localZones ?? [])];
  const lines = [
    'server:',
    `  interface: ${DEFAULT_HOST}@${port}`,
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
    ...zones.map((z) => `  local-zone: "${z}" static`),
    ...opts.localData.map((rr) => `  local-data: '${rr}'`),
  ];
  if (ca !== undefined) {
    lines.push(
      `  interface: ${DEFAULT_HOST}@${tlsPort}`,
      `  tls-port: ${tlsPort}`,
      `  tls-service-key: "${ca.serverKey}"`,
      `  tls-service-pem: "${ca.serverCert}"`,
    );
  }
  lines.push('remote-control:', '  control-enable: no', '');
  const conf = join(dir, 'unbound.conf');
  writeFileSync(conf, lines.join('\n'));
  const target: Target = { host: DEFAULT_HOST, port };
  const probe = opts.ready ?? ownerAndType(opts.localData[0]);
  const peer = await startPeer({
    name: 'unbound',
    command: 'unbound',
    args: ['-d', '-c', conf],
    dir,
    removeDir: true,
    ready: () => answersQuery(target, probe.name, probe.type, true),
  });
  return Object.assign(peer, {
    port,
    addr: formatTarget(target),
    target,
    tlsPort: ca === undefined ? undefined : tlsPort,
    ca,
  });
}
