// Runs one dnsperf measurement against a server started as a child process, and the
// process helpers the scenarios share.
import { spawn, spawnSync } from 'node:child_process';
import dgram from 'node:dgram';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';

export function hasDnsperf() {
  return spawnSync('dnsperf', ['-h'], { stdio: 'ignore' }).error === undefined;
}

/** Asks the OS for a port that is free for UDP on 127.0.0.1. */
export async function freePort() {
  const s = dgram.createSocket('udp4');
  s.bind(0, '127.0.0.1');
  await once(s, 'listening');
  const { port } = s.address();
  s.close();
  return port;
}

/** A minimal query for `name` A, used to wait until a server answers. */
function probeQuery(name) {
  const labels = name.replace(/\.$/, '').split('.');
  const parts = [Buffer.from([0x12, 0x34, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0])];
  for (const l of labels) parts.push(Buffer.from([l.length]), Buffer.from(l, 'ascii'));
  parts.push(Buffer.from([0, 0, 1, 0, 1]));
  return Buffer.concat(parts);
}

export async function waitForAnswer(port, name = 'example.org.', timeoutMs = 15000) {
  const deadline = Date.now() + timeoutMs;
  const q = probeQuery(name);
  while (Date.now() < deadline) {
    const s = dgram.createSocket('udp4');
    const got = new Promise((resolve) => {
      s.on('message', () => resolve(true));
      setTimeout(() => resolve(false), 200);
    });
    s.send(q, port, '127.0.0.1');
    const ok = await got;
    s.close();
    if (ok) return;
  }
  throw new Error(`server on port ${port} did not answer within ${timeoutMs} ms`);
}

export async function startProcess(cmd, args, port, probeName) {
  const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'inherit'] });
  child.stdout.resume();
  const exited = once(child, 'exit').then(([code]) => {
    throw new Error(`${cmd} ${args.join(' ')} exited early with ${code}`);
  });
  await Promise.race([waitForAnswer(port, probeName), exited]);
  exited.catch(() => {});
  return child;
}

export async function stopProcess(child) {
  if (child.exitCode !== null) return;
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
  await once(child, 'exit');
  clearTimeout(timer);
}

/**
 * User plus system CPU time of a process so far, in microseconds (Linux /proc; undefined
 * elsewhere). A server's CPU time per answered query moves much less than its QPS when
 * other programs share the machine.
 */
export function cpuMicros(pid) {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    // utime and stime are fields 14 and 15 of the line, in clock ticks (USER_HZ, 100 a second)
    return ((Number(fields[11]) + Number(fields[12])) * 1e6) / 100;
  } catch {
    return undefined;
  }
}

/**
 * Runs dnsperf and returns { qps, avgLatency, lost, completed }. Options mirror dnsperf's:
 * seconds (-l), clients (-c), outstanding (-q), queryFile (-d), rate (-Q, queries per
 * second; unlimited by default). With `latencies` dnsperf reports every query (-v) and the
 * result also has `latency`: { p50, p99, max } in seconds over the answered queries.
 */
export function runDnsperf({
  port,
  queryFile,
  seconds = 10,
  clients = 8,
  outstanding = 100,
  rate,
  latencies = false,
  extra = [],
}) {
  const args = ['-s', '127.0.0.1', '-p', String(port), '-d', queryFile, '-l', String(seconds),
    '-c', String(clients), '-q', String(outstanding), '-T', '1', ...extra];
  if (rate !== undefined) args.push('-Q', String(rate));
  if (latencies) args.push('-v');
  const r = spawnSync('dnsperf', args, { encoding: 'utf8', maxBuffer: 1 << 30 });
  if (r.status !== 0) throw new Error(`dnsperf failed: ${r.stderr || r.stdout}`);
  const num = (label) => {
    const line = r.stdout.split('\n').find((l) => l.trim().startsWith(label));
    if (!line) throw new Error(`dnsperf output lacks "${label}":\n${r.stdout}`);
    return Number(line.split(':')[1].trim().split(/\s+/)[0]);
  };
  const result = {
    qps: num('Queries per second'),
    avgLatency: num('Average Latency (s)'),
    completed: num('Queries completed'),
    lost: num('Queries lost'),
  };
  if (latencies) result.latency = percentiles(r.stdout);
  return result;
}

/** p50, p99 and max of the per-query latencies dnsperf -v prints ("> NOERROR name type 0.000123"). */
function percentiles(stdout) {
  const xs = [];
  for (const line of stdout.split('\n')) {
    if (!line.startsWith('> ')) continue;
    const v = Number(line.slice(line.lastIndexOf(' ') + 1));
    if (Number.isFinite(v)) xs.push(v);
  }
  xs.sort((a, b) => a - b);
  const at = (q) => (xs.length === 0 ? NaN : xs[Math.min(xs.length - 1, Math.floor(q * xs.length))]);
  return { p50: at(0.5), p99: at(0.99), max: at(1), count: xs.length };
}
