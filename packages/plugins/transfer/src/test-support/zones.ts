/**
 * A zone plugin for the transfer tests (`zonesrc`): zones held in memory that a test
 * replaces version by version, as file or secondary do on a reload. It answers queries
 * for them authoritatively (exact names only, which is all a secondary asks: SOA) and is a
 * Transferer with IXFR history once asked to keep it.
 */
import {
  Flag,
  Rcode,
  ZoneHistory,
  definePlugin,
  matchZone,
  nameKey,
  nextOrFailure,
  type Handler,
  type Request,
  type ResourceRecord,
  type ResponseWriter,
  type SoaRecord,
  type Transferer,
  type ZoneDiff,
} from '@tsdns/core';

export function soa(zone: string, serial: number): SoaRecord {
  return {
    name: zone,
    type: 'SOA',
    class: 'IN',
    ttl: 3600,
    // Short timers so a secondary notices quickly even without NOTIFY.
    data: {
      mname: `ns1.${zone}`,
      rname: `hostmaster.${zone}`,
      serial,
      refresh: 3600,
      retry: 2,
      expire: 86400,
      minimum: 60,
    },
  };
}

export function a(name: string, address: string, ttl = 300): ResourceRecord {
  return { name, type: 'A', class: 'IN', ttl, data: address };
}

export function ns(zone: string, host: string): ResourceRecord {
  return { name: zone, type: 'NS', class: 'IN', ttl: 3600, data: host };
}

/** The apex NS, its address, and `count` hosts. */
export function zoneRecords(zone: string, count: number, base = 0): ResourceRecord[] {
  const out = [ns(zone, `ns1.${zone}`), a(`ns1.${zone}`, '192.0.2.53')];
  for (let i = base; i < base + count; i++)
    out.push(a(`host${i}.${zone}`, `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`));
  return out;
}

interface Version {
  readonly soa: SoaRecord;
  readonly records: readonly ResourceRecord[];
}

export class TestZones implements Transferer {
  readonly versions = new Map<string, Version>();
  readonly #histories = new Map<string, ZoneHistory>();
  #keepHistory = false;
  #listeners: ((zone: string, serial: number) => void)[] = [];

  /** Installs a new version of `zone` and reports the change. */
  set(zone: string, serial: number, records: readonly ResourceRecord[]): void {
    const next: Version = { soa: soa(zone, serial), records };
    const previous = this.versions.get(zone);
    if (previous !== undefined && this.#keepHistory) {
      let h = this.#histories.get(zone);
      if (h === undefined) this.#histories.set(zone, (h = new ZoneHistory()));
      h.record([previous.soa, ...previous.records], [next.soa, ...next.records]);
    }
    this.versions.set(zone, next);
    for (const l of this.#listeners) l(zone, serial);
  }

  reset(): void {
    this.versions.clear();
    this.#histories.clear();
    this.#keepHistory = false;
    this.#listeners = [];
  }

  get keepsHistory(): boolean {
    return this.#keepHistory;
  }

  transfer(zone: string): Iterable<readonly ResourceRecord[]> | undefined {
    const v = this.versions.get(zone);
    if (v === undefined) return undefined;
    return [[v.soa], v.records, [v.soa]];
  }

  ixfr(zone: string, serial: number): readonly ZoneDiff[] | undefined {
    return this.#histories.get(zone)?.since(serial);
  }

  keepHistory(): void {
    this.#keepHistory = true;
  }

  transferZones(): Iterable<string> {
    return this.versions.keys();
  }

  onZoneChange(listener: (zone: string, serial: number) => void): void {
    this.#listeners.push(listener);
  }
}

/** The zones every `zonesrc` handler serves; tests reset and fill it. */
export const testZones = new TestZones();

class ZoneSource implements Handler, Transferer {
  readonly name = 'zonesrc';
  constructor(
    private readonly zones: TestZones,
    private readonly next: Handler | undefined,
  ) {}

  serveDNS(req: Request, w: ResponseWriter): number | Promise<number> {
    const origin = matchZone([...this.zones.versions.keys()], req.name);
    if (origin === undefined) return nextOrFailure(this.name, this.next, req, w);
    if (req.qtype === 'AXFR' || req.qtype === 'IXFR') return Rcode.REFUSED;
    const v = this.zones.versions.get(origin) as Version;
    const all = [v.soa, ...v.records];
    const atName = all.filter((rr) => nameKey(rr.name) === req.name);
    const msg = req.reply(atName.length === 0 ? Rcode.NXDOMAIN : Rcode.NOERROR);
    msg.flags |= Flag.AA;
    msg.answers = atName.filter((rr) => rr.type === req.qtype);
    if (msg.answers.length === 0) msg.authorities = [v.soa];
    w.write(msg);
    return Rcode.NOERROR;
  }

  transfer(zone: string): Iterable<readonly ResourceRecord[]> | undefined {
    return this.zones.transfer(zone);
  }
  ixfr(zone: string, serial: number): readonly ZoneDiff[] | undefined {
    return this.zones.ixfr(zone, serial);
  }
  keepHistory(): void {
    this.zones.keepHistory();
  }
  transferZones(): Iterable<string> {
    return this.zones.transferZones();
  }
  onZoneChange(listener: (zone: string, serial: number) => void): void {
    this.zones.onZoneChange(listener);
  }
}

export const zoneSourcePlugin = definePlugin({
  name: 'zonesrc',
  setup(c) {
    c.next();
    c.addHandler((next) => new ZoneSource(testZones, next));
  },
});
