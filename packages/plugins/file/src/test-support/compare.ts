import { Flag, getRcode, rcodeToString, type Message, type ResourceRecord } from '@tsdns/core';

/** A response reduced to what two servers must agree on: rcode, AA, TC and each section as a set. */
export interface Comparable {
  rcode: string;
  aa: boolean;
  tc: boolean;
  answer: string[];
  authority: string[];
  additional: string[];
}

function hex(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('hex');
}

/**
 * One record as "owner ttl class type data", letter case folded (servers may differ in the
 * case of names), byte strings in hex.
 */
function text(rr: ResourceRecord): string {
  if (rr.type === 'OPT') return 'OPT';
  const data = JSON.stringify(rr.data, (_k, v: unknown) =>
    v instanceof Uint8Array ? hex(v) : typeof v === 'string' ? v.toLowerCase() : v,
  );
  return `${rr.name.toLowerCase()} ${rr.ttl} ${rr.class} ${rr.type} ${data}`;
}

function section(records: ResourceRecord[]): string[] {
  return records
    .filter((r) => r.type !== 'OPT')
    .map(text)
    .sort();
}

export function comparable(msg: Message): Comparable {
  return {
    rcode: rcodeToString(getRcode(msg)),
    aa: (msg.flags & Flag.AA) !== 0,
    tc: (msg.flags & Flag.TC) !== 0,
    answer: section(msg.answers),
    authority: section(msg.authorities),
    additional: section(msg.additionals),
  };
}
