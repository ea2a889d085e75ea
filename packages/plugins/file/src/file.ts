import {
  Rcode,
  answerFromZone,
  isTransferQuery,
  type Handler,
  type Request,
  type ResourceRecord,
  type ResponseWriter,
  type Transferer,
  type ZoneChangeListener,
  type ZoneDiff,
  type ZoneHistoryOptions,
} from '@tsdns/core';
import type { FileGroup, FileZones } from './zones.js';

/**
 * Answers authoritatively from the zones of its `file` directives (RFC 1034 4.3.2, via
 * core's answerFromZone: CNAME targets outside the zone are resolved through the server's
 * own chain); names outside them go to the next plugin. It is also the zones'
 * Transferer, so the `transfer` plugin can stream them.
 */
export class FileHandler implements Handler, Transferer {
  readonly name = 'file';

  constructor(
    readonly zones: FileZones,
    readonly next: Handler | undefined,
  ) {}

  serveDNS(req: Request, w: ResponseWriter): number | Promise<number> {
    const found = this.zones.find(req.name);
    if (found === undefined) {
      // An authoritative server with nothing behind it refuses, as CoreDNS's file does.
      return this.next === undefined ? Rcode.REFUSED : this.next.serveDNS(req, w);
    }
    const zone = found.group.zones.get(found.origin);
    if (zone === undefined) return Rcode.SERVFAIL;
    // Without `transfer to` nobody may transfer here; the transfer plugin, earlier in the chain, may.
    if (isTransferQuery(req)) return found.group.transfer?.serve(req, w) ?? Rcode.REFUSED;
    return answerFromZone(zone, req, w, {
      plugin: this.name,
      fallthrough: this.zones.config.fallthrough,
      next: this.next,
    });
  }

  /** The group that serves `zone` itself: of two directives naming it, the later one. */
  #groupOf(zone: string): FileGroup | undefined {
    const groups = this.zones.groups;
    for (let i = groups.length - 1; i >= 0; i--) if (groups[i].zones.has(zone)) return groups[i];
    return undefined;
  }

  transfer(zone: string): Iterable<readonly ResourceRecord[]> | undefined {
    // A Zone is immutable: a reload during the transfer swaps the version, not this one.
    return this.#groupOf(zone)?.zones.transfer(zone);
  }

  ixfr(zone: string, serial: number): readonly ZoneDiff[] | undefined {
    return this.#groupOf(zone)?.zones.ixfr(zone, serial);
  }

  keepHistory(options?: ZoneHistoryOptions): void {
    for (const g of this.zones.groups) g.zones.keepHistory(options);
  }

  *transferZones(): Iterable<string> {
    for (const g of this.zones.groups) yield* g.zones.transferZones();
  }

  onZoneChange(listener: ZoneChangeListener): void {
    for (const g of this.zones.groups) g.zones.onZoneChange(listener);
  }
}
