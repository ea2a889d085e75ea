import {
  Flag,
  Rcode,
  matchZone,
  nameKey,
  nextOrFailure,
  typeToNumber,
  type Handler,
  type Request,
  type ResourceRecord,
  type ResponseWriter,
  type Transferer,
} from '@tsdns/core';
import type { FileZones, ZoneChangeListener } from './zones.js';

const AXFR = 252;
const IXFR = 251;
/** Records per batch handed to the transfer mechanism (each becomes one or more messages). */
const TRANSFER_BATCH = 1000;

/**
 * Answers authoritatively from the zones of its `file` directives (RFC 1034 4.3.2, via
 * core's Zone.lookup); names outside them go to the next plugin. It is also the zones'
 * Transferer, so a transfer mechanism can stream them.
 */
export class FileHandler implements Handler, Transferer {
  readonly name = 'file';

  constructor(
    readonly zones: FileZones,
    readonly next: Handler | undefined,
  ) {}

  serveDNS(req: Request, w: ResponseWriter): number | Promise<number> {
    const origin = matchZone(this.zones.names, req.name);
    if (origin === undefined) {
      // An authoritative server with nothing behind it refuses, as CoreDNS's file does.
      return this.next === undefined ? Rcode.REFUSED : this.next.serveDNS(req, w);
    }
    const zone = this.zones.slots.get(origin)?.zone;
    if (zone === undefined) return Rcode.SERVFAIL;
    const qtype = typeToNumber(req.qtype);
    // Without a transfer mechanism nobody may transfer: the client gets REFUSED.
    if (qtype === AXFR || qtype === IXFR) return Rcode.REFUSED;

    const res = zone.lookup(req.qname, qtype, { do: req.do });
    if (
      res.rcode === Rcode.NXDOMAIN &&
      res.answer.length === 0 &&
      this.zones.config.fallthrough.through(req.name)
    ) {
      return nextOrFailure(this.name, this.next, req, w);
    }
    if (res.wildcard !== undefined) {
      const wildcard = res.wildcard;
      req.setMetadata('zone/wildcard', () => wildcard);
    }
    const msg = req.reply(res.rcode);
    if (res.aa) msg.flags |= Flag.AA;
    msg.answers = res.answer;
    msg.authorities = res.authority;
    // The OPT record that reply() may have added stays last.
    if (res.additional.length > 0)
      msg.additionals = (res.additional as ResourceRecord[]).concat(msg.additionals);
    w.write(msg);
    return res.rcode;
  }

  transfer(zone: string, _serial?: number): AsyncIterable<ResourceRecord[]> | undefined {
    const slot = this.zones.slots.get(nameKey(zone));
    const z = slot?.zone;
    if (z === undefined) return undefined;
    // The Zone is immutable: a reload during the transfer swaps the slot, not this copy.
    return batches(z.records());
  }

  onZoneChange(listener: ZoneChangeListener): void {
    this.zones.onChange(listener);
  }
}

async function* batches(records: Iterator<ResourceRecord>): AsyncGenerator<ResourceRecord[]> {
  let batch: ResourceRecord[] = [];
  for (let r = records.next(); !r.done; r = records.next()) {
    batch.push(r.value);
    if (batch.length === TRANSFER_BATCH) {
      yield batch;
      batch = [];
    }
  }
  if (batch.length > 0) yield batch;
}
