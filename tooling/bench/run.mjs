#!/usr/bin/env node
// tsdns benchmarks. Every figure is reported next to references measured in the same run:
// a Node UDP echo server (the ceiling for Node here) and dns2 (the common JS alternative).
//
//   node tooling/bench/run.mjs [server] [codec] [zone] [etcd] [dnstap] [prometheus] [file] [file-load] [kubernetes] [cache] [forward] [--seconds N] [--rounds N]
//
// Needs a build first (`npx pnpm@12.4.2 build`) and dnsperf for the server scenario.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { spawnSync } from 'node:child_process';
import { cpuMicros, freePort, hasDnsperf, runDnsperf, startProcess, stopProcess } from './dnsperf.mjs';
import { etcdScenario } from './etcd.mjs';
import { dnstapScenario } from './dnstap.mjs';
import { prometheusScenario } from './prometheus.mjs';
import { fileScenario } from './file-serve.mjs';
import { kubernetesScenario } from './kubernetes-qps.mjs';
import { cacheScenario, forwardScenario } from './resolver.mjs';

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

/** Starts a contender on a free port; another port when that one turned out taken (TCP). */
async function startOnFreePort(start) {
  for (let attempt = 1; ; attempt++) {
    const port = await freePort();
    try {
      return { port, child: await start(port) };
    } catch (e) {
      if (attempt >= 5) throw e;
    }
  }
}

/** One dnsperf run after a warm-up; `cpu` is the server's CPU microseconds per answered query. */
async function measure(label, start, queryFile) {
  const { port, child } = await startOnFreePort(start);
  try {
    // a short warm-up lets V8 optimise the hot path before the measured run
    runDnsperf({ port, queryFile, seconds: 2 });
    const before = cpuMicros(child.pid);
    const run = runDnsperf({ port, queryFile, seconds });
    const after = cpuMicros(child.pid);
    return { ...run, cpu: before === undefined || after === undefined ? NaN : (after - before) / run.completed };
  } finally {
    await stopProcess(child);
  }
}

/**
 * Measures each contender `rounds` times, interleaved so drift affects all alike, and
 * prints the medians. Returns label -> { qps, cpu } (cpu: the server's CPU microseconds per
 * answered query, which moves much less than QPS when other programs share the machine).
 */
async function compareRuns(title, contenders, queryFile) {
  const results = new Map(contenders.map((c) => [c.label, []]));
  for (let r = 0; r < rounds; r++) {
    for (const c of contenders) results.get(c.label).push(await measure(c.label, c.start, queryFile));
  }
  console.log(`\n## ${title} (dnsperf, ${seconds}s x ${rounds} rounds, median QPS)`);
  const medians = new Map();
  for (const [label, runs] of results) {
    const q = median(runs.map((x) => x.qps));
    const cpu = median(runs.map((x) => x.cpu));
    const lost = runs.reduce((a, x) => a + x.lost, 0);
    const lat = median(runs.map((x) => x.avgLatency)) * 1000;
    medians.set(label, { qps: q, cpu, runs });
    console.log(
      `${label.padEnd(28)} ${fmt(q).padStart(10)} qps   avg latency ${lat.toFixed(3)} ms   lost ${lost}` +
        `   server CPU ${cpu.toFixed(2)} us/query`,
    );
  }
  return medians;
}

/** compareRuns, returning label -> median QPS. */
async function compare(title, contenders, queryFile) {
  const medians = await compareRuns(title, contenders, queryFile);
  return new Map([...medians].map(([label, m]) => [label, m.qps]));
}

/**
 * A target ratio of `label` to the reference, by QPS (the figure the target is about) and
 * by server CPU per query (the QPS ratio a CPU-bound pair would have: steadier here).
 */
function printRatio(medians, label, reference, what, target) {
  const a = medians.get(label);
  const b = medians.get(reference);
  // Each round measures the two back to back, so the spread of the per-round ratios shows
  // how much of a difference between runs is the machine rather than the code.
  const perRound = a.runs.map((x, i) => x.qps / b.runs[i].qps).sort((x, y) => x - y);
  const spread =
    perRound.length > 1 ? `; per round ${perRound[0].toFixed(2)}-${perRound[perRound.length - 1].toFixed(2)}` : '';
  console.log(
    `ratio ${what}: ${(a.qps / b.qps).toFixed(2)}x by QPS, ${(b.cpu / a.cpu).toFixed(2)}x by CPU per query${spread}` +
      (target === undefined ? '' : ` (target >= ${target}x)`),
  );
}

const node = process.execPath;
const echo = { label: 'node udp echo', start: (p) => startProcess(node, [join(here, 'servers/echo.mjs'), String(p)], p) };
/** The echo server with tsdns's synchronous address resolution: for comparison, no target. */
const echoLiteral = {
  label: 'node echo, literal lookup',
  start: (p) => startProcess(node, [join(here, 'servers/echo.mjs'), String(p), 'literal'], p),
};
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
  if (s === 'cache') {
    if (!hasDnsperf() || !(await cacheScenario({ compareRuns, printRatio, echo, tsdns, queryFile })))
      process.exitCode = 1;
    continue;
  }
  if (s === 'forward') {
    const args = { compareRuns, printRatio, tsdns, queryFile, seconds, rounds };
    if (!hasDnsperf() || !(await forwardScenario(args))) process.exitCode = 1;
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
  const medians = await compareRuns('whoami', [echo, echoLiteral, dns2, whoami], qf);
  printRatio(medians, 'tsdns whoami', 'node udp echo', 'tsdns whoami / node echo', 0.85);
  printRatio(medians, 'tsdns whoami', 'dns2 (one A record)', 'tsdns whoami / dns2', 1.8);
  printRatio(medians, 'tsdns whoami', 'node echo, literal lookup', 'tsdns whoami / echo with literal lookup');
}
