#!/usr/bin/env node
// Authoritative zone benchmark: writes a zone of 1,000,000 records (hosts with A/AAAA, CNAMEs,
// MX, TXT, delegations with glue, wildcards and empty non-terminals), loads it with the
// built file plugin (reader + core's Zone, sealed), and prints the load time, the heap the
// zone retains per record and the process's peak RSS; then times in-process lookups of a
// mix of existing names, NXDOMAINs and wildcard matches. Then, as whole processes measured
// alike: the built tsdns server (apps/server) and, when installed, knotd, each started on
// the same file and timed until it answers the SOA, with its resident memory (RSS) then.
//
//   node --expose-gc tooling/bench/file.mjs [--records N] [--rounds N]
//   (build first: packages/core and packages/plugins/file, `tsc -p tsconfig.build.json`;
//   apps/server too for the tsdns process line)
import { spawn, spawnSync } from 'node:child_process';
import {
  createWriteStream,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { createSocket } from 'node:dgram';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { once } from 'node:events';

if (typeof globalThis.gc !== 'function') {
  // Retained heap can only be measured after a full collection.
  const r = spawnSync(
    process.execPath,
    ['--expose-gc', fileURLToPath(import.meta.url), ...process.argv.slice(2)],
    {
      stdio: 'inherit',
    },
  );
  process.exit(r.status ?? 1);
}

const here = dirname(fileURLToPath(import.meta.url));
async function load(path) {
  try {
    return await import(pathToFileURL(resolve(here, path)).href);
  } catch (e) {
    console.error(`cannot load ${path} (${e.message}); build packages/core and packages/plugins/file first`);
    process.exit(1);
  }
}
const { loadZone, typeToNumber } = await load('../../packages/core/dist/index.js');

const argv = process.argv.slice(2);
const opt = (name, dflt) => {
  const i = argv.indexOf(`--${name}`);
  return i < 0 ? dflt : Number(argv[i + 1]);
};
const RECORDS = opt('records', 1_000_000);
const ROUNDS = opt('rounds', 3);
const ORIGIN = 'bench.example.';

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const mb = (bytes) => `${(bytes / 1048576).toFixed(1)} MiB`;

/** Writes the zone and returns its record count and some names to query. */
async function generate(path, count) {
  const out = createWriteStream(path);
  const write = async (s) => {
    if (!out.write(s)) await once(out, 'drain');
  };
  await write(
    `$ORIGIN ${ORIGIN}\n$TTL 3600\n@ SOA ns1 hostmaster 2024010101 7200 3600 1209600 300\n@ NS ns1\n@ NS ns2\nns1 A 192.0.2.1\nns2 A 192.0.2.2\n*.wild A 192.0.2.99\n`,
  );
  let n = 6;
  let h = 0;
  let buf = '';
  const existing = [];
  while (n < count) {
    const ip = `10.${(h >> 16) & 255}.${(h >> 8) & 255}.${h & 255}`;
    switch (h % 10) {
      case 0:
      case 1:
      case 2:
        buf += `host${h} A ${ip}\n`;
        n += 1;
        break;
      case 3:
      case 4:
        buf += `host${h} A ${ip}\n AAAA 2001:db8::${(h & 0xffff).toString(16)}\n`;
        n += 2;
        break;
      case 5:
        buf += `alias${h} CNAME host${h - 1}\n`;
        n += 1;
        break;
      case 6:
        buf += `mail${h} A ${ip}\n MX 10 mail${h}\n`;
        n += 2;
        break;
      case 7:
        // a delegation with in-bailiwick glue
        buf += `sub${h} NS ns.sub${h}\nns.sub${h} A ${ip}\n`;
        n += 2;
        break;
      case 8:
        // below an empty non-terminal
        buf += `a.ent${h} TXT "id=${h}"\n`;
        n += 1;
        break;
      default:
        buf += `txt${h} TXT "v=spf1 ip4:${ip} -all"\n`;
        n += 1;
    }
    if (h % 997 === 0) existing.push(`host${h - (h % 10)}.${ORIGIN}`);
    h++;
    if (buf.length > 1 << 16) {
      await write(buf);
      buf = '';
    }
  }
  await write(buf);
  out.end();
  await once(out, 'finish');
  return { count: n, existing };
}

/** Bytes in use after full collections: the JS heap and array buffers (the zone's name index is one). */
function heapUsed() {
  globalThis.gc();
  globalThis.gc();
  const m = process.memoryUsage();
  return m.heapUsed + m.arrayBuffers;
}

/** One timed load; a function of its own so that no stack slot keeps the zone alive afterwards. */
async function timedLoad(path) {
  const before = heapUsed();
  const t = performance.now();
  const c = process.cpuUsage();
  const zone = await loadZone(path, ORIGIN);
  const seconds = (performance.now() - t) / 1000;
  const used = process.cpuUsage(c);
  const retained = heapUsed() - before;
  return { seconds, cpu: (used.user + used.system) / 1e6, zone, perRecord: retained / zone.size };
}

function lookups(zone, existing) {
  const A = typeToNumber('A');
  const names = [];
  for (let i = 0; i < existing.length; i++) {
    names.push(existing[i], `nope${i}.${ORIGIN}`, `x${i}.wild.${ORIGIN}`, `a.sub${i * 10 + 7}.${ORIGIN}`);
  }
  const N = 1_000_000;
  let answers = 0;
  const t = performance.now();
  for (let i = 0; i < N; i++) answers += zone.lookup(names[i % names.length], A).answer.length;
  const seconds = (performance.now() - t) / 1000;
  return { rate: N / seconds, answers };
}

function udpQuery(port, name) {
  // A minimal SOA query with RD clear, id 1.
  const labels = name.split('.').filter(Boolean);
  const parts = [Buffer.from([0, 1, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0])];
  for (const l of labels) parts.push(Buffer.from([l.length]), Buffer.from(l));
  parts.push(Buffer.from([0, 0, 6, 0, 1]));
  const msg = Buffer.concat(parts);
  return new Promise((resolveQuery) => {
    const sock = createSocket('udp4');
    const timer = setTimeout(() => {
      sock.close();
      resolveQuery(false);
    }, 200);
    sock.on('message', (m) => {
      clearTimeout(timer);
      sock.close();
      // NOERROR with one answer
      resolveQuery((m[3] & 0xf) === 0 && m.readUInt16BE(6) === 1);
    });
    sock.send(msg, port, '127.0.0.1');
  });
}

/** A free UDP port on 127.0.0.1. */
async function freePort() {
  const s = createSocket('udp4');
  s.bind(0, '127.0.0.1');
  await once(s, 'listening');
  const { port } = s.address();
  s.close();
  return port;
}

/** Clock ticks per second of /proc/PID/stat's CPU times. */
const TICKS = Number(spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout) || 100;

/**
 * VmRSS and VmHWM (peak) of a live process in bytes, and the CPU seconds (user + system,
 * all threads) it has used: on a shared machine CPU time says more than the wall clock.
 */
function processUsage(pid) {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (field) => Number(new RegExp(`${field}:\\s+(\\d+) kB`).exec(status)?.[1] ?? 0) * 1024;
  // Fields after the parenthesised command name, which may itself hold spaces.
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const cpu = (Number(fields[11]) + Number(fields[12])) / TICKS;
  return { rss: kb('VmRSS'), peak: kb('VmHWM'), cpu };
}

/**
 * Starts `command args` (which must serve the zone on `port`) and times it until it answers
 * the SOA, then reads its memory and stops it. Undefined when it never answers.
 */
async function processLoad(command, args, port) {
  const t = performance.now();
  const child = spawn(command, args, { stdio: 'ignore' });
  try {
    for (;;) {
      if (await udpQuery(port, ORIGIN)) break;
      if (child.exitCode !== null || performance.now() - t > 300_000) return undefined;
    }
    const seconds = (performance.now() - t) / 1000;
    return { seconds, ...processUsage(child.pid) };
  } finally {
    if (child.exitCode === null) {
      child.kill('SIGTERM');
      await once(child, 'exit');
    }
  }
}

/** The built tsdns server serving the file with the file plugin. */
async function tsdnsLoad(dir, path, name = 'Corefile') {
  const main = resolve(here, '../../apps/server/dist/main.js');
  try {
    statSync(main);
  } catch {
    return undefined;
  }
  const port = await freePort();
  const conf = join(dir, name);
  writeFileSync(conf, `${ORIGIN}:${port} {\n  bind 127.0.0.1\n  file ${path} {\n    reload 0\n  }\n}\n`);
  return processLoad(process.execPath, [main, '-conf', conf, '-quiet'], port);
}

/** knotd with one worker of each kind, serving the file as it is. */
async function knotLoad(dir, path) {
  if (spawnSync('sh', ['-c', 'command -v knotd']).status !== 0) return undefined;
  const port = await freePort();
  mkdirSync(join(dir, 'knot'), { recursive: true });
  const conf = join(dir, 'knot.conf');
  writeFileSync(
    conf,
    `server:\n    listen: 127.0.0.1@${port}\n    rundir: ${join(dir, 'knot')}\n    udp-workers: 1\n    tcp-workers: 1\n    background-workers: 1\ndatabase:\n    storage: ${join(dir, 'knot')}\nlog:\n  - target: stderr\n    any: error\nzone:\n  - domain: ${ORIGIN}\n    file: ${path}\n    zonefile-sync: -1\n    journal-content: none\n    semantic-checks: off\n`,
  );
  return processLoad('knotd', ['-c', conf], port);
}

const dir = mkdtempSync(join(tmpdir(), 'tsdns-filebench-'));
try {
  const path = join(dir, 'bench.db');
  const { count, existing } = await generate(path, RECORDS);
  console.log(`zone: ${count.toLocaleString('en-US')} records, ${mb(statSync(path).size)} (${path})`);

  const times = [];
  const cpus = [];
  let perRecord = 0;
  let size = 0;
  let rate = 0;
  let firstRss = 0;
  for (let round = 0; round < ROUNDS; round++) {
    const r = await timedLoad(path);
    // After the first load only: later rounds add what V8 has not given back yet.
    if (round === 0) firstRss = process.memoryUsage().rss;
    times.push(r.seconds);
    cpus.push(r.cpu);
    perRecord = r.perRecord;
    size = r.zone.size;
    if (round === ROUNDS - 1) rate = lookups(r.zone, existing).rate;
  }
  const seconds = median(times);
  const cpu = median(cpus);
  console.log(
    `file plugin load (read + Zone + seal) of ${size.toLocaleString('en-US')} records: ${seconds.toFixed(2)} s (CPU ${cpu.toFixed(2)} s), ${Math.round(size / seconds).toLocaleString('en-US')} records/s`,
  );
  console.log(
    `retained heap (JS heap and array buffers): ${Math.round(perRecord)} bytes per record (${mb(perRecord * size)} in all)`,
  );
  console.log(
    `RSS after the first load (zone held, after a full GC): ${mb(firstRss)}; peak RSS over all rounds: ${mb(process.resourceUsage().maxRSS * 1024)}`,
  );
  console.log(
    `Zone.lookup in process (existing / NXDOMAIN / wildcard / referral mix): ${Math.round(rate).toLocaleString('en-US')} lookups/s`,
  );
  console.log('processes, from start to the first SOA answer (wall, CPU used, then RSS and peak RSS):');
  const server = await tsdnsLoad(dir, path);
  const line = (label, r) =>
    console.log(
      `  ${label.padEnd(32)} ${r.seconds.toFixed(2)} s   CPU ${r.cpu.toFixed(2)} s   RSS ${mb(r.rss)} (peak ${mb(r.peak)})`,
    );
  if (server === undefined) console.log('  tsdns server: not built (apps/server/dist) or did not answer');
  else {
    line('tsdns server (file plugin)', server);
    // What the server costs before any zone: Node and the compiled-in plugins.
    const tiny = join(dir, 'tiny.db');
    writeFileSync(tiny, `$ORIGIN ${ORIGIN}\n$TTL 60\n@ SOA ns h 1 2 3 4 5\n@ NS ns\nns A 192.0.2.1\n`);
    const empty = await tsdnsLoad(dir, tiny, 'Corefile.tiny');
    if (empty !== undefined) line('  same server, a 3-record zone', empty);
  }
  const knot = await knotLoad(dir, path);
  if (knot === undefined) console.log('  knotd: not installed or did not answer');
  else {
    line('reference, knotd (1 worker each)', knot);
    console.log(
      `tsdns/knot load time (target <= 2x): in-process load ${(seconds / knot.seconds).toFixed(2)}x wall, ${(cpu / knot.cpu).toFixed(2)}x CPU` +
        (server === undefined
          ? ''
          : `; server start to answer ${(server.seconds / knot.seconds).toFixed(2)}x wall, ${(server.cpu / knot.cpu).toFixed(2)}x CPU; RSS ${(server.rss / knot.rss).toFixed(2)}x`),
    );
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
