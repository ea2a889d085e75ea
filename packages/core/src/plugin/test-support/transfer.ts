/**
 * Fixtures for the zone transfer tests: a Transferer holding zones in memory that keeps
 * an IXFR history as versions are set, a writer that captures what a transfer writes, and
 * builders for records and transfer queries.
 */
import { createOpt } from '../../wire/edns.js';
import type { Message, ResourceRecord } from '../../wire/types.js';
import { Request } from '../request.js';
import type { Transferer } from '../interfaces.js';
import { ZoneHistory, type SoaRecord, type ZoneDiff } from '../transfer-history.js';
import type { ResponseWriter, Transport } from '../writer.js';

export function soa(zone: string, serial: number): SoaRecord {
  return {
    name: zone,
    type: 'SOA',
    class: 'IN',
    ttl: 3600,
    data: {
      mname: `ns1.${zone}`,
      rname: `hostmaster.${zone}`,
      serial,
      refresh: 7200,
      retry: 600,
      expire: 86400,
      minimum: 300,
    },
  };
}

export function a(name: string, address: string, ttl = 300): ResourceRecord {
  return { name, type: 'A', class: 'IN', ttl, data: address };
}

export function txt(name: string, text: string, ttl = 300): ResourceRecord {
  return { name, type: 'TXT', class: 'IN', ttl, data: [new TextEncoder().encode(text)] };
}

export function ns(zone: string, host: string): ResourceRecord {
  return { name: zone, type: 'NS', class: 'IN', ttl: 3600, data: host };
}

/** `count` A records www0..wwwN in `zone`. */
export function hosts(zone: string, count: number, base = 0): ResourceRecord[] {
  const out: ResourceRecord[] = [];
  for (let i = 0; i < count; i++) {
    const n = base + i;
    out.push(a(`host${n}.${zone}`, `10.${(n >> 16) & 255}.${(n >> 8) & 255}.${n & 255}`));
  }
  return out;
}

interface Version {
  readonly soa: SoaRecord;
  readonly records: readonly ResourceRecord[];
}

/**
 * Zones in memory. `set` installs a new version, records the step in the zone's history
 * and tells the change listeners, as file or secondary do on a reload.
 */
export class MemoryTransferer implements Transferer {
  readonly zones = new Map<string, Version>();
  readonly histories = new Map<string, ZoneHistory>();
  readonly #listeners: ((zone: string, serial: number) => void)[] = [];
  /** Records per batch of `transfer`. */
  batchSize = 100;
  /** Set to end `transfer` streams without the closing SOA (a broken source). */
  omitClosingSoa = false;
  /** Set to throw after this many batches (a source failing mid-stream). */
  failAfterBatches = -1;

  set(zone: string, serial: number, records: readonly ResourceRecord[]): void {
    const next: Version = { soa: soa(zone, serial), records };
    const previous = this.zones.get(zone);
    if (previous !== undefined) {
      let h = this.histories.get(zone);
      if (h === undefined) {
        h = new ZoneHistory();
        this.histories.set(zone, h);
      }
      h.record([previous.soa, ...previous.records], [next.soa, ...next.records]);
    }
    this.zones.set(zone, next);
    for (const l of this.#listeners) l(zone, serial);
  }

  transfer(zone: string): AsyncIterable<ResourceRecord[]> | undefined {
    const v = this.zones.get(zone);
    if (v === undefined) return undefined;
    return this.#batches(v);
  }

  async *#batches(v: Version): AsyncGenerator<ResourceRecord[]> {
    const all = [v.soa, ...v.records];
    if (!this.omitClosingSoa) all.push(v.soa);
    let n = 0;
    for (let i = 0; i < all.length; i += this.batchSize) {
      if (n++ === this.failAfterBatches) throw new Error('the source broke');
      yield all.slice(i, i + this.batchSize);
    }
  }

  ixfr(zone: string, serial: number): readonly ZoneDiff[] | undefined {
    return this.histories.get(zone)?.since(serial);
  }

  onZoneChange(listener: (zone: string, serial: number) => void): void {
    this.#listeners.push(listener);
  }
}

/** Captures every message written; `writable` scripts what whenWritable answers. */
export class CaptureWriter implements ResponseWriter {
  readonly messages: Message[] = [];
  writable: boolean | (() => boolean | Promise<boolean>) = true;
  readonly localAddress = '127.0.0.1';
  readonly localPort = 53;
  readonly remotePort = 40000;

  constructor(
    readonly transport: Transport = 'tcp',
    readonly remoteAddress = '127.0.0.1',
  ) {}

  write(msg: Message): void {
    this.messages.push(msg);
  }

  whenWritable(): boolean | Promise<boolean> {
    return typeof this.writable === 'function' ? this.writable() : this.writable;
  }

  /** Every answer record of every message, in order. */
  get records(): ResourceRecord[] {
    return this.messages.flatMap((m) => m.answers);
  }
}

/** An AXFR, or an IXFR from `serial`, as a Request answered on `w`. */
export function transferRequest(
  zone: string,
  w: ResponseWriter,
  opts: { serial?: number; id?: number; edns?: boolean } = {},
): Request {
  const msg: Message = {
    id: opts.id ?? 4242,
    flags: 0,
    questions: [{ name: zone, type: opts.serial === undefined ? 'AXFR' : 'IXFR', class: 'IN' }],
    answers: [],
    authorities: opts.serial === undefined ? [] : [soa(zone, opts.serial)],
    additionals: [],
  };
  if (opts.edns === true) {
    msg.additionals.push(createOpt());
  }
  return new Request(msg, w, zone);
}
