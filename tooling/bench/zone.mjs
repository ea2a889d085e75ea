#!/usr/bin/env node
// Zone-file reader benchmark: generates a zone of 1,000,000 records (a realistic mix: A,
// AAAA, CNAME, MX, TXT, relative names, owners carried over), reads it with the built
// @tsdns/core reader into an array, and prints the time and the heap the records retain per
// record. References measured in the same run: reading the same file and counting lines
// (the I/O ceiling), and named-checkzone loading it (BIND's C loader), when installed.
//
//   node --expose-gc tooling/bench/zone.mjs [--records N] [--rounds N]   (build @tsdns/core first)
import { spawnSync } from 'node:child_process';
import { createReadStream, createWriteStream, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { once } from 'node:events';

if (typeof globalThis.gc !== 'function') {
  // Retained heap can only be measured after a full collection.
  const r = spawnSync(
    process.execPath,
    ['--expose-gc', fileURLToPath(import.meta.url), ...process.argv.slice(2)],
    { stdio: 'inherit' },
  );
  process.exit(r.status ?? 1);
}

const here = dirname(fileURLToPath(import.meta.url));
const readerPath = resolve(here, '../../packages/core/dist/zonefile/index.js');
let zonefile;
try {
  zonefile = await import(pathToFileURL(readerPath).href);
} catch (e) {
  console.error(
    `cannot load ${readerPath} (${e.message}); build first: cd packages/core && ../../node_modules/.bin/tsc -p tsconfig.build.json`,
  );
  process.exit(1);
}
const { loadZoneFile, readZone } = zonefile;

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

/** Writes the zone: SOA and NS, then hosts with one to three records each. */
async function generate(path, count) {
  const out = createWriteStream(path);
  const write = async (s) => {
    if (!out.write(s)) await once(out, 'drain');
  };
  await write(
    `$ORIGIN ${ORIGIN}\n$TTL 3600\n@ IN SOA ns1 hostmaster ( 2024010101 7200 3600 1209600 300 )\n  NS ns1\n  NS ns2\nns1 A 192.0.2.1\nns2 A 192.0.2.2\n`,
  );
  let n = 5;
  let host = 0;
  let buf = '';
  while (n < count) {
    const h = host++;
    const ip = `10.${(h >> 16) & 255}.${(h >> 8) & 255}.${h & 255}`;
    switch (h % 10) {
      case 0:
      case 1:
      case 2:
      case 3:
        buf += `host${h} A ${ip}\n`;
        n += 1;
        break;
      case 4:
      case 5:
        buf += `host${h} 300 IN A ${ip}\n  AAAA 2001:db8::${(h & 0xffff).toString(16)}\n`;
        n += 2;
        break;
      case 6:
        buf += `alias${h} CNAME host${h - 1}\n`;
        n += 1;
        break;
      case 7:
        buf += `mail${h} A ${ip}\n  MX 10 mail${h}.${ORIGIN}\n  MX 20 backup\n`;
        n += 3;
        break;
      default:
        buf += `txt${h} TXT "v=spf1 ip4:${ip} -all" "id=${h}"\n`;
        n += 1;
    }
    if (buf.length > 1 << 16) {
      await write(buf);
      buf = '';
    }
  }
  await write(buf);
  out.end();
  await once(out, 'finish');
  return n;
}

async function countLines(path) {
  let lines = 0;
  for await (const chunk of createReadStream(path, { highWaterMark: 1 << 18 })) {
    for (let i = chunk.indexOf(10); i >= 0; i = chunk.indexOf(10, i + 1)) lines++;
  }
  return lines;
}

function heapUsed() {
  globalThis.gc();
  globalThis.gc();
  return process.memoryUsage().heapUsed;
}

/** One timed load; a function of its own so that no stack slot keeps the array alive afterwards. */
async function timedLoad(path) {
  const before = heapUsed();
  const t = performance.now();
  const records = await loadZoneFile(path, { origin: ORIGIN });
  const seconds = (performance.now() - t) / 1000;
  const retained = heapUsed() - before;
  return { seconds, count: records.length, perRecord: retained / records.length };
}

const dir = mkdtempSync(join(tmpdir(), 'tsdns-zonebench-'));
try {
  const path = join(dir, 'bench.db');
  const generated = await generate(path, RECORDS);
  console.log(`zone: ${generated.toLocaleString('en-US')} records, ${mb(statSync(path).size)} (${path})`);

  const loadTimes = [];
  const streamTimes = [];
  const ceilingTimes = [];
  let perRecord = 0;
  let count = 0;
  for (let round = 0; round < ROUNDS; round++) {
    let t = performance.now();
    await countLines(path);
    ceilingTimes.push((performance.now() - t) / 1000);

    t = performance.now();
    let streamed = 0;
    for await (const _rr of readZone(path, { origin: ORIGIN })) streamed++;
    streamTimes.push((performance.now() - t) / 1000);

    const load = await timedLoad(path);
    loadTimes.push(load.seconds);
    perRecord = load.perRecord;
    count = load.count;
    if (streamed !== count) throw new Error(`readZone gave ${streamed} records, loadZoneFile ${count}`);
  }

  let bind;
  if (
    (process.env.PATH ?? '')
      .split(':')
      .some((d) => d && spawnSync('test', ['-x', join(d, 'named-checkzone')]).status === 0)
  ) {
    const t = performance.now();
    const r = spawnSync('named-checkzone', [
      '-q',
      '-i',
      'none',
      '-k',
      'ignore',
      '-n',
      'ignore',
      ORIGIN,
      path,
    ]);
    bind = r.status === 0 ? (performance.now() - t) / 1000 : undefined;
  }

  const load = median(loadTimes);
  const stream = median(streamTimes);
  const ceiling = median(ceilingTimes);
  console.log(
    `loadZoneFile (array of ${count.toLocaleString('en-US')}): ${load.toFixed(2)} s, ${Math.round(count / load).toLocaleString('en-US')} records/s`,
  );
  console.log(`readZone (for await, nothing kept): ${stream.toFixed(2)} s`);
  console.log(`retained heap: ${Math.round(perRecord)} bytes per record (${mb(perRecord * count)} in all)`);
  console.log(`peak RSS of this process: ${mb(process.resourceUsage().maxRSS * 1024)}`);
  console.log(
    `reference, stream the file and count lines: ${ceiling.toFixed(2)} s -> loadZoneFile/ceiling ${(load / ceiling).toFixed(1)}x`,
  );
  if (bind !== undefined)
    console.log(
      `reference, named-checkzone: ${bind.toFixed(2)} s -> loadZoneFile/named-checkzone ${(load / bind).toFixed(2)}x`,
    );
} finally {
  rmSync(dir, { recursive: true, force: true });
}
