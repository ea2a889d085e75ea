import { HEADER_LENGTH, typeToNumber } from '@tsdns/core';
import type { RandomInt } from './sections.js';

const TYPE_A = typeToNumber('A');
const TYPE_CNAME = typeToNumber('CNAME');
const TYPE_MX = typeToNumber('MX');
const TYPE_AAAA = typeToNumber('AAAA');
const TYPE_OPT = typeToNumber('OPT');
const TYPE_TSIG = typeToNumber('TSIG');

/** The order round_robin leaves a section in: CNAMEs, other records, addresses, MX, OPT/TSIG. */
function groupOf(type: number): number {
  switch (type) {
    case TYPE_CNAME:
      return 0;
    case TYPE_A:
    case TYPE_AAAA:
      return 2;
    case TYPE_MX:
      return 3;
    case TYPE_OPT:
    case TYPE_TSIG:
      return 4;
    default:
      return 1;
  }
}

/** The offset just past the name at `p`, or -1 when it runs off the end. */
function skipName(b: Uint8Array, p: number): number {
  while (p < b.length) {
    const l = b[p];
    if (l === 0) return p + 1;
    if (l >= 0xc0) return p + 2 <= b.length ? p + 2 : -1;
    p += l + 1;
  }
  return -1;
}

/** Whether the `n` octets at `a` and at `b` are the same. */
function sameOctets(bytes: Uint8Array, a: number, b: number, n: number): boolean {
  for (let i = 0; i < n; i++) if (bytes[a + i] !== bytes[b + i]) return false;
  return true;
}

/** Offsets of the address records' rdata in the section being read (reused). */
let rdataAt = new Int32Array(16);

/**
 * round_robin (see policies.ts) on a response in wire form, as the cache sends its hits:
 * when every section is already in round_robin's group order and its address records form
 * one RRset (same owner octets, type, class and TTL), shuffling the records is shuffling
 * their addresses, which is done on a copy of the bytes. Returns `bytes` itself when
 * nothing can move, and undefined when the response needs the Message path (groups out of
 * order, several MX records, address records of different names or types).
 */
export function roundRobinWire(bytes: Uint8Array, random: RandomInt): Uint8Array | undefined {
  if (bytes.length < HEADER_LENGTH) return undefined;
  let p = HEADER_LENGTH;
  const questions = (bytes[4] << 8) | bytes[5];
  for (let i = 0; i < questions; i++) {
    p = skipName(bytes, p);
    if (p < 0) return undefined;
    p += 4;
  }
  let out: Uint8Array | undefined;
  for (let section = 0; section < 3; section++) {
    const count = (bytes[6 + 2 * section] << 8) | bytes[7 + 2 * section];
    let group = 0;
    let addresses = 0;
    let mx = 0;
    let firstOwner = 0;
    let ownerLength = 0;
    let firstFixed = 0;
    let rdlength = 0;
    for (let i = 0; i < count; i++) {
      const owner = p;
      p = skipName(bytes, p);
      if (p < 0 || p + 10 > bytes.length) return undefined;
      const type = (bytes[p] << 8) | bytes[p + 1];
      const length = (bytes[p + 8] << 8) | bytes[p + 9];
      const g = groupOf(type);
      if (g < group) return undefined;
      group = g;
      if (g === 2) {
        if (addresses === 0) {
          firstOwner = owner;
          ownerLength = p - owner;
          firstFixed = p;
          rdlength = length;
        } else if (
          p - owner !== ownerLength ||
          length !== rdlength ||
          !sameOctets(bytes, owner, firstOwner, ownerLength) ||
          // type, class and TTL
          !sameOctets(bytes, p, firstFixed, 8)
        ) {
          return undefined;
        }
        if (addresses === rdataAt.length) {
          const grown = new Int32Array(addresses * 2);
          grown.set(rdataAt);
          rdataAt = grown;
        }
        rdataAt[addresses++] = p + 10;
      } else if (g === 3 && ++mx > 1) {
        return undefined;
      }
      p += 10 + length;
      if (p > bytes.length) return undefined;
    }
    if (addresses > 1) {
      if (out === undefined) {
        out = Buffer.allocUnsafe(bytes.length);
        out.set(bytes);
      }
      // Fisher-Yates over the addresses, read from the original, written to the copy.
      const order = new Int32Array(addresses);
      for (let i = 0; i < addresses; i++) order[i] = i;
      for (let i = addresses - 1; i > 0; i--) {
        const j = random(i + 1);
        const t = order[i];
        order[i] = order[j];
        order[j] = t;
      }
      for (let i = 0; i < addresses; i++) {
        const from = rdataAt[order[i]];
        out.set(bytes.subarray(from, from + rdlength), rdataAt[i]);
      }
    }
  }
  return out ?? bytes;
}
