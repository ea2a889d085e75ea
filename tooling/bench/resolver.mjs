// The resolver-path scenarios of run.mjs, against a local Knot (one UDP worker) as the
// authoritative upstream:
//
//  - cache: tsdns with `cache` and `forward` answering from a warm cache, next to the Node
//    echo server in the same run (target: at least 0.8x of its QPS);
//  - forward: cache misses, tsdns with `forward` alone passing every query to Knot, next to
//    dnsperf asking Knot directly: QPS at saturation, and latency (p50, p99) at a fixed
//    moderate rate, where it measures the work per query instead of queueing.
//
// Before measuring, each query of the mix is asked of tsdns and of Knot and their rcodes and
// answer counts must agree, so the numbers compare the same work.
//
// Needs Debian's knotd and dnsperf, and a build of apps/server.
import { spawnSync } from 'node:child_process';
import dgram from 'node:dgram';
import { once } from 'node:events';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, runDnsperf, stopProcess } from './dnsperf.mjs';
import { knotContender } from './peers.mjs';

const ORIGIN = 'example.org.';

const ZONE = `$ORIGIN ${ORIGIN}
$TTL 86400
@        SOA  ns1 hostmaster 2024010101 3600 600 86400 3600
@        NS   ns1
@        NS   ns2
@        MX   10 mail
ns1      A    192.0.2.1
ns2      A    192.0.2.2
mail     A    192.0.2.25
www      A    192.0.2.80
www      AAAA 2001:db8::80
alias    CNAME www
`;

/** The query mix: positive answers of several types, a CNAME chain and a name error. */
const QUERIES = [
  'www.example.org A',
  'www.example.org AAAA',
  'example.org MX',
  'example.org NS',
  'alias.example.org A',
  'missing.example.org A',
];

/** The fixed rate of the latency runs: well below what either side sustains here. */
const LATENCY_RATE = 2000;

export function hasKnot() {
  return spawnSync('knotd', ['--version'], { stdio: 'ignore' }).error === undefined;
}

/** knotd serving ZONE from a file in `dir`; `name` keeps the run directories of several apart. */
function knot(dir, name) {
  const zoneFile = join(dir, 'example.org.zone');
  writeFileSync(zoneFile, ZONE);
  return knotContender(dir, { origin: ORIGIN, zoneFile, name });
}

/** A query's wire form: `name type` of the mix, RD set, no EDNS (as dnsperf sends them). */
function wireQuery(line, id) {
  const [name, type] = line.split(' ');
  const types = { A: 1, NS: 2, MX: 15, AAAA: 28 };
  const parts = [id >> 8, id & 255, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0];
  for (const label of name.split('.')) parts.push(label.length, ...Buffer.from(label, 'ascii'));
  parts.push(0, 0, types[type], 0, 1);
  return Buffer.from(parts);
}

/** rcode and answer count of the reply to each query of the mix. */
async function shapes(port) {
  const s = dgram.createSocket('udp4');
  s.bind(0, '127.0.0.1');
  await once(s, 'listening');
  const out = [];
  try {
    for (let i = 0; i < QUERIES.length; i++) {
      // a busy machine may lose a datagram: ask up to three times
      let reply;
      for (let attempt = 0; attempt < 3 && reply === undefined; attempt++) {
        const got = once(s, 'message');
        s.send(wireQuery(QUERIES[i], i + 1), port, '127.0.0.1');
        const timer = new Promise((resolve) => setTimeout(resolve, 2000, undefined));
        reply = await Promise.race([got.then(([m]) => m), timer]);
      }
      out.push(
        reply === undefined ? 'no answer' : `rcode ${reply[3] & 15} answers ${(reply[6] << 8) | reply[7]}`,
      );
    }
  } finally {
    s.close();
  }
  return out;
}

/** Asks the mix of a running contender and of Knot; returns the disagreements. */
async function disagreements(contender, knotPort) {
  const port = await freePort();
  const child = await contender.start(port);
  try {
    const mine = await shapes(port);
    const theirs = await shapes(knotPort);
    return QUERIES.flatMap((q, i) =>
      mine[i] === theirs[i] ? [] : [`${q}: tsdns ${mine[i]}, knot ${theirs[i]}`],
    );
  } finally {
    await stopProcess(child);
  }
}

/** Starts an upstream Knot for the scenario; `stop` ends it. */
async function upstreamKnot(dir) {
  const k = knot(dir, 'upstream');
  const port = await freePort();
  const child = await k.start(port);
  return { port, stop: () => stopProcess(child) };
}

async function check(contender, knotPort) {
  const diff = await disagreements(contender, knotPort);
  if (diff.length === 0) return true;
  console.error(`tsdns and Knot disagree:\n  ${diff.join('\n  ')}`);
  return false;
}

export async function cacheScenario({ compareRuns, printRatio, echo, tsdns, queryFile }) {
  if (!hasKnot()) {
    console.error('knotd is not installed (apt-get install knot)');
    return false;
  }
  const dir = mkdtempSync(join(tmpdir(), 'tsdns-bench-resolver-'));
  const upstream = await upstreamKnot(dir);
  try {
    const cached = tsdns(
      'tsdns cache + forward',
      (p) => `.:${p} {\n  bind 127.0.0.1\n  cache\n  forward . 127.0.0.1:${upstream.port}\n}\n`,
    );
    if (!(await check(cached, upstream.port))) return false;
    // run.mjs's warm-up run fills the cache before each measured run
    const medians = await compareRuns('cache hits (warm), upstream Knot', [echo, cached], queryFile(QUERIES));
    printRatio(medians, 'tsdns cache + forward', 'node udp echo', 'tsdns cache hits / node echo', 0.8);
    return true;
  } finally {
    await upstream.stop();
  }
}

export async function forwardScenario({ compareRuns, printRatio, tsdns, queryFile, seconds, rounds }) {
  if (!hasKnot()) {
    console.error('knotd is not installed (apt-get install knot)');
    return false;
  }
  const dir = mkdtempSync(join(tmpdir(), 'tsdns-bench-resolver-'));
  const upstream = await upstreamKnot(dir);
  try {
    const direct = knot(dir, 'direct');
    const forwarding = tsdns(
      'tsdns forward -> knot',
      (p) => `.:${p} {\n  bind 127.0.0.1\n  forward . 127.0.0.1:${upstream.port}\n}\n`,
    );
    if (!(await check(forwarding, upstream.port))) return false;
    const qf = queryFile(QUERIES);
    const medians = await compareRuns('cache misses: forwarding to Knot', [direct, forwarding], qf);
    printRatio(medians, 'tsdns forward -> knot', 'knot (1 udp worker)', 'tsdns forward / knot direct');

    // Latency at a rate both sustain easily, interleaved rounds; the medians of each percentile.
    const lat = new Map([
      [direct.label, []],
      [forwarding.label, []],
    ]);
    for (let r = 0; r < rounds; r++) {
      for (const c of [direct, forwarding]) {
        const port = await freePort();
        const child = await c.start(port);
        try {
          runDnsperf({ port, queryFile: qf, seconds: 2 });
          lat
            .get(c.label)
            .push(runDnsperf({ port, queryFile: qf, seconds, rate: LATENCY_RATE, latencies: true }));
        } finally {
          await stopProcess(child);
        }
      }
    }
    console.log(`\n## latency at ${LATENCY_RATE} qps (dnsperf -Q, ${seconds}s x ${rounds} rounds, medians)`);
    const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
    const ms = (s) => `${(s * 1000).toFixed(3)} ms`;
    for (const [label, runs] of lat) {
      const p = (k) => median(runs.map((x) => x.latency[k]));
      const lost = runs.reduce((a, x) => a + x.lost, 0);
      console.log(
        `${label.padEnd(28)} p50 ${ms(p('p50'))}   p99 ${ms(p('p99'))}   max ${ms(p('max'))}   lost ${lost}`,
      );
    }
    return true;
  } finally {
    await upstream.stop();
  }
}
