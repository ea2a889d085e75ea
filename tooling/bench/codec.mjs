#!/usr/bin/env node
// Codec micro-benchmark: the built @tsdns/core wire codec against dns-packet, decoding and
// encoding a typical query (with an OPT record) and a typical response of five A records.
// Prints ops/s of each (median over interleaved rounds) and the tsdns/dns-packet ratios.
//
//   node tooling/bench/codec.mjs [--rounds N] [--ms N]     (build @tsdns/core first)
import { dirname, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import dnsPacket from 'dns-packet';

const here = dirname(fileURLToPath(import.meta.url));
const wirePath = resolve(here, '../../packages/core/dist/wire/index.js');
let wire;
try {
  wire = await import(pathToFileURL(wirePath).href);
} catch (e) {
  console.error(
    `cannot load ${wirePath} (${e.message}); build first: cd packages/core && ../../node_modules/.bin/tsc -p tsconfig.build.json`,
  );
  process.exit(1);
}
const { decodeMessage, encodeMessage } = wire;

const argv = process.argv.slice(2);
const opt = (name, dflt) => {
  const i = argv.indexOf(`--${name}`);
  return i < 0 ? dflt : Number(argv[i + 1]);
};
const ROUNDS = opt('rounds', 7);
const ROUND_MS = opt('ms', 400);
/** the target of the codec issue: tsdns at least this many times as fast as dns-packet */
const TARGET = 3;

// ---- the two messages, in each library's own shape ----
const QNAME = 'www.example.com';
const ips = ['192.0.2.1', '192.0.2.2', '192.0.2.3', '192.0.2.4', '192.0.2.5'];

const ours = {
  query: {
    id: 0x1234,
    flags: 0x0120, // RD, AD (as dig sends)
    questions: [{ name: QNAME + '.', type: 'A', class: 'IN' }],
    answers: [],
    authorities: [],
    additionals: [
      {
        name: '.',
        type: 'OPT',
        udpPayloadSize: 1232,
        extendedRcode: 0,
        ednsVersion: 0,
        flags: 0,
        options: [],
      },
    ],
  },
};
ours.response = {
  ...ours.query,
  flags: 0x8180,
  answers: ips.map((data) => ({ name: QNAME + '.', type: 'A', class: 'IN', ttl: 300, data })),
};

const theirs = {
  query: {
    id: 0x1234,
    type: 'query',
    flags: 0x0120,
    questions: [{ name: QNAME, type: 'A', class: 'IN' }],
    additionals: [{ name: '.', type: 'OPT', udpPayloadSize: 1232, flags: 0, options: [] }],
  },
};
theirs.response = {
  ...theirs.query,
  type: 'response',
  flags: 0x0180,
  answers: ips.map((data) => ({ name: QNAME, type: 'A', class: 'IN', ttl: 300, data })),
};

// Both decoders read the same bytes: ours, which compress the answers' owner names the way
// real servers do (dns-packet itself never compresses).
const bytes = {
  query: Buffer.from(encodeMessage(ours.query)),
  response: Buffer.from(encodeMessage(ours.response)),
};

// Cross-check before timing: each side must read the other's output correctly.
for (const kind of ['query', 'response']) {
  const viaThem = dnsPacket.decode(bytes[kind]);
  const viaUs = decodeMessage(dnsPacket.encode(theirs[kind]));
  if (
    viaThem.answers.length !== ours[kind].answers.length ||
    viaUs.answers.length !== ours[kind].answers.length
  ) {
    throw new Error(`${kind}: the libraries disagree`);
  }
  for (let i = 0; i < viaUs.answers.length; i++) {
    if (viaUs.answers[i].data !== ips[i] || viaThem.answers[i].data !== ips[i])
      throw new Error(`${kind}: answer ${i} differs`);
  }
}

const cases = [
  ['decode query', () => decodeMessage(bytes.query), () => dnsPacket.decode(bytes.query)],
  ['decode 5xA response', () => decodeMessage(bytes.response), () => dnsPacket.decode(bytes.response)],
  ['encode query', () => encodeMessage(ours.query), () => dnsPacket.encode(theirs.query)],
  ['encode 5xA response', () => encodeMessage(ours.response), () => dnsPacket.encode(theirs.response)],
];

let sink = 0;
/** ops/s of `fn` over about `ms` milliseconds, in batches so the clock is read rarely. */
function rate(fn, ms) {
  let ops = 0;
  const start = process.hrtime.bigint();
  const until = start + BigInt(ms) * 1_000_000n;
  let now = start;
  while (now < until) {
    for (let i = 0; i < 1000; i++) sink += fn() === undefined ? 0 : 1;
    ops += 1000;
    now = process.hrtime.bigint();
  }
  return ops / (Number(now - start) / 1e9);
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const fmt = (n) => Math.round(n).toLocaleString('en-US').padStart(12);

console.log(
  `\n## codec (${ROUNDS} interleaved rounds of ${ROUND_MS} ms, median ops/s; node ${process.version})`,
);
console.log(
  `message sizes: query ${bytes.query.length} B, response ${bytes.response.length} B (dns-packet encodes ${dnsPacket.encode(theirs.response).length} B uncompressed)`,
);
console.log(`${'case'.padEnd(22)}${'tsdns'.padStart(12)}${'dns-packet'.padStart(12)}   ratio`);
let allMet = true;
for (const [label, ourFn, theirFn] of cases) {
  // warm-up, so both are optimised before measuring
  rate(ourFn, 200);
  rate(theirFn, 200);
  const a = [];
  const b = [];
  for (let r = 0; r < ROUNDS; r++) {
    globalThis.gc?.();
    a.push(rate(ourFn, ROUND_MS));
    globalThis.gc?.();
    b.push(rate(theirFn, ROUND_MS));
  }
  const ratio = median(a) / median(b);
  if (ratio < TARGET) allMet = false;
  console.log(`${label.padEnd(22)}${fmt(median(a))}${fmt(median(b))}   ${ratio.toFixed(2)}x`);
}
console.log(`target: tsdns >= ${TARGET}x dns-packet in every case: ${allMet ? 'met' : 'NOT met'}`);
if (sink === 0) console.log('');
