// The dnstap scenario of run.mjs: QPS of the built tsdns serving whoami, alone and with
// `dnstap SOCKET full` sending to a collector that keeps up and to one that cannot (it reads
// 256 KiB/s), interleaved over rounds. What it shows: queries are never lost and their rate
// barely moves when the collector is slow (the plugin drops and counts instead of waiting);
// with a collector that keeps up, how many dnstap messages arrived of the two per answered
// query, and the cost of encoding them.
//
// Needs a build of apps/server (with the dnstap plugin) and of packages/plugins/dnstap.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, runDnsperf, startProcess } from './dnsperf.mjs';

const CLIENT_QUERY = 5;
const CLIENT_RESPONSE = 6;

async function startCollector(here, path, mode) {
  const child = spawn(process.execPath, [join(here, 'servers/dnstap-collector.mjs'), path, mode], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let out = '';
  child.stdout.on('data', (c) => (out += c));
  while (!out.includes('ready\n')) {
    if (child.exitCode !== null) throw new Error(`dnstap collector exited with ${child.exitCode}`);
    await new Promise((r) => setTimeout(r, 20));
  }
  return {
    async stop() {
      const before = out.length;
      child.kill('SIGTERM');
      await once(child, 'exit');
      return JSON.parse(out.slice(before).trim());
    },
  };
}

/** Stops the server, giving its dnstap output time to send STOP and wait for FINISH. */
async function stopServer(child) {
  if (child.exitCode !== null) return;
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 15000);
  await once(child, 'exit');
  clearTimeout(timer);
}

export async function dnstapScenario({ root, here, queryFile, seconds, rounds, fmt }) {
  const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  const qf = queryFile(['example.org A', 'www.example.org A', 'example.org AAAA']);
  const contenders = [
    { label: 'tsdns whoami', collector: undefined },
    { label: 'whoami + dnstap full', collector: 'fast' },
    { label: 'whoami + dnstap full, slow', collector: 'slow' },
  ];
  const runs = new Map(contenders.map((c) => [c.label, []]));
  for (let r = 0; r < rounds; r++) {
    for (const c of contenders) {
      const dir = mkdtempSync(join(tmpdir(), 'tsdns-bench-dnstap-'));
      const sock = join(dir, 'tap.sock');
      const port = await freePort();
      const conf = join(dir, 'Corefile');
      const tap = c.collector === undefined ? '' : `  dnstap unix://${sock} full\n`;
      writeFileSync(conf, `.:${port} {\n  bind 127.0.0.1\n${tap}  whoami\n}\n`);
      const collector = c.collector === undefined ? undefined : await startCollector(here, sock, c.collector);
      const server = await startProcess(
        process.execPath,
        [join(root, 'apps/server/dist/main.js'), '-conf', conf],
        port,
      );
      let log = '';
      server.stdout.on('data', (chunk) => (log += chunk));
      try {
        const warm = runDnsperf({ port, queryFile: qf, seconds: 2 });
        const run = runDnsperf({ port, queryFile: qf, seconds });
        await stopServer(server);
        const counts = collector === undefined ? undefined : await collector.stop();
        let dropped = 0;
        for (const m of log.matchAll(/Dropped dnstap messages: (\d+)/g)) dropped += Number(m[1]);
        // Every answered query is two messages (the startup probe's answer too).
        const expected = 2 * (warm.completed + run.completed + 1);
        runs.get(c.label).push({ ...run, counts, dropped, expected });
      } finally {
        await stopServer(server);
        rmSync(dir, { recursive: true, force: true });
      }
    }
  }

  console.log(
    `\n## dnstap (dnsperf, ${seconds}s x ${rounds} rounds, median QPS; dnstap full to a Unix socket)`,
  );
  const qps = new Map();
  for (const [label, list] of runs) {
    const q = median(list.map((x) => x.qps));
    qps.set(label, q);
    const lost = list.reduce((a, x) => a + x.lost, 0);
    const lat = median(list.map((x) => x.avgLatency)) * 1000;
    let tail = '';
    if (list[0].counts !== undefined) {
      const got = list.reduce((a, x) => a + x.counts.frames, 0);
      const want = list.reduce((a, x) => a + x.expected, 0);
      const dropped = list.reduce((a, x) => a + x.dropped, 0);
      tail = `   dnstap messages received ${fmt(got)} of ${fmt(want)}, dropped (logged) ${fmt(dropped)}`;
    }
    console.log(
      `${label.padEnd(28)} ${fmt(q).padStart(10)} qps   avg latency ${lat.toFixed(3)} ms   lost ${lost}${tail}`,
    );
  }
  const sample = runs.get('whoami + dnstap full')[0].counts;
  const types = sample.sampled;
  const ok =
    types[CLIENT_QUERY] > 0 &&
    types[CLIENT_RESPONSE] > 0 &&
    sample.sampledWithWire === (types[CLIENT_QUERY] ?? 0) + (types[CLIENT_RESPONSE] ?? 0);
  console.log(
    `sampled messages: ${types[CLIENT_QUERY] ?? 0} CLIENT_QUERY, ${types[CLIENT_RESPONSE] ?? 0} CLIENT_RESPONSE, ` +
      `${sample.sampledWithWire} with the wire message${ok ? '' : '  (UNEXPECTED)'}`,
  );
  const base = qps.get('tsdns whoami');
  console.log(
    `ratio whoami + dnstap full / whoami:               ${(qps.get('whoami + dnstap full') / base).toFixed(2)}x`,
  );
  console.log(
    `ratio whoami + dnstap full, slow collector / whoami: ${(qps.get('whoami + dnstap full, slow') / base).toFixed(2)}x`,
  );
  const lostAny = [...runs.values()].flat().some((x) => x.lost > 0);
  if (lostAny) console.log('queries were lost (target: none)');
  return ok && !lostAny;
}
