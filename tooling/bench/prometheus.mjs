// The prometheus scenario of run.mjs: tsdns whoami with and without the prometheus plugin
// in its chain, measured in the same run (interleaved rounds). The plugin's per-query work
// (a recorder, the plugin tracker, counters and histograms) must keep at least 0.9x of the
// QPS. A short run first checks, by scraping /metrics, that the queries are counted.
import { createServer } from 'node:net';
import { once } from 'node:events';
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
    if (line.startsWith('coredns_dns_requests_total{')) total += Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return total;
}

export async function prometheusScenario({ compare, tsdns, queryFile, fmt }) {
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
  console.log(`\nprometheus check: dnsperf completed ${fmt(completed)} queries, /metrics counted ${fmt(counted)}`);
  if (!(counted >= completed && completed > 0)) {
    console.error('prometheus did not count the queries it served');
    return false;
  }

  const qps = await compare('whoami with and without prometheus', [plain, withMetrics], qf);
  const ratio = qps.get('tsdns whoami + prometheus') / qps.get('tsdns whoami');
  console.log(`ratio tsdns whoami + prometheus / tsdns whoami: ${ratio.toFixed(2)}x (target >= 0.9x)`);
  return true;
}
