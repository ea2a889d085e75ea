import type { ResourceRecord } from '@tsdns/core';

/** A section's records sorted into the groups the policies reorder. */
export interface Partition {
  cname: ResourceRecord[];
  address: ResourceRecord[];
  mx: ResourceRecord[];
  rest: ResourceRecord[];
  /** OPT and TSIG: they stay last, in order (TSIG must be the final record, RFC 8945). */
  pseudo: ResourceRecord[];
}

export function partition(records: readonly ResourceRecord[]): Partition {
  const p: Partition = { cname: [], address: [], mx: [], rest: [], pseudo: [] };
  for (const rr of records) {
    switch (rr.type) {
      case 'CNAME':
        p.cname.push(rr);
        break;
      case 'A':
      case 'AAAA':
        p.address.push(rr);
        break;
      case 'MX':
        p.mx.push(rr);
        break;
      case 'OPT':
      case 'TSIG':
        p.pseudo.push(rr);
        break;
      default:
        p.rest.push(rr);
    }
  }
  return p;
}

/** A random integer in [0, limit). */
export type RandomInt = (limit: number) => number;

export const mathRandomInt: RandomInt = (limit) => Math.floor(Math.random() * limit);

/** Fisher-Yates: every order equally likely. Shuffles `records` in place. */
export function shuffleInPlace(records: ResourceRecord[], random: RandomInt): void {
  for (let i = records.length - 1; i > 0; i--) {
    const j = random(i + 1);
    if (j !== i) {
      const t = records[i];
      records[i] = records[j];
      records[j] = t;
    }
  }
}
