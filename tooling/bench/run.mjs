#!/usr/bin/env node
// tsdns benchmarks. Every figure is reported next to references measured in the same run:
// a Node UDP echo server (the ceiling for Node here) and dns2 (the common JS alternative).
//
//   node tooling/bench/run.mjs [server] [codec] [zone] [etcd] [dnstap] [prometheus] [file] [file-load] [kubernetes] [--seconds N] [--rounds N]
//
// Needs a build first (`npx pnpm@12.4.2 build`) and dnsperf for the server scenario.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { spawnSync } from 'node:child_process';
import { freePort, hasDnsperf, runDnsperf, startProcess, stopProcess } from './dnsperf.mjs';
import { etcdScenario } from './etcd.mjs';
import { dnstapScenario } from './dnstap.mjs';
import { prometheusScenario } from './prometheus.mjs';
import { fileScenario } from './file-serve.mjs';
import { kubernetesScenario } from './kubernetes-qps.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '../..');
const argv = process.argv.slice(2);
const opt = (name, dflt) => {
  const i = argv.indexOf(`--${name}`);
  if (i < 0) return dflt;
  const v = Number(argv[i + 1]);
  argv.splice(i, 2);
  return v;
};
const seconds = opt('seconds', 10);
const rounds = opt('rounds', 3);
const scenarios = argv.length ? argv : ['codec', 'zone', 'server'];

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const fmt = (n) => Math.round(n).toLocaleString('en-US');

async function measure(label, start, queryFile) {
  const port = await freePort();
  const child = await start(port);
  try {
    // a short warm-up lets V8 optimise the hot path before the measured run
    runDnsperf({ port, queryFile, seconds: 2 });
    return runDnsperf({ port, queryFile, seconds });
  } finally {
    await stopProcess(child);
  }
}

/** Measures each contender `rounds` times, interleaved so drift affects all alike. */
async function compare(title, contenders, queryFile) {
  const results = new Map(contenders.map((c) => [c.label, []]));
  for (let r = 0; r < rounds; r++) {
    for (const c of contenders) results.get(c.label).push(await measure(c.label, c.start, queryFile));
  }
  console.log(`\n## ${title} (dnsperf, ${seconds}s x ${rounds} rounds, median QPS)`);
  const qps = new Map();
  for (const [label, runs] of results) {
    const q = median(runs.map((x) => x.qps));
    const lost = runs.reduce((a, x) => a + x.lost, 0);
    const lat = median(runs.map((x) => x.avgLatency)) * 1000;
    qps.set(label, q);
    console.log(`${label.padEnd(28)} ${fmt(q).padStart(10)} qps   avg latency ${lat.toFixed(3)} ms   lost ${lost}`);
  }
  return qps;
}

const node = process.execPath;
const echo = { label: 'node udp echo', start: (p) => startProcess(node, [join(here, 'servers/echo.mjs'), String(p)], p) };
const dns2 = { label: 'dns2 (one A record)', start: (p) => startProcess(node, [join(here, 'servers/dns2.mjs'), String(p)], p) };

function tsdns(label, corefileFor) {
  return {
    label,
    start(port) {
      const dir = mkdtempSync(join(tmpdir(), 'tsdns-bench-'));
      const conf = join(dir, 'Corefile');
      writeFileSync(conf, corefileFor(port));
      return startProcess(node, [join(root, 'apps/server/dist/main.js'), '-conf', conf, '-quiet'], port);
    },
  };
}

function queryFile(lines) {
  const dir = mkdtempSync(join(tmpdir(), 'tsdns-bench-q-'));
  const file = join(dir, 'queries');
  writeFileSync(file, lines.join('\n') + '\n');
  return file;
}

for (const s of scenarios) {
  if (s === 'codec' || s === 'zone') {
    const r = spawnSync(node, ['--expose-gc', join(here, `${s}.mjs`)], { stdio: 'inherit' });
    if (r.status !== 0) process.exitCode = 1;
    continue;
  }
  if (s === 'file') {
    if (!hasDnsperf() || !(await fileScenario({ compare, echo, tsdns, queryFile, fmt }))) process.exitCode = 1;
    continue;
  }
  if (s === 'file-load') {
    const r = spawnSync(node, ['--expose-gc', join(here, 'file.mjs')], { stdio: 'inherit' });
    if (r.status !== 0) process.exitCode = 1;
    continue;
  }
  if (s === 'etcd') {
    if (!hasDnsperf() || !(await etcdScenario({ root, compare, echo, tsdns, queryFile, seconds, fmt }))) process.exitCode = 1;
    continue;
  }
  if (s === 'dnstap') {
    if (!hasDnsperf() || !(await dnstapScenario({ root, here, queryFile, seconds, rounds, fmt }))) process.exitCode = 1;
    continue;
  }
  if (s === 'kubernetes') {
    if (!hasDnsperf() || !(await kubernetesScenario({ root, here, compare, echo, tsdns, queryFile, fmt })))
      process.exitCode = 1;
    continue;
  }
  if (s === 'prometheus') {
    if (!hasDnsperf() || !(await prometheusScenario({ compare, tsdns, queryFile, fmt, seconds, rounds }))) process.exitCode = 1;
    continue;
  }
  if (s !== 'server') {
    console.error(`unknown scenario ${s}`);
    process.exitCode = 2;
    continue;
  }
  if (!hasDnsperf()) {
    console.error('dnsperf is not installed (apt-get install dnsperf)');
    process.exitCode = 1;
    continue;
  }
  const qf = queryFile(['example.org A', 'www.example.org A', 'example.org AAAA']);
  const whoami = tsdns('tsdns whoami', (p) => `.:${p} {\n  bind 127.0.0.1\n  whoami\n}\n`);
  const qps = await compare('whoami', [echo, dns2, whoami], qf);
  const t = qps.get('tsdns whoami');
  console.log(`ratio tsdns whoami / node echo: ${(t / qps.get('node udp echo')).toFixed(2)}x (target >= 0.85x)`);
  console.log(`ratio tsdns whoami / dns2:      ${(t / qps.get('dns2 (one A record)')).toFixed(2)}x (target >= 1.8x)`);
}
