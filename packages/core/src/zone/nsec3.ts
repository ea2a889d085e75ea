import { createHash } from 'node:crypto';
import type { Nsec3ParamData } from '../wire/types.js';
import { nameToCanonicalWire, parentName } from '../wire/name.js';
import { wildcardKey, type ZoneNode, type ZoneRecord } from './node.js';
import { pushOnce, type Denial } from './denial.js';

const BASE32HEX = '0123456789abcdefghijklmnopqrstuv';

/** RFC 4648 base32hex without padding, lowercase (the form NSEC3 owner labels take). */
export function base32hex(bytes: Uint8Array): string {
  let out = '';
  let buffer = 0;
  let bits = 0;
  for (let i = 0; i < bytes.length; i++) {
    buffer = (buffer << 8) | bytes[i];
    bits += 8;
    while (bits >= 5) {
      bits -= 5;
      out += BASE32HEX[(buffer >>> bits) & 31];
    }
    buffer &= (1 << bits) - 1;
  }
  if (bits > 0) out += BASE32HEX[(buffer << (5 - bits)) & 31];
  return out;
}

/** Thrown for NSEC3 parameters this server cannot compute (an unknown hash algorithm). */
export class Nsec3Error extends Error {
  override readonly name = 'Nsec3Error';
}

/**
 * The NSEC3 hash of a name (RFC 5155 5): SHA-1 over the canonical wire form and the salt,
 * iterated; returned as the lowercase base32hex owner label.
 */
export function nsec3Hash(name: string, algorithm: number, iterations: number, salt: Uint8Array): string {
  if (algorithm !== 1) throw new Nsec3Error(`unsupported NSEC3 hash algorithm ${algorithm}`);
  let digest = createHash('sha1').update(nameToCanonicalWire(name)).update(salt).digest();
  for (let i = 0; i < iterations; i++) digest = createHash('sha1').update(digest).update(salt).digest();
  return base32hex(digest);
}

/** The label before the first dot of a key without escapes (hash labels have none). */
function firstLabel(key: string): string {
  const dot = key.indexOf('.');
  return dot < 0 ? key : key.slice(0, dot);
}

/** The ancestor of `key` that is one label longer than its ancestor `ancestorKey`. */
function childToward(key: string, ancestorKey: string): string {
  let k = key;
  while (true) {
    const p = parentName(k);
    if (p === ancestorKey) return k;
    k = p;
  }
}

/** NSEC3 denial (RFC 5155 7.2) over the zone's NSEC3 chain sorted by hash. */
export class Nsec3Denial implements Denial {
  readonly #hashes: string[] = [];
  readonly #nodes: ZoneNode[] = [];
  readonly #algorithm: number;
  readonly #iterations: number;
  readonly #salt: Uint8Array;
  readonly #originKey: string;

  constructor(originKey: string, nsec3Nodes: Iterable<ZoneNode>, param: ZoneRecord) {
    const p = param.data as Nsec3ParamData;
    this.#algorithm = p.algorithm;
    this.#iterations = p.iterations;
    this.#salt = p.salt;
    this.#originKey = originKey;
    // Validate the parameters once, so a query can never meet the error.
    nsec3Hash(originKey, this.#algorithm, this.#iterations, this.#salt);
    const entries: Array<[string, ZoneNode]> = [];
    for (const node of nsec3Nodes) {
      if (parentName(node.key) === originKey) entries.push([firstLabel(node.key), node]);
    }
    entries.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
    for (const [h, n] of entries) {
      this.#hashes.push(h);
      this.#nodes.push(n);
    }
  }

  hash(key: string): string {
    return nsec3Hash(key, this.#algorithm, this.#iterations, this.#salt);
  }

  /** The NSEC3 whose owner is the hash of `key`. */
  matching(key: string): ZoneNode | undefined {
    const h = this.hash(key);
    const hashes = this.#hashes;
    let lo = 0;
    let hi = hashes.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      if (hashes[mid] === h) return this.#nodes[mid];
      if (hashes[mid] < h) lo = mid + 1;
      else hi = mid - 1;
    }
    return undefined;
  }

  /** The NSEC3 whose interval covers the hash of `key` (the chain wraps around). */
  covering(key: string): ZoneNode | undefined {
    const h = this.hash(key);
    const hashes = this.#hashes;
    if (hashes.length === 0) return undefined;
    let lo = 0;
    let hi = hashes.length - 1;
    let found = hashes.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      if (hashes[mid] < h) {
        found = mid;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    // Below the first hash, the last NSEC3 (whose next wraps to the first) covers it.
    return this.#nodes[hashes[0] < h ? found : hashes.length - 1];
  }

  #push(out: ZoneRecord[], node: ZoneNode | undefined): void {
    if (node !== undefined) for (const r of node.records) pushOnce(out, r);
  }

  /**
   * The closest (provable) encloser proof (RFC 5155 7.2.1): the NSEC3 matching the first
   * ancestor of `key`, from `fromKey` up, that has one, and the NSEC3 covering the next
   * closer name.
   */
  #encloserProof(out: ZoneRecord[], key: string, fromKey: string): void {
    let ce = fromKey;
    let match = this.matching(ce);
    while (match === undefined && ce !== this.#originKey) {
      ce = parentName(ce);
      match = this.matching(ce);
    }
    this.#push(out, match);
    if (ce !== key) this.#push(out, this.covering(childToward(key, ce)));
  }

  noData(out: ZoneRecord[], node: ZoneNode): void {
    const match = this.matching(node.key);
    if (match !== undefined) this.#push(out, match);
    // Opt-out: an insecure delegation has no NSEC3 of its own (RFC 5155 7.2.4).
    else if (node.key !== this.#originKey) this.#encloserProof(out, node.key, parentName(node.key));
  }

  nxDomain(out: ZoneRecord[], key: string, ceKey: string): void {
    this.#encloserProof(out, key, ceKey);
    this.#push(out, this.covering(wildcardKey(ceKey)));
  }

  wildcardAnswer(out: ZoneRecord[], key: string, ceKey: string): void {
    this.#push(out, this.covering(childToward(key, ceKey)));
  }

  wildcardNoData(out: ZoneRecord[], key: string, ceKey: string, wildcard: ZoneNode): void {
    this.#encloserProof(out, key, ceKey);
    this.#push(out, this.matching(wildcard.key));
  }

  insecureReferral(out: ZoneRecord[], cut: ZoneNode): void {
    this.noData(out, cut);
  }
}
