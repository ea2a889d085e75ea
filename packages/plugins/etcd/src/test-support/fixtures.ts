/** An in-memory copy of etcd for handler tests without etcd. */
import {
  Fallthrough,
  Flag,
  Request,
  createOpt,
  decodeMessage,
  encodeMessage,
  type Handler,
  type Message,
  type ResponseWriter,
} from '@tsdns/core';
import { CaptureWriter } from '@tsdns/testing';
import { Etcd, type CopySource, type EtcdSettings } from '../etcd.js';
import { keyOfName } from '../path.js';
import { parseService, ServiceError } from '../service.js';
import { KeyStore, type Entry } from '../store.js';

export const PREFIX = '/skydns';

/** A service written at a name (its key is the name's SkyDNS key), as CoreDNS's tests write them. */
export type Fixture = [name: string, value: object | string | null, lease?: string];

export function entryFor(name: string, value: object | string | null, lease = '0', prefix = PREFIX): Entry {
  const key = keyOfName(name, prefix).key;
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  try {
    return { key, service: parseService(key, new TextEncoder().encode(text), prefix, lease) };
  } catch (e) {
    if (!(e instanceof ServiceError)) throw e;
    return { key, error: `${key}: ${e.message}` };
  }
}

export function storeOf(fixtures: readonly Fixture[], prefix = PREFIX): KeyStore {
  const store = new KeyStore();
  for (const [name, value, lease] of fixtures) store.set(entryFor(name, value, lease, prefix));
  return store;
}

export class FakeSource implements CopySource {
  live = true;
  synced = true;
  lastError = 'etcd is away';
  readonly leaseTtls = new Map<string, number>();
  readonly leases = { remaining: (id: string): number => this.leaseTtls.get(id) ?? 0 };
  constructor(public store: KeyStore) {}
}

/** A handler that records what reaches it (the next plugin). */
export class NextHandler implements Handler {
  readonly name = 'next';
  calls = 0;
  serveDNS(): number {
    this.calls++;
    return 3; // NXDOMAIN written (nothing is, but the rcode says so)
  }
}

export function settings(zones: string[], over: Partial<EtcdSettings> = {}): EtcdSettings {
  return {
    zones,
    prefix: PREFIX,
    fallthrough: Fallthrough.none,
    minLeaseTtl: 30,
    maxLeaseTtl: 86400,
    ...over,
  };
}

export function query(name: string, type: string, edns = false): Message {
  return {
    id: 7,
    flags: Flag.RD,
    questions: [{ name, type, class: 'IN' }],
    answers: [],
    authorities: [],
    additionals: edns ? [createOpt({ udpPayloadSize: 4096 })] : [],
  };
}

export interface Served {
  rcode: number;
  /** The response as a client decodes it (after a wire round trip). */
  reply: Message;
}

/** Serves a query and returns the response, also when the handler answered with an error. */
export async function serve(h: Etcd, name: string, type: string, req?: Request): Promise<Served> {
  const w = new CaptureWriter();
  const r = req ?? new Request(query(name, type), w);
  const rcode = await h.serveDNS(r, r.w === w ? w : (r.w as ResponseWriter));
  const written = (r.w as CaptureWriter).written ?? w.written;
  if (written.length !== 1) throw new Error(`expected one response, got ${written.length}`);
  return { rcode, reply: decodeMessage(encodeMessage(written[0])) };
}

/** Records of a section as dig-like lines "name ttl type rdata" (rdata as JSON), sorted. */
export function lines(rrs: Message['answers']): string[] {
  return rrs
    .filter((rr) => rr.type !== 'OPT')
    .map((rr) => {
      const r = rr as { name: string; ttl: number; type: string; data: unknown };
      const data =
        r.type === 'TXT'
          ? (r.data as Uint8Array[]).map((b) => JSON.stringify(new TextDecoder().decode(b))).join(' ')
          : typeof r.data === 'string'
            ? r.data
            : Object.values(r.data as object).join(' ');
      return `${r.name} ${r.ttl} ${r.type} ${data}`;
    })
    .sort();
}
