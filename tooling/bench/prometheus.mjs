// The prometheus scenario of run.mjs: tsdns whoami with and without the prometheus plugin
// in its chain, measured in the same run (interleaved rounds). The plugin's per-query work
// (a recorder, the plugin tracker, counters and histograms) must keep at least 0.9x of the
// QPS. A short run first checks, by scraping /metrics, that the queries are counted.
import { createServer } from 'node:net';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { freePort, runDnsperf, stopProcess } from './dnsperf.mjs';

/** A TCP port that was free on 127.0.0.1 a moment ago (for the metrics endpoint). */
async function freeTcpPort() {
  const s = createServer();
  s.listen(0, '127.0.0.1');
  await once(s, 'listening');
  const { port } = s.address();
  await new Promise((resolve) => s.close(resolve));
  return port;
}

/** coredns_dns_requests_total summed over its series, from a scrape. */
async function requestsCounted(metricsPort) {
  const text = await (await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).text();
  let total = 0;
  for (const line of text.split('\n')) {
    if (line.startsWith('coredns_dns_requests_total{'))
      total += Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return total;
}

export async function prometheusScenario({ compare, tsdns, queryFile, fmt, seconds, rounds }) {
  const qf = queryFile(['example.org A', 'www.example.org A', 'example.org AAAA']);
  const metricsPort = await freeTcpPort();
  const plain = tsdns('tsdns whoami', (p) => `.:${p} {\n  bind 127.0.0.1\n  whoami\n}\n`);
  const withMetrics = tsdns(
    'tsdns whoami + prometheus',
    (p) => `.:${p} {\n  bind 127.0.0.1\n  prometheus 127.0.0.1:${metricsPort}\n  whoami\n}\n`,
  );

  const port = await freePort();
  const child = await withMetrics.start(port);
  let counted;
  let completed;
  try {
    completed = runDnsperf({ port, queryFile: qf, seconds: 1 }).completed;
    counted = await requestsCounted(metricsPort);
  } finally {
    await stopProcess(child);
  }
  console.log(
    `\nprometheus check: dnsperf completed ${fmt(completed)} queries, /metrics counted ${fmt(counted)}`,
  );
  if (!(counted >= completed && completed > 0)) {
    console.error('prometheus did not count the queries it served');
    return false;
  }

  const qps = await compare('whoami with and without prometheus', [plain, withMetrics], qf);
  const ratio = qps.get('tsdns whoami + prometheus') / qps.get('tsdns whoami');
  console.log(`ratio tsdns whoami + prometheus / tsdns whoami: ${ratio.toFixed(2)}x (target >= 0.9x)`);

  // QPS moves with whatever else the machine runs; the server's own CPU time per answered
  // query moves much less, so it shows the plugin's cost even on a busy machine.
  const cpu = { plain: [], withMetrics: [] };
  for (let r = 0; r < rounds; r++) {
    cpu.plain.push(await cpuPerQuery(plain, qf, seconds));
    cpu.withMetrics.push(await cpuPerQuery(withMetrics, qf, seconds));
  }
  const a = median(cpu.plain);
  const b = median(cpu.withMetrics);
  console.log(
    `server CPU per answered query (median of ${rounds}): whoami ${a.toFixed(2)} us, ` +
      `whoami + prometheus ${b.toFixed(2)} us (+${(b - a).toFixed(2)} us); ` +
      `QPS ratio at equal CPU ${(a / b).toFixed(2)}x`,
  );
  return true;
}

const median = (xs) => [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)];

/** User plus system CPU time of a process so far, in microseconds (Linux /proc). */
function cpuMicros(pid) {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  // utime and stime are fields 14 and 15 of the line, in clock ticks (100 a second here)
  const ticks = Number(fields[11]) + Number(fields[12]);
  return (ticks * 1e6) / CLOCK_TICKS;
}
/** USER_HZ, the unit of /proc times: 100 on Linux. */
const CLOCK_TICKS = 100;

async function cpuPerQuery(contender, qf, seconds) {
  const port = await freePort();
  const child = await contender.start(port);
  try {
    runDnsperf({ port, queryFile: qf, seconds: 2 });
    const before = cpuMicros(child.pid);
    const { completed } = runDnsperf({ port, queryFile: qf, seconds });
    return (cpuMicros(child.pid) - before) / completed;
  } finally {
    await stopProcess(child);
  }
}
