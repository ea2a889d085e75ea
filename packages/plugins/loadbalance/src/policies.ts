import { nameKey, type Message, type ResourceRecord } from '@tsdns/core';
import { canonicalIp, ipBytes, type Subnet } from './address.js';
import { mathRandomInt, partition, shuffleInPlace, type RandomInt } from './sections.js';
import type { WeightTable } from './weights.js';

/** Reorders the records of a NOERROR response; returns a new message, never changing `msg`. */
export type Reorder = (msg: Message) => Message;

function isAddress(rr: ResourceRecord): boolean {
  return rr.type === 'A' || rr.type === 'AAAA';
}

/**
 * round_robin for one section (CoreDNS's roundRobin): address records and MX records are
 * shuffled, each group uniformly; CNAMEs go first, because some stub resolvers (glibc)
 * want the chain before the addresses, then the other records, the addresses, the MX
 * records, and last any OPT or TSIG. A section of only A (or only AAAA) records, the
 * common case, is shuffled with one copy.
 */
export function roundRobin(
  records: readonly ResourceRecord[],
  random: RandomInt = mathRandomInt,
): ResourceRecord[] {
  if (records.length <= 1) return records as ResourceRecord[];
  const first = records[0].type;
  if (first === 'A' || first === 'AAAA') {
    let same = true;
    for (let i = 1; i < records.length; i++) {
      if (records[i].type !== first) {
        same = false;
        break;
      }
    }
    if (same) {
      const out = records.slice();
      shuffleInPlace(out, random);
      return out;
    }
  }
  const p = partition(records);
  shuffleInPlace(p.address, random);
  shuffleInPlace(p.mx, random);
  return [...p.cname, ...p.rest, ...p.address, ...p.mx, ...p.pseudo];
}

export function randomShuffle(random: RandomInt = mathRandomInt): Reorder {
  return (msg) => ({
    ...msg,
    answers: roundRobin(msg.answers, random),
    authorities: roundRobin(msg.authorities, random),
    additionals: roundRobin(msg.additionals, random),
  });
}

/** Where the weights come from: the weighted policy reloads them while the server runs. */
export interface WeightSource {
  readonly weights: WeightTable;
}

function addressOf(rr: ResourceRecord): string | undefined {
  return rr.type === 'A' || rr.type === 'AAAA' ? rr.data : undefined;
}

/**
 * The index of the address record to put first, drawn with probability proportional to
 * its weight (1 for addresses the file does not list), as CoreDNS's weighted policy does.
 */
export function topAddressIndex(
  address: readonly ResourceRecord[],
  weights: WeightTable,
  random: RandomInt,
): number {
  const w = new Array<number>(address.length);
  let sum = 0;
  for (let i = 0; i < address.length; i++) {
    const rr = address[i];
    const table = weights.get(nameKey(rr.name));
    let weight = 1;
    if (table !== undefined) {
      const ip = addressOf(rr);
      const key = ip === undefined ? undefined : canonicalIp(ip);
      weight = (key !== undefined ? table.get(key) : undefined) ?? 1;
    }
    w[i] = weight;
    sum += weight;
  }
  let v = random(sum);
  for (let i = 0; i < w.length; i++) {
    if (v < w[i]) return i;
    v -= w[i];
  }
  return w.length - 1;
}

/**
 * weighted for one section: one address record, drawn by weight, moves to the top (it
 * swaps places with the first); the rest keep their order. Groups are laid out as in
 * roundRobin. Sections without addresses are returned as they are.
 */
export function weightedSection(
  records: readonly ResourceRecord[],
  weights: WeightTable,
  random: RandomInt,
): ResourceRecord[] {
  let addresses = 0;
  for (const rr of records) if (isAddress(rr)) addresses++;
  if (addresses === 0) return records as ResourceRecord[];
  const p = partition(records);
  const top = topAddressIndex(p.address, weights, random);
  if (top > 0) {
    const t = p.address[0];
    p.address[0] = p.address[top];
    p.address[top] = t;
  }
  return [...p.cname, ...p.rest, ...p.address, ...p.mx, ...p.pseudo];
}

/** The weighted policy: applies to A, AAAA and SRV questions, in the answer and additional sections. */
export function weightedShuffle(source: WeightSource, random: RandomInt = mathRandomInt): Reorder {
  return (msg) => {
    const qtype = msg.questions[0]?.type;
    if (qtype !== 'A' && qtype !== 'AAAA' && qtype !== 'SRV') return msg;
    const weights = source.weights;
    return {
      ...msg,
      answers: weightedSection(msg.answers, weights, random),
      additionals: weightedSection(msg.additionals, weights, random),
    };
  };
}

/**
 * `prefer CIDR...`: in the answer and additional sections, address records in a preferred
 * subnet come before the others, subnet by subnet in the order listed (records keep their
 * order within a subnet). Sections are laid out as CoreDNS's prefer does: CNAMEs, the
 * addresses, MX, the other records, then OPT and TSIG.
 */
export function preferSubnets(subnets: readonly Subnet[]): Reorder {
  const reorder = (records: readonly ResourceRecord[]): ResourceRecord[] => {
    const p = partition(records);
    if (p.address.length === 0) return records as ResourceRecord[];
    const ips = p.address.map((rr) => {
      const ip = addressOf(rr);
      return ip === undefined ? undefined : ipBytes(ip);
    });
    const taken = new Array<boolean>(p.address.length).fill(false);
    const sorted: ResourceRecord[] = [];
    for (const subnet of subnets) {
      for (let i = 0; i < p.address.length; i++) {
        const ip = ips[i];
        if (!taken[i] && ip !== undefined && subnet.contains(ip)) {
          taken[i] = true;
          sorted.push(p.address[i]);
        }
      }
    }
    for (let i = 0; i < p.address.length; i++) if (!taken[i]) sorted.push(p.address[i]);
    return [...p.cname, ...sorted, ...p.mx, ...p.rest, ...p.pseudo];
  };
  return (msg) => ({ ...msg, answers: reorder(msg.answers), additionals: reorder(msg.additionals) });
}
