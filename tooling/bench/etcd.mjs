// The etcd scenario of run.mjs: QPS of the built tsdns answering a service name from etcd
// (its watched local copy), next to the Node echo server and tsdns whoami in the same run,
// and two facts about the design: how many reads per second etcd itself gives one Node
// client (the ceiling of a plugin that reads etcd on every query), and how soon a change
// written to etcd is answered.
//
// Needs Debian's etcd-server (apt-get install etcd-server) and a build of apps/server.
import { spawn, spawnSync } from 'node:child_process';
import dgram from 'node:dgram';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './dnsperf.mjs';

export function hasEtcd() {
  return spawnSync('etcd', ['--version'], { stdio: 'ignore' }).error === undefined;
}

/** Starts etcd on free loopback ports in a temporary directory; resolves when it answers. */
async function startEtcd() {
  const dir = mkdtempSync(join(tmpdir(), 'tsdns-bench-etcd-'));
  const clientPort = await freePort();
  const peerPort = await freePort();
  const url = `http://127.0.0.1:${clientPort}`;
  const peer = `http://127.0.0.1:${peerPort}`;
  const child = spawn(
    'etcd',
    [
      '--name',
      'bench',
      '--data-dir',
      dir,
      '--listen-client-urls',
      url,
      '--advertise-client-urls',
      url,
      '--listen-peer-urls',
      peer,
      '--initial-advertise-peer-urls',
      peer,
      '--initial-cluster',
      `bench=${peer}`,
      '--logger',
      'zap',
      '--log-level',
      'error',
    ],
    { stdio: 'ignore' },
  );
  const stop = async () => {
    if (child.exitCode === null) {
      child.kill('SIGTERM');
      await once(child, 'exit');
    }
    rmSync(dir, { recursive: true, force: true });
  };
  const deadline = Date.now() + 20_000;
  for (;;) {
    try {
      const r = await fetch(`${url}/health`);
      if (r.ok) break;
    } catch {
      // not up yet
    }
    if (Date.now() > deadline || child.exitCode !== null) {
      await stop();
      throw new Error('etcd did not start');
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return { url, stop };
}

const b64 = (s) => Buffer.from(s).toString('base64');

/** Writes keys through etcd's JSON gateway (no client library needed here). */
async function put(url, entries, concurrency = 32) {
  let i = 0;
  const worker = async () => {
    while (i < entries.length) {
      const [key, value] = entries[i++];
      const r = await fetch(`${url}/v3/kv/put`, {
        method: 'POST',
        body: JSON.stringify({ key: b64(key), value: b64(value) }),
      });
      if (!r.ok) throw new Error(`put ${key}: ${r.status} ${await r.text()}`);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
}

/** Range reads per second one Node etcd3 client gets with 64 reads in flight, for `ms`. */
async function etcdReadsPerSecond(root, url, key, ms) {
  const require = createRequire(join(root, 'packages/plugins/etcd/package.json'));
  const { Etcd3 } = require('etcd3');
  const client = new Etcd3({ hosts: url.replace('http://', '') });
  const start = Buffer.from(key + '/');
  const end = Buffer.from(key + '0');
  try {
    await client.kv.range({ key: start, range_end: end });
    let n = 0;
    const stopAt = Date.now() + ms;
    const t0 = Date.now();
    const worker = async () => {
      while (Date.now() < stopAt) {
        await client.kv.range({ key: start, range_end: end });
        n++;
      }
    };
    await Promise.all(Array.from({ length: 64 }, worker));
    return n / ((Date.now() - t0) / 1000);
  } finally {
    client.close();
  }
}

function aQuery(name, id) {
  const parts = [Buffer.from([id >> 8, id & 0xff, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0])];
  for (const l of name.replace(/\.$/, '').split('.'))
    parts.push(Buffer.from([l.length]), Buffer.from(l, 'ascii'));
  parts.push(Buffer.from([0, 0, 1, 0, 1]));
  return Buffer.concat(parts);
}

/** The last IPv4 address in an answer (enough for one A record answers). */
function lastA(msg) {
  return msg.length >= 4 ? [...msg.subarray(msg.length - 4)].join('.') : '';
}

/**
 * Writes a new address for `name` `count` times and measures, each time, how long until
 * tsdns answers it (polling every 0.2 ms over UDP): the watch delay, seen from a client.
 */
async function changeDelays(url, port, name, key, count) {
  const socket = dgram.createSocket('udp4');
  socket.bind(0, '127.0.0.1');
  await once(socket, 'listening');
  const delays = [];
  try {
    for (let i = 0; i < count; i++) {
      const address = `10.77.${(i >> 8) & 0xff}.${i & 0xff}`;
      await put(url, [[key, JSON.stringify({ host: address })]], 1);
      const t0 = performance.now();
      for (;;) {
        const got = once(socket, 'message');
        socket.send(aQuery(name, i & 0xffff), port, '127.0.0.1');
        const [msg] = await Promise.race([
          got,
          new Promise((r) => setTimeout(() => r([Buffer.alloc(0)]), 200)),
        ]);
        if (lastA(msg) === address) break;
        if (performance.now() - t0 > 5000) throw new Error(`change ${i} not answered within 5 s`);
        await new Promise((r) => setTimeout(r, 0.2));
      }
      delays.push(performance.now() - t0);
    }
  } finally {
    socket.close();
  }
  delays.sort((a, b) => a - b);
  return {
    median: delays[Math.floor(delays.length / 2)],
    p99: delays[Math.floor(delays.length * 0.99)],
    max: delays.at(-1),
  };
}

/**
 * @param {{ root: string, compare: Function, echo: object, tsdns: Function, queryFile: Function,
 *           seconds: number, fmt: Function }} h  run.mjs's helpers
 */
export async function etcdScenario(h) {
  if (!hasEtcd()) {
    console.error('etcd is not installed (apt-get install etcd-server)');
    return false;
  }
  const etcd = await startEtcd();
  try {
    // The book's service, and a registry of 10,000 more around it so the copy is not trivial.
    const entries = [
      [
        '/skydns/com/example/services/users',
        JSON.stringify({ host: '192.0.2.10', port: 20020, priority: 10, weight: 20 }),
      ],
    ];
    for (let i = 0; i < 10_000; i++) {
      entries.push([
        `/skydns/com/example/svc${i % 100}/n${i}`,
        JSON.stringify({ host: `10.${(i >> 16) & 0xff}.${(i >> 8) & 0xff}.${i & 0xff}`, port: 80 }),
      ]);
    }
    await put(etcd.url, entries);

    const qf = h.queryFile([
      'users.services.example.com A',
      'users.services.example.com SRV',
      'services.example.com A',
    ]);
    const whoami = h.tsdns('tsdns whoami', (p) => `.:${p} {\n  bind 127.0.0.1\n  whoami\n}\n`);
    const etcdPlugin = h.tsdns(
      'tsdns etcd',
      (p) => `example.com:${p} {\n  bind 127.0.0.1\n  etcd {\n    endpoint ${etcd.url}\n  }\n}\n`,
    );
    const qps = await h.compare(
      'etcd (service names from a watched copy of 10,001 keys)',
      [h.echo, whoami, etcdPlugin],
      qf,
    );
    const t = qps.get('tsdns etcd');
    console.log(`ratio tsdns etcd / node echo:    ${(t / qps.get('node udp echo')).toFixed(2)}x`);
    console.log(`ratio tsdns etcd / tsdns whoami: ${(t / qps.get('tsdns whoami')).toFixed(2)}x`);

    const reads = await etcdReadsPerSecond(
      h.root,
      etcd.url,
      '/skydns/com/example/services',
      Math.min(h.seconds, 5) * 1000,
    );
    console.log(`etcd range reads/s from one Node client (64 in flight): ${h.fmt(reads)}`);
    console.log(
      `  = the most a plugin reading etcd per query could answer: ${(reads / t).toFixed(2)}x tsdns etcd`,
    );

    // How soon a write is answered (the watch delay plus one query).
    const port = await freePort();
    const child = await etcdPlugin.start(port);
    try {
      const d = await changeDelays(
        etcd.url,
        port,
        'users.services.example.com.',
        '/skydns/com/example/services/users',
        200,
      );
      console.log(
        `change in etcd answered after: median ${d.median.toFixed(2)} ms, p99 ${d.p99.toFixed(2)} ms, max ${d.max.toFixed(2)} ms (200 writes)`,
      );
    } finally {
      child.kill('SIGTERM');
      await once(child, 'exit');
    }
    return true;
  } finally {
    await etcd.stop();
  }
}
