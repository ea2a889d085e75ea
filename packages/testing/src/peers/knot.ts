/**
 * Knot DNS (Debian's knotd) as a real peer: an authoritative server for differential tests,
 * a primary to transfer from, or a secondary of tsdns.
 */
import { renameSync, writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { query } from '../client.js';
import { freePorts } from '../ports.js';
import { DEFAULT_HOST, formatTarget, type Target } from '../query-message.js';
import { runTool } from '../tools.js';
import { answersQuery, makeTempDir, startPeer, type PeerProcess } from './process.js';

export interface KnotZone {
  /** The zone's name ('example.org.'; the trailing dot is optional). */
  origin: string;
  /** The zone file's text, written to the zone's file in Knot's directory. */
  text?: string;
  /** An existing zone file to serve as it is (instead of `text`). */
  file?: string;
  /**
   * Makes Knot a secondary for the zone: it transfers the zone from here and accepts NOTIFY
   * from loopback addresses. Its zone file (if any) is only a starting point.
   */
  primary?: Target;
  /** Where Knot sends NOTIFY when the zone changes. */
  notify?: readonly Target[];
}

export interface KnotOptions {
  zones: readonly KnotZone[];
  /** The loopback address Knot listens on; default 127.0.0.1. */
  host?: string;
  /** default: a free port */
  port?: number;
  /** Knot's configuration, state and zone files; default: a temporary directory removed at stop. */
  dir?: string;
  /**
   * Keep zone changes in the journal and load zone file edits as differences, so that Knot
   * answers IXFR (as a primary) and applies IXFR (as a secondary). Default false: whole
   * zone files, no journal.
   */
  journal?: boolean;
  /** Knot's log level on stderr (see `output()`); default 'warning'. */
  logLevel?: 'debug' | 'info' | 'notice' | 'warning' | 'error';
  /** Milliseconds to wait for the zones to load; default 15000. */
  timeout?: number;
}

export interface Knot extends PeerProcess {
  readonly port: number;
  /** `HOST:PORT`, as a Corefile address. */
  readonly addr: string;
  readonly target: Target;
  /** The control socket, for `knotc -s`. */
  readonly socket: string;
  /** The file Knot loads `origin` from. */
  zoneFile(origin: string): string;
  /** The SOA serial Knot serves for `origin`, or undefined while it serves none. */
  serial(origin: string): Promise<number | undefined>;
  /** Replaces the zone's file with `text` (atomically) when given, then has Knot reload it. */
  reload(origin: string, text?: string): Promise<void>;
}

function fqdn(name: string): string {
  return name.endsWith('.') ? name : `${name}.`;
}

function knotAddress(t: Target): string {
  return `${t.host ?? DEFAULT_HOST}@${t.port}`;
}

/** The name of a zone's file in Knot's directory: 'example.org.zone', 'root.zone'. */
function ownZoneFile(dir: string, origin: string): string {
  return join(dir, origin === '.' ? 'root.zone' : `${origin}zone`);
}

/**
 * Starts knotd in the foreground (on 127.0.0.1 unless `host` says otherwise), one worker of
 * each kind, serving `zones`.
 * Resolves once every zone with content (text or file, no primary) answers its SOA, or,
 * when all zones are secondaries, once Knot answers at all.
 */
export async function startKnot(opts: KnotOptions): Promise<Knot> {
  if (opts.zones.length === 0) throw new Error('startKnot needs at least one zone');
  const host = opts.host ?? DEFAULT_HOST;
  const port = opts.port ?? (await freePorts(1))[0];
  const dir = opts.dir ?? makeTempDir('knot');
  mkdirSync(join(dir, 'db'), { recursive: true });
  const socket = join(dir, 'knot.sock');
  const files = new Map<string, string>();
  const remotes: string[] = [];
  const zoneLines: string[] = [];
  opts.zones.forEach((z, i) => {
    const origin = fqdn(z.origin);
    const file = z.file ?? ownZoneFile(dir, origin);
    if (z.text !== undefined) writeFileSync(file, z.text);
    files.set(origin.toLowerCase(), file);
    zoneLines.push(`  - domain: ${origin}`, `    file: ${file}`);
    if (z.primary !== undefined) {
      remotes.push(`  - id: primary${i}`, `    address: ${knotAddress(z.primary)}`);
      zoneLines.push(`    master: primary${i}`);
    }
    const notify = (z.notify ?? []).map((t, j) => {
      remotes.push(`  - id: notify${i}_${j}`, `    address: ${knotAddress(t)}`);
      return `notify${i}_${j}`;
    });
    if (notify.length > 0) zoneLines.push(`    notify: [${notify.join(', ')}]`);
  });
  const conf = join(dir, 'knot.conf');
  writeFileSync(
    conf,
    [
      'server:',
      `    listen: ${host}@${port}`,
      `    rundir: ${dir}`,
      '    udp-workers: 1',
      '    tcp-workers: 1',
      '    background-workers: 1',
      'control:',
      `    listen: ${socket}`,
      'database:',
      `    storage: ${join(dir, 'db')}`,
      'log:',
      '  - target: stderr',
      `    any: ${opts.logLevel ?? 'warning'}`,
      ...(remotes.length > 0 ? ['remote:', ...remotes] : []),
      // Tests run on loopback only: loopback may transfer every zone and NOTIFY Knot.
      'acl:',
      '  - id: loopback',
      '    address: 127.0.0.0/8',
      '    action: [transfer, notify]',
      'template:',
      '  - id: default',
      '    zonefile-sync: -1',
      `    zonefile-load: ${opts.journal ? 'difference' : 'whole'}`,
      `    journal-content: ${opts.journal ? 'changes' : 'none'}`,
      '    semantic-checks: off',
      '    acl: loopback',
      'zone:',
      ...zoneLines,
      '',
    ].join('\n'),
  );
  const target: Target = { host, port };
  const loaded = opts.zones.filter(
    (z) => z.primary === undefined && (z.text !== undefined || z.file !== undefined),
  );
  const probes = loaded.length > 0 ? loaded : [opts.zones[0]];
  const peer = await startPeer({
    name: 'knotd',
    command: 'knotd',
    args: ['-c', conf],
    dir,
    removeDir: opts.dir === undefined,
    timeout: opts.timeout,
    ready: async () => {
      for (const z of probes)
        if (!(await answersQuery(target, fqdn(z.origin), 'SOA', loaded.length > 0))) return false;
      return true;
    },
  });
  const zoneFile = (origin: string): string => {
    const file = files.get(fqdn(origin).toLowerCase());
    if (file === undefined) throw new Error(`knotd serves no zone ${origin}`);
    return file;
  };
  let writes = 0;
  return Object.assign(peer, {
    port,
    addr: formatTarget(target),
    target,
    socket,
    zoneFile,
    async serial(origin: string): Promise<number | undefined> {
      try {
        const reply = await query(target, fqdn(origin), 'SOA', { timeout: 500, rd: false });
        const soa = reply.answers.find((rr) => rr.type === 'SOA');
        return soa?.type === 'SOA' ? soa.data.serial : undefined;
      } catch {
        return undefined;
      }
    },
    async reload(origin: string, text?: string): Promise<void> {
      const file = zoneFile(origin);
      if (text !== undefined) {
        // A rename, so Knot never reads a half-written file.
        const tmp = `${file}.${writes++}`;
        writeFileSync(tmp, text);
        renameSync(tmp, file);
      }
      const r = await runTool('knotc', ['-s', socket, 'zone-reload', fqdn(origin)]);
      if (r.exitCode !== 0) throw new Error(`knotc zone-reload ${origin}: ${r.stderr || r.stdout}`);
    },
  });
}
