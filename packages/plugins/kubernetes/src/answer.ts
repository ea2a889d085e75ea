/**
 * The records of one query, built from the lookup's entries as CoreDNS's backend
 * functions build them: A/AAAA (ExternalName services as a CNAME followed inside the zone
 * or resolved through the server's chain), SRV with the targets' addresses as additional
 * records and weights shared equally, TXT for dns-version, PTR, NS and SOA at the apex.
 *
 * Whether a name exists is decided once, for every type: a name that exists without
 * records of the asked type is NODATA, one that does not is NXDOMAIN. Besides service and
 * pod names, `dns-version.ZONE`, `ns.dns.ZONE` and the empty non-terminals `dns.ZONE`,
 * `svc.ZONE` and `pod.ZONE` exist.
 *
 * Everything is synchronous except the lookups of CNAME targets outside the zone, which
 * are left as pending parts and resolved afterwards in place (`resolveParts`).
 */
import { isIP } from 'node:net';
import {
  Flag,
  isSubdomain,
  nameKey,
  type Message,
  type Request,
  type ResourceRecord,
  type SoaData,
} from '@tsdns/core';
import { Entry, NAME_ERROR } from './lookup.js';
import { INVALID, labelsBelow, parseRequest } from './parse.js';
import { DNS_SCHEMA_VERSION, DNS_VERSION_TTL, joinName, type KubeView } from './view.js';

/** How many CNAMEs a chain inside the zone may have (CoreDNS's maxCnameChainLength). */
export const MAX_CNAME_CHAIN = 10;

/** A CNAME whose target lies outside the zone: the chain's answer for it, looked up later. */
export class UpstreamPart {
  constructor(
    readonly cname: ResourceRecord,
    readonly target: string,
    readonly type: string,
  ) {}
}

/** A CNAME inside the zone whose target's records hold pending parts: kept only if they resolve to something. */
export class ChainPart {
  constructor(
    readonly cname: ResourceRecord,
    readonly parts: readonly Part[],
  ) {}
}

export type Part = ResourceRecord | UpstreamPart | ChainPart;

export interface Built {
  readonly answer: readonly Part[];
  readonly extra: readonly ResourceRecord[];
  /** Whether `answer` holds pending parts (then it must go through resolveParts). */
  readonly pending: boolean;
}

const EMPTY: Built = { answer: [], extra: [], pending: false };
/** The dns-version record's text, encoded once. */
const VERSION_TEXT: readonly Uint8Array[] = [new TextEncoder().encode(DNS_SCHEMA_VERSION)];

function isPending(p: Part): p is UpstreamPart | ChainPart {
  return p instanceof UpstreamPart || p instanceof ChainPart;
}

function absolute(name: string): string {
  return name.endsWith('.') ? name : `${name}.`;
}

/** The IP in a full reverse name (`4.3.2.1.in-addr.arpa.`, 32 nibbles of ip6.arpa), or ''. */
export function reverseAddress(name: string): string {
  if (name.endsWith('.in-addr.arpa.')) {
    const parts = name.slice(0, -'.in-addr.arpa.'.length).split('.');
    if (parts.length !== 4) return '';
    const ip = parts.reverse().join('.');
    return isIP(ip) === 4 ? ip : '';
  }
  if (name.endsWith('.ip6.arpa.')) {
    const nibbles = name.slice(0, -'.ip6.arpa.'.length).split('.');
    if (nibbles.length !== 32 || !nibbles.every((n) => /^[0-9a-f]$/.test(n))) return '';
    nibbles.reverse();
    const groups: string[] = [];
    for (let i = 0; i < 32; i += 4)
      groups.push(
        nibbles
          .slice(i, i + 4)
          .join('')
          .replace(/^0{1,3}/, ''),
      );
    // The compressed form, as the API writes IPv6 addresses.
    return compressIPv6(groups);
  }
  return '';
}

function compressIPv6(groups: string[]): string {
  let bestStart = -1;
  let bestLen = 0;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== '0') {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === '0') j++;
    if (j - i > bestLen && j - i > 1) {
      bestStart = i;
      bestLen = j - i;
    }
    i = j;
  }
  if (bestStart < 0) return groups.join(':');
  return `${groups.slice(0, bestStart).join(':')}::${groups.slice(bestStart + bestLen).join(':')}`;
}

function isReverseZone(zone: string): boolean {
  return zone.endsWith('in-addr.arpa.') || zone.endsWith('ip6.arpa.');
}

/** The labels that exist in a forward zone without being a service or pod. */
function specialName(segs: readonly string[]): 'version' | 'ns' | 'ent' | undefined {
  if (segs.length === 1) {
    if (segs[0] === 'dns-version') return 'version';
    if (segs[0] === 'dns') return 'ent';
  } else if (segs.length === 2 && segs[0] === 'ns' && segs[1] === 'dns') return 'ns';
  return undefined;
}

export class Answerer {
  constructor(readonly view: KubeView) {}

  get ttl(): number {
    return this.view.settings.ttl;
  }

  /**
   * The entries `name` refers to, or NAME_ERROR. Special names exist with no entries;
   * in a reverse zone, a full address exists when it has PTR records.
   */
  entries(name: string, zone: string): Entry[] | typeof NAME_ERROR {
    if (name === zone) return [];
    if (isReverseZone(zone)) {
      const ip = reverseAddress(name);
      return ip !== '' && this.view.lookup.reverse(ip).length > 0 ? [] : NAME_ERROR;
    }
    const segs = labelsBelow(name, zone);
    if (specialName(segs) !== undefined) return [];
    const multicluster = this.view.isMulticluster(zone);
    const r = parseRequest(name, zone, multicluster);
    if (r === INVALID) return NAME_ERROR;
    return this.view.lookup.records(r, multicluster);
  }

  /** Whether `name` exists (for the types it has no records of). */
  exists(name: string, zone: string): boolean {
    return this.entries(name, zone) !== NAME_ERROR;
  }

  /**
   * The records for a query of `qtype` for `name` (lowercased) below `zone`, owned by
   * `owner` (the name as asked); `zoneOut` is the zone as the query wrote it. NAME_ERROR
   * when the name does not exist.
   */
  build(
    qtype: string,
    name: string,
    owner: string,
    zone: string,
    zoneOut: string,
  ): Built | typeof NAME_ERROR {
    switch (qtype) {
      case 'A':
      case 'AAAA': {
        if (specialName(labelsBelow(name, zone)) === 'ns' && !isReverseZone(zone)) {
          const answer = this.view
            .nsAddresses(zoneOut, false, false)
            .filter((rr) => rr.type === qtype)
            .map((rr): ResourceRecord => ({ ...rr, name: owner }) as ResourceRecord);
          return { answer, extra: [], pending: false };
        }
        const parts = this.addresses(qtype, name, owner, zone, []);
        if (parts === NAME_ERROR) return NAME_ERROR;
        return { answer: parts, extra: [], pending: parts.some(isPending) };
      }
      case 'SRV':
        return this.srv(name, owner, zone, zoneOut);
      case 'TXT':
        if (!isReverseZone(zone) && specialName(labelsBelow(name, zone)) === 'version') {
          const txt: ResourceRecord = {
            name: owner,
            type: 'TXT',
            class: 'IN',
            ttl: DNS_VERSION_TTL,
            data: VERSION_TEXT as Uint8Array[],
          };
          return { answer: [txt], extra: [], pending: false };
        }
        return this.#empty(name, zone);
      case 'CNAME': {
        const entries = this.entries(name, zone);
        if (entries === NAME_ERROR) return NAME_ERROR;
        const e = entries.find((x) => isIP(x.host) === 0);
        if (e === undefined) return EMPTY;
        return { answer: [this.#cname(owner, e.host)], extra: [], pending: false };
      }
      case 'PTR':
        return this.ptr(name, owner, zone);
      case 'NS':
        if (name === zone) return this.ns(owner, zoneOut);
        return this.#empty(name, zone);
      case 'SOA':
        if (name === zone) return { answer: [this.soa(zone, zoneOut)], extra: [], pending: false };
        return this.#empty(name, zone);
      default:
        return this.#empty(name, zone);
    }
  }

  #empty(name: string, zone: string): Built | typeof NAME_ERROR {
    return this.exists(name, zone) ? EMPTY : NAME_ERROR;
  }

  #cname(owner: string, target: string): ResourceRecord {
    return { name: owner, type: 'CNAME', class: 'IN', ttl: this.ttl, data: absolute(target) };
  }

  /** A or AAAA parts for `name`; `chain` holds the CNAME targets followed so far. */
  addresses(
    type: 'A' | 'AAAA',
    name: string,
    owner: string,
    zone: string,
    chain: readonly string[],
  ): Part[] | typeof NAME_ERROR {
    const entries = this.entries(name, zone);
    if (entries === NAME_ERROR) return NAME_ERROR;
    const out: Part[] = [];
    const family = type === 'A' ? 4 : 6;
    const seen = entries.length > 1 ? new Set<string>() : undefined;
    for (const e of entries) {
      const v = isIP(e.host);
      if (v === 0) {
        this.#follow(e.host, type, name, owner, zone, chain, out);
        continue;
      }
      if (v !== family) continue;
      if (seen !== undefined) {
        if (seen.has(e.host)) continue;
        seen.add(e.host);
      }
      out.push({ name: owner, type, class: 'IN', ttl: this.ttl, data: e.host } as ResourceRecord);
    }
    return out;
  }

  /** An ExternalName target: a CNAME, then its addresses from inside the zone or through the chain. */
  #follow(
    host: string,
    type: 'A' | 'AAAA',
    name: string,
    owner: string,
    zone: string,
    chain: readonly string[],
    out: Part[],
  ): void {
    const target = absolute(host);
    const key = nameKey(target);
    // x CNAME x, a loop, or a chain too long: CoreDNS leaves the CNAME out.
    if (key === name || chain.includes(key) || chain.length > MAX_CNAME_CHAIN) return;
    const cname = this.#cname(owner, target);
    if (!isSubdomain(key, zone)) {
      out.push(new UpstreamPart(cname, target, type));
      return;
    }
    const next = this.addresses(type, key, target, zone, [...chain, key]);
    if (next === NAME_ERROR || next.length === 0) return;
    if (next.some(isPending)) out.push(new ChainPart(cname, next));
    else out.push(cname, ...next);
  }

  /** SRV records with the targets' addresses (CoreDNS's SRV for the kubernetes backend). */
  srv(name: string, owner: string, zone: string, zoneOut: string): Built | typeof NAME_ERROR {
    const all = this.entries(name, zone);
    if (all === NAME_ERROR) return NAME_ERROR;
    // ExternalName services have no SRV records (CoreDNS leaves them out).
    const entries = all.filter((e) => isIP(e.host) !== 0);
    if (entries.length === 0) return EMPTY;
    // Every entry has priority 0 and weight 100: each gets an equal share of 100, at least 1.
    const weight = Math.max(1, Math.floor((100 / (100 * entries.length)) * 100));
    const answer: ResourceRecord[] = [];
    const extra: ResourceRecord[] = [];
    const srvSeen = new Set<string>();
    const addrSeen = new Set<string>();
    for (const e of entries) {
      if (e.port === -1) continue;
      const target = joinName(e.target, zoneOut);
      const srvKey = `${target} ${e.port}`;
      if (!srvSeen.has(srvKey)) {
        srvSeen.add(srvKey);
        answer.push({
          name: owner,
          type: 'SRV',
          class: 'IN',
          ttl: this.ttl,
          data: { priority: 0, weight, port: e.port, target },
        });
      }
      const addrKey = `${target} ${e.host}`;
      if (!addrSeen.has(addrKey)) {
        addrSeen.add(addrKey);
        extra.push({
          name: target,
          type: isIP(e.host) === 4 ? 'A' : 'AAAA',
          class: 'IN',
          ttl: this.ttl,
          data: e.host,
        } as ResourceRecord);
      }
    }
    return { answer, extra, pending: false };
  }

  /** PTR records for a full reverse name: the service or endpoints with that address. */
  ptr(name: string, owner: string, zone: string): Built | typeof NAME_ERROR {
    const ip = reverseAddress(name);
    if (ip === '') return this.#empty(name, zone);
    const names = this.view.lookup.reverse(ip);
    if (names.length === 0) return NAME_ERROR;
    const primary = this.view.settings.primaryZone;
    const answer: ResourceRecord[] = [];
    const seen = new Set<string>();
    for (const n of names) {
      const target = joinName(n, primary);
      if (seen.has(target)) continue;
      seen.add(target);
      answer.push({ name: owner, type: 'PTR', class: 'IN', ttl: this.ttl, data: target });
    }
    return { answer, extra: [], pending: false };
  }

  /** The apex NS records (one per name-server name) with their addresses as additional records. */
  ns(owner: string, zoneOut: string): Built {
    const addrs = this.view.nsAddresses(zoneOut, false, false);
    const answer: ResourceRecord[] = [];
    const seen = new Set<string>();
    for (const a of addrs) {
      if (seen.has(a.name)) continue;
      seen.add(a.name);
      answer.push({ name: owner, type: 'NS', class: 'IN', ttl: this.ttl, data: a.name });
    }
    return { answer, extra: addrs, pending: false };
  }

  /** The zone's SOA (CoreDNS's): ns.dns.ZONE, hostmaster.ZONE, the serial of the last change. */
  soa(zone: string, zoneOut: string): ResourceRecord {
    const ttl = this.ttl;
    const data: SoaData = {
      mname: joinName('ns.dns', zoneOut),
      rname: joinName('hostmaster', zoneOut),
      serial: this.view.serial(zone),
      refresh: 7200,
      retry: 1800,
      expire: 86400,
      minimum: ttl,
    };
    return { name: zoneOut, type: 'SOA', class: 'IN', ttl: Math.min(ttl, 300), data };
  }
}

/**
 * Fills in the pending parts through the server's chain, in place: an outside CNAME target
 * adds the CNAME and whatever the chain answered (nothing when the lookup failed), a chain
 * inside the zone is kept when its own parts resolve to records. Sets `tc` when a looked-up
 * answer was truncated.
 */
export async function resolveParts(
  parts: readonly Part[],
  req: Request,
  tc: { truncated: boolean },
): Promise<ResourceRecord[]> {
  const out: ResourceRecord[] = [];
  for (const p of parts) {
    if (p instanceof UpstreamPart) {
      let m: Message;
      try {
        m = await req.upstream(p.target, p.type);
      } catch {
        continue;
      }
      if ((m.flags & Flag.TC) !== 0) tc.truncated = true;
      out.push(p.cname, ...m.answers);
    } else if (p instanceof ChainPart) {
      const inner = await resolveParts(p.parts, req, tc);
      if (inner.length > 0) out.push(p.cname, ...inner);
    } else out.push(p);
  }
  return out;
}
