/**
 * Fuzzing the decoder: over a million decodes per run of random bytes and of mutated real
 * messages (bit flips, byte pokes, truncations, splices, header count and pointer
 * rewrites). The only error allowed out is WireError; whatever decodes must survive a
 * re-encode and decode to the same message. Deterministic per seed (TSDNS_FUZZ_SEED to
 * replay or vary; TSDNS_FUZZ_ITERATIONS to run longer).
 */
import fc from 'fast-check';
import { isDeepStrictEqual } from 'node:util';
import { describe, expect, it } from 'vitest';
import { decodeMessage } from './decode.js';
import { createOpt } from './edns.js';
import { encodeMessage } from './encode.js';
import { WireError } from './errors.js';
import { arbMessage } from './test-support/arbitraries.js';
import type { Message, ResourceRecord } from './types.js';

const SEED = Number(process.env.TSDNS_FUZZ_SEED ?? Date.now() % 0x7fffffff) | 0;
const ITERATIONS = Number(process.env.TSDNS_FUZZ_ITERATIONS ?? 1_050_000);
/** how often a successful decode is re-encoded and compared (it costs far more than a decode) */
const RECHECK_EVERY = 16;

/** xorshift32: fast, seedable, good enough to pick mutations. */
let state = SEED || 1;
function rand(): number {
  state ^= state << 13;
  state ^= state >>> 17;
  state ^= state << 5;
  return state >>> 0;
}
const below = (n: number) => rand() % n;

function typicalMessages(): Message[] {
  const q = { name: 'www.example.org.', type: 'A', class: 'IN' };
  const a = (i: number): ResourceRecord => ({
    name: 'www.example.org.',
    type: 'A',
    class: 'IN',
    ttl: 300,
    data: `192.0.2.${i}`,
  });
  const ns = (n: string): ResourceRecord => ({
    name: 'example.org.',
    type: 'NS',
    class: 'IN',
    ttl: 300,
    data: n,
  });
  return [
    {
      id: 1,
      flags: 0x0100,
      questions: [q],
      answers: [],
      authorities: [],
      additionals: [createOpt({ dnssecOk: true })],
    },
    {
      id: 2,
      flags: 0x8180,
      questions: [q],
      answers: [1, 2, 3, 4, 5].map(a),
      authorities: [ns('ns1.example.org.'), ns('ns2.example.org.')],
      additionals: [createOpt()],
    },
  ];
}

function buildCorpus(): Uint8Array[] {
  const messages = [...typicalMessages(), ...fc.sample(arbMessage, { seed: SEED, numRuns: 300 })];
  const corpus: Uint8Array[] = [];
  // plain copies: encodeMessage may hand out pooled Node Buffers, whose slice() is a view
  for (const m of messages) {
    corpus.push(Uint8Array.from(encodeMessage(m)));
    corpus.push(Uint8Array.from(encodeMessage(m, { compress: false })));
  }
  return corpus;
}

const POKES = [0x00, 0x01, 0x3f, 0x40, 0x80, 0xbf, 0xc0, 0xc1, 0xff];

function mutate(corpus: Uint8Array[]): Uint8Array {
  const src = corpus[below(corpus.length)];
  const kind = below(7);
  if (kind === 0) {
    // truncation
    return src.slice(0, below(src.length + 1));
  }
  if (kind === 1) {
    // splice: a prefix of one message with the tail of another
    const other = corpus[below(corpus.length)];
    const cut = below(src.length + 1);
    const from = below(other.length + 1);
    const out = new Uint8Array(cut + other.length - from);
    out.set(src.subarray(0, cut));
    out.set(other.subarray(from), cut);
    return out;
  }
  const out = src.slice();
  if (out.length === 0) return out;
  const edits = 1 + below(4);
  for (let e = 0; e < edits; e++) {
    const i = below(out.length);
    switch (kind) {
      case 2: // bit flips
        out[i] ^= 1 << below(8);
        break;
      case 3: // pokes of values that mean something to the name decoder
        out[i] = POKES[below(POKES.length)];
        break;
      case 4: // random byte
        out[i] = below(256);
        break;
      case 5: {
        // pointer rewrite: aim an existing or new pointer anywhere, often just behind itself
        let p = i;
        for (let j = i; j < out.length - 1; j++) {
          if (out[j] >= 0xc0) {
            p = j;
            break;
          }
        }
        if (p >= out.length - 1) break;
        const target = below(2) === 0 ? below(out.length) : Math.max(0, p - below(8));
        out[p] = 0xc0 | ((target >> 8) & 0x3f);
        out[p + 1] = target & 0xff;
        break;
      }
      default: {
        // header counts: large or off by a little
        if (out.length < 12) break;
        const field = 4 + 2 * below(4);
        const v = below(2) === 0 ? below(65536) : ((out[field] << 8) | out[field + 1]) + below(3) - 1;
        out[field] = (v >> 8) & 0xff;
        out[field + 1] = v & 0xff;
      }
    }
  }
  return out;
}

function randomBytes(): Uint8Array {
  const out = new Uint8Array(below(2) === 0 ? below(64) : below(700));
  for (let i = 0; i < out.length; i++) out[i] = below(256);
  // half the time a plausible header, so decoding gets past the counts
  if (out.length >= 12 && below(2) === 0) {
    for (let f = 4; f < 12; f += 2) {
      out[f] = 0;
      out[f + 1] = below(4);
    }
  }
  return out;
}

describe('decoder fuzz', () => {
  it(`only WireError escapes over ${ITERATIONS} decodes (seed ${SEED})`, () => {
    const corpus = buildCorpus();
    let decoded = 0;
    let rejected = 0;
    let rechecked = 0;
    const started = performance.now();
    for (let n = 0; n < ITERATIONS; n++) {
      const input = n % 5 === 0 ? randomBytes() : mutate(corpus);
      let msg: Message;
      try {
        msg = decodeMessage(input);
      } catch (e) {
        if (e instanceof WireError) {
          rejected++;
          continue;
        }
        throw new Error(`decode threw ${String(e)} for ${Buffer.from(input).toString('hex')} (seed ${SEED})`);
      }
      decoded++;
      if (decoded % RECHECK_EVERY !== 0) continue;
      rechecked++;
      let again: Message;
      try {
        again = decodeMessage(encodeMessage(msg));
      } catch (e) {
        throw new Error(
          `re-encode/decode threw ${String(e)} for ${Buffer.from(input).toString('hex')} (seed ${SEED})`,
        );
      }
      if (!isDeepStrictEqual(again, msg)) {
        expect(again, `re-encoding changed ${Buffer.from(input).toString('hex')} (seed ${SEED})`).toEqual(
          msg,
        );
      }
    }
    const seconds = (performance.now() - started) / 1000;
    console.log(
      `fuzz seed ${SEED}: ${ITERATIONS} inputs in ${seconds.toFixed(1)}s, ${decoded} decoded (${rechecked} re-encoded), ${rejected} WireError`,
    );
    // both outcomes must be common, or the mutations are not reaching the interesting code
    expect(decoded).toBeGreaterThan(ITERATIONS / 20);
    expect(rejected).toBeGreaterThan(ITERATIONS / 20);
  }, 120_000);
});
