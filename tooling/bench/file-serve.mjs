// The file scenario of run.mjs: dnsperf against the built tsdns answering from a zone file
// with the file plugin, next to the Node echo server (the ceiling for Node here) and Knot
// serving the same file with one UDP worker, in the same run; tsdns whoami too, to tell the
// file plugin's share from the server's. The zone has 10,000 names
// (hosts, CNAMEs, MX, TXT and 1,000 wildcards, each below an empty non-terminal); the
// queries mix existing names, NXDOMAIN and wildcard hits. Before measuring, a sample of each
// kind of query is sent to tsdns and Knot and their rcodes, AA bits and answer counts must
// agree, so the numbers compare the same work.
//
// Needs Debian's knotd and dnsperf, and a build of apps/server.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, stopProcess } from './dnsperf.mjs';
import { knotContender, probeHeader } from './peers.mjs';

const ORIGIN = 'bench.example.';
const NAMES = 10_000;
const QUERIES = 30_000;

export function hasKnot() {
  return spawnSync('knotd', ['--version'], { stdio: 'ignore' }).error === undefined;
}

/** Writes the zone: NAMES owner names under ORIGIN, every tenth a wildcard. */
function writeZone(path) {
  const lines = [
    `$ORIGIN ${ORIGIN}`,
    '$TTL 3600',
    '@ SOA ns1 hostmaster 2024010101 7200 3600 1209600 300',
    '@ NS ns1',
    '@ NS ns2',
    'ns1 A 192.0.2.1',
    'ns2 A 192.0.2.2',
  ];
  for (let i = 0; i < NAMES; i++) {
    const ip = `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`;
    switch (i % 10) {
      case 0:
      case 1:
      case 2:
      case 3:
        lines.push(`host${i} A ${ip}`);
        break;
      case 4:
      case 5:
        lines.push(`host${i} A ${ip}`, `  AAAA 2001:db8::${(i & 0xffff).toString(16)}`);
        break;
      case 6:
        lines.push(`mail${i} A ${ip}`, `  MX 10 mail${i}`);
        break;
      case 7:
        lines.push(`alias${i} CNAME host${i - 7}`);
        break;
      case 8:
        // w<i> itself holds nothing: an empty non-terminal above the wildcard.
        lines.push(`*.w${i} A ${ip}`);
        break;
      default:
        lines.push(`txt${i} TXT "v=spf1 ip4:${ip} -all"`);
    }
  }
  writeFileSync(path, lines.join('\n') + '\n');
}

/** One query of each kind for name number i (see writeZone): [kind, name, type]. */
function queryFor(kind, i) {
  if (kind === 'nxdomain') return [kind, `nope${i}.${ORIGIN}`, 'A'];
  if (kind === 'wildcard') return [kind, `q${i}.w${(i - (i % 10) + 8) % NAMES}.${ORIGIN}`, 'A'];
  const j = i - (i % 10);
  switch (i % 5) {
    case 0:
      return [kind, `host${j + (i % 4)}.${ORIGIN}`, 'A'];
    case 1:
      return [kind, `host${j + 4}.${ORIGIN}`, 'AAAA'];
    case 2:
      return [kind, `mail${j + 6}.${ORIGIN}`, 'MX'];
    case 3:
      return [kind, `alias${j + 7}.${ORIGIN}`, 'A'];
    default:
      return [kind, `txt${j + 9}.${ORIGIN}`, 'TXT'];
  }
}

/** Half existing names, a quarter NXDOMAIN, a quarter wildcard hits, in a fixed random order. */
function queryMix() {
  let seed = 12345;
  const random = () => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return seed / 0x80000000;
  };
  const out = [];
  for (let q = 0; q < QUERIES; q++) {
    const r = random();
    const kind = r < 0.5 ? 'existing' : r < 0.75 ? 'nxdomain' : 'wildcard';
    out.push(queryFor(kind, Math.floor(random() * NAMES)));
  }
  return out;
}

const TYPES = { A: 1, MX: 15, TXT: 16, AAAA: 28 };

/** "rcode=N aa=N answers=N" from the header of the reply to one query. */
async function probe(port, name, type) {
  const h = await probeHeader(port, name, TYPES[type], { timeoutMs: 2000 });
  return `rcode=${h.rcode} aa=${h.aa} answers=${h.answers}`;
}

/** Asks tsdns and Knot a sample of each kind of query; returns the disagreements. */
async function disagreements(contenders) {
  const samples = [];
  for (const kind of ['existing', 'nxdomain', 'wildcard'])
    for (let i = 0; i < 10; i++) samples.push(queryFor(kind, i * 997 + 3));
  const seen = [];
  for (const c of contenders) {
    const port = await freePort();
    const child = await c.start(port);
    try {
      const answers = [];
      for (const [, name, type] of samples) answers.push(await probe(port, name, type));
      seen.push(answers);
    } finally {
      await stopProcess(child);
    }
  }
  const out = [];
  samples.forEach(([kind, name, type], k) => {
    if (seen[0][k] !== seen[1][k])
      out.push(
        `${kind} ${name} ${type}: ${contenders[0].label} ${seen[0][k]}, ${contenders[1].label} ${seen[1][k]}`,
      );
  });
  if (!seen[0].slice(0, 10).every((a) => a.startsWith('rcode=0 aa=1') && !a.endsWith('answers=0')))
    out.push(`existing names not answered: ${seen[0].slice(0, 10)}`);
  return out;
}

/**
 * Runs the scenario with run.mjs's helpers (compare, echo, tsdns, queryFile, fmt). Returns
 * false when it cannot run or the servers disagree.
 */
export async function fileScenario(h) {
  if (!hasKnot()) {
    console.error('knotd is not installed (apt-get install knot)');
    return false;
  }
  const dir = mkdtempSync(join(tmpdir(), 'tsdns-bench-file-'));
  try {
    const zoneFile = join(dir, 'db.bench');
    writeZone(zoneFile);
    const mix = queryMix();
    const qf = h.queryFile(mix.map(([, name, type]) => `${name} ${type}`));
    const file = h.tsdns(
      'tsdns file',
      (p) => `${ORIGIN}:${p} {\n  bind 127.0.0.1\n  file ${zoneFile} {\n    reload 0\n  }\n}\n`,
    );
    const whoami = h.tsdns('tsdns whoami', (p) => `.:${p} {\n  bind 127.0.0.1\n  whoami\n}\n`);
    const k = knotContender(dir, { origin: ORIGIN, zoneFile });
    const wrong = await disagreements([file, k]);
    if (wrong.length > 0) {
      console.error(`tsdns and Knot disagree:\n  ${wrong.join('\n  ')}`);
      return false;
    }
    const counts = { existing: 0, nxdomain: 0, wildcard: 0 };
    for (const [kind] of mix) counts[kind]++;
    const qps = await h.compare(
      `file (${h.fmt(NAMES)} names with ${h.fmt(NAMES / 10)} wildcards; queries ${h.fmt(counts.existing)} existing / ${h.fmt(counts.nxdomain)} NXDOMAIN / ${h.fmt(counts.wildcard)} wildcard)`,
      [h.echo, whoami, file, k],
      qf,
    );
    const t = qps.get('tsdns file');
    console.log(
      `ratio tsdns file / node echo: ${(t / qps.get('node udp echo')).toFixed(2)}x (target >= 0.85x)`,
    );
    console.log(`ratio tsdns file / knot:      ${(t / qps.get(k.label)).toFixed(2)}x`);
    console.log(`ratio tsdns file / whoami:    ${(t / qps.get('tsdns whoami')).toFixed(2)}x`);
    return true;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
