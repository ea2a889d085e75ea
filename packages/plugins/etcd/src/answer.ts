/**
 * Records for one query from the services found in the copy, as CoreDNS's backend lookups
 * build them (plugin/backend_lookup.go): A/AAAA from address hosts and CNAMEs from name
 * hosts (followed inside the zone, and through the server's own chain outside it), TXT,
 * MX, SRV with weights shared per priority, CNAME, PTR, NS and SOA at the apex.
 *
 * Everything that the copy can answer is built synchronously. Only a CNAME, SRV or MX
 * target outside the zone needs a lookup through the chain; such a spot is left in the
 * record list as a pending part, and `resolveParts` fills them in afterwards, in place, so
 * the order is the same as if they had been looked up on the spot.
 */
import {
  Flag,
  isSubdomain,
  nameKey,
  type Message,
  type Request,
  type ResourceRecord,
  type SoaData,
} from '@tsdns/core';
import { findServices, LookupError, NAME_ERROR, type Services } from './lookup.js';
import type { Service } from './service.js';
import type { KeyStore } from './store.js';

/** How many CNAMEs a chain inside the zone may have before it is cut (CoreDNS's maxCnameChainLength). */
export const MAX_CNAME_CHAIN = 10;
/**
 * How many names one query may follow inside the zone in all. CNAME chains can branch
 * (each step may hold several services), so the per-chain limit alone does not bound the work.
 */
export const MAX_FOLLOWS = 64;

/** SOA timers CoreDNS's etcd plugin uses; the serial is the current time. */
export const SOA_MINTTL = 30;
const SOA_REFRESH = 7200;
const SOA_RETRY = 1800;
const SOA_EXPIRE = 86400;

/** What the answer builders need from the plugin. */
export interface Backend {
  readonly store: KeyStore;
  readonly prefix: string;
  /** The TTL of a service's records (its own, its lease's, or the default). */
  ttl(service: Service): number;
}

/** A CNAME (or, for glue, nothing) followed by the answer of a lookup through the chain. */
export class UpstreamPart {
  constructor(
    readonly cname: ResourceRecord | undefined,
    readonly target: string,
    readonly type: string,
    /** Glue lookups for AAAA leave out CNAMEs: the A lookup already added them. */
    readonly dropCnames: boolean,
  ) {}
}

/** A CNAME inside the zone whose own answer holds pending parts: kept only if that answer is not empty. */
export class ChainPart {
  constructor(
    readonly cname: ResourceRecord,
    readonly parts: Part[],
  ) {}
}

export type Part = ResourceRecord | UpstreamPart | ChainPart;

function isPending(p: Part): p is UpstreamPart | ChainPart {
  return p instanceof UpstreamPart || p instanceof ChainPart;
}

/** The records for one query: answer and additional parts, and whether any part is pending. */
export class Answer {
  readonly answer: Part[] = [];
  readonly extra: Part[] = [];
  pending = false;
  truncated = false;
  #follows = 0;

  constructor(
    readonly backend: Backend,
    /** The zone the query is in (lowercased). */
    readonly zone: string,
  ) {}

  #services(name: string, exact: boolean, qtype: string): Services {
    return findServices(this.backend.store, this.backend.prefix, name, exact, qtype);
  }

  /** CoreDNS's checkForApex: the apex's addresses live below apex.dns.ZONE, else the zone's own keys. */
  apexServices(name: string, qtype: string): Services {
    if (name !== this.zone) return this.#services(name, false, qtype);
    const apex = this.#services(nameKey(joinName('apex.dns', this.zone)), false, qtype);
    return apex !== NAME_ERROR ? apex : this.#services(name, false, qtype);
  }

  /**
   * A or AAAA records for `name` (lowercased) owned by `owner`. `seen` holds the CNAME
   * targets of the chain so far. Returns NAME_ERROR when the name has no key.
   */
  addresses(
    type: 'A' | 'AAAA',
    name: string,
    owner: string,
    seen: readonly string[],
  ): Part[] | typeof NAME_ERROR {
    const services = this.apexServices(name, type);
    if (services === NAME_ERROR) return NAME_ERROR;
    const out: Part[] = [];
    let hosts: Set<string> | undefined;
    for (const s of services) {
      if (s.hostType === 'CNAME') {
        this.#followCname(s, type, name, owner, seen, out);
      } else if (s.hostType === type) {
        // One record per host, as CoreDNS dedupes on the host text.
        if (hosts?.has(s.host)) continue;
        (hosts ??= new Set()).add(s.host);
        out.push(record(owner, type, this.backend.ttl(s), s.address));
      }
    }
    return out;
  }

  /** TXT records for `name`; CNAME hosts are followed as for addresses. */
  txt(name: string, owner: string, seen: readonly string[]): Part[] | typeof NAME_ERROR {
    const services = this.#services(name, false, 'TXT');
    if (services === NAME_ERROR) return NAME_ERROR;
    const out: Part[] = [];
    let texts: Set<string> | undefined;
    for (const s of services) {
      if (s.hostType === 'CNAME') {
        this.#followCname(s, 'TXT', name, owner, seen, out);
      } else if (s.hostType === 'TXT') {
        if (texts?.has(s.text)) continue;
        (texts ??= new Set()).add(s.text);
        out.push({ name: owner, type: 'TXT', class: 'IN', ttl: this.backend.ttl(s), data: [...s.txt] });
      }
    }
    return out;
  }

  /**
   * A name host seen while answering `type` for `name`: a CNAME to it, then the target's own
   * answer (inside the zone) or a lookup through the chain (outside). Loops, repeats and long
   * chains are cut as CoreDNS cuts them.
   */
  #followCname(
    s: Service,
    type: 'A' | 'AAAA' | 'TXT',
    name: string,
    owner: string,
    seen: readonly string[],
    out: Part[],
  ): void {
    const target = requireTarget(s, s.target);
    // x CNAME x, and in a subtree answer w.x CNAME x, would loop.
    if (isSubdomain(target, name)) return;
    if (seen.length > MAX_CNAME_CHAIN) return;
    const targetKey = nameKey(target);
    if (seen.includes(targetKey)) return;
    const cname = record(owner, 'CNAME', this.backend.ttl(s), target);
    if (!isSubdomain(targetKey, this.zone)) {
      out.push(new UpstreamPart(cname, target, type, false));
      this.pending = true;
      return;
    }
    if (++this.#follows > MAX_FOLLOWS) return;
    let next: Part[] | typeof NAME_ERROR;
    try {
      const chain = [...seen, targetKey];
      next =
        type === 'TXT' ? this.txt(targetKey, target, chain) : this.addresses(type, targetKey, target, chain);
    } catch (e) {
      // CoreDNS drops a CNAME whose target cannot be read, without failing the query.
      if (e instanceof LookupError) return;
      throw e;
    }
    if (next === NAME_ERROR || next.length === 0) return;
    if (next.some(isPending)) out.push(new ChainPart(cname, next));
    else out.push(cname, ...next);
  }

  /** The CNAME record of `name`'s own key, if its host is a name. */
  cname(name: string, owner: string): ResourceRecord[] | typeof NAME_ERROR {
    const services = this.#services(name, true, 'CNAME');
    if (services === NAME_ERROR) return NAME_ERROR;
    const s = services[0];
    if (s === undefined || s.hostType === 'A' || s.hostType === 'AAAA') return [];
    return [record(owner, 'CNAME', this.backend.ttl(s), requireTarget(s, s.target))];
  }

  /** PTR records of `name`'s own key: one per distinct name host. */
  ptr(name: string, owner: string): ResourceRecord[] | typeof NAME_ERROR {
    const services = this.#services(name, true, 'PTR');
    if (services === NAME_ERROR) return NAME_ERROR;
    const out: ResourceRecord[] = [];
    let hosts: Set<string> | undefined;
    for (const s of services) {
      if (s.hostType === 'A' || s.hostType === 'AAAA') continue;
      if (hosts?.has(s.host)) continue;
      (hosts ??= new Set()).add(s.host);
      out.push(record(owner, 'PTR', this.backend.ttl(s), requireTarget(s, s.target)));
    }
    return out;
  }

  /**
   * SRV records of every service below `name`. A service's weight is its share of the
   * weights of its priority, scaled to 100 (an unset weight counts as 100), at least 1.
   * Address hosts get the key's name as target and an address record in the additional
   * section; name hosts get their addresses there too (A only inside the zone, as CoreDNS).
   */
  srv(name: string, owner: string): typeof NAME_ERROR | undefined {
    const services = this.#services(name, false, 'SRV');
    if (services === NAME_ERROR) return NAME_ERROR;
    const totals = new Map<number, number>();
    for (const s of services) totals.set(s.priority, (totals.get(s.priority) ?? 0) + (s.weight || 100));
    const dup = new Set<string>();
    const looked = new Set<string>();
    for (const s of services) {
      if (s.port === -1) continue;
      const weight = Math.max(1, Math.floor((100 / (totals.get(s.priority) as number)) * (s.weight || 100)));
      const ttl = this.backend.ttl(s);
      if (s.hostType === 'CNAME') {
        const target = requireTarget(s, s.strippedTarget);
        this.answer.push(record(owner, 'SRV', ttl, { priority: s.priority, weight, port: s.port, target }));
        this.#glueForName(target, looked);
      } else if (s.hostType === 'A' || s.hostType === 'AAAA') {
        const target = keyTarget(s);
        if (!seenBefore(dup, `${nameKey(target)} ${s.port}`)) {
          this.answer.push(record(owner, 'SRV', ttl, { priority: s.priority, weight, port: s.port, target }));
        }
        if (!seenBefore(dup, `${nameKey(target)} @${s.host}`))
          this.extra.push(record(target, s.hostType, ttl, s.address));
      }
    }
    return undefined;
  }

  /** MX records of the mail services below `name` (priority is the preference), glue as for SRV. */
  mx(name: string, owner: string): typeof NAME_ERROR | undefined {
    const services = this.#services(name, false, 'MX');
    if (services === NAME_ERROR) return NAME_ERROR;
    const dup = new Set<string>();
    const looked = new Set<string>();
    for (const s of services) {
      if (!s.mail) continue;
      const ttl = this.backend.ttl(s);
      if (s.hostType === 'CNAME') {
        const exchange = requireTarget(s, s.strippedTarget);
        this.answer.push(record(owner, 'MX', ttl, { preference: s.priority, exchange }));
        this.#glueForName(exchange, looked);
      } else if (s.hostType === 'A' || s.hostType === 'AAAA') {
        const exchange = keyTarget(s);
        if (!seenBefore(dup, `${nameKey(exchange)} ${s.priority}`)) {
          this.answer.push(record(owner, 'MX', ttl, { preference: s.priority, exchange }));
        }
        if (!seenBefore(dup, `${nameKey(exchange)} @${s.host}`))
          this.extra.push(record(exchange, s.hostType, ttl, s.address));
      }
    }
    return undefined;
  }

  /** Addresses of an SRV/MX target that is a name, for the additional section (once per target). */
  #glueForName(target: string, looked: Set<string>): void {
    const key = nameKey(target);
    if (looked.has(key)) return;
    looked.add(key);
    if (!isSubdomain(key, this.zone)) {
      this.extra.push(
        new UpstreamPart(undefined, target, 'A', false),
        new UpstreamPart(undefined, target, 'AAAA', true),
      );
      this.pending = true;
      return;
    }
    try {
      const found = this.addresses('A', key, target, []);
      if (found !== NAME_ERROR) this.extra.push(...found);
    } catch (e) {
      if (!(e instanceof LookupError)) throw e;
    }
  }

  /**
   * NS records of the zone: the services below ns.dns.ZONE, which must have address hosts;
   * each is named by its key (after targetstrip) and its address goes in the additional section.
   */
  ns(owner: string): typeof NAME_ERROR | undefined {
    const services = this.#services(nameKey(joinName('ns.dns', this.zone)), false, 'NS');
    if (services === NAME_ERROR) return NAME_ERROR;
    const seen = new Set<string>();
    for (const s of services) {
      if (s.hostType === 'CNAME') throw new LookupError(`NS record must be an IP address: ${s.host}`);
      if (s.hostType === 'TXT') continue;
      const nsName = keyTarget(s);
      const ttl = this.backend.ttl(s);
      this.extra.push(record(nsName, s.hostType, ttl, s.address));
      const k = nameKey(nsName);
      if (seen.has(k)) continue;
      seen.add(k);
      this.answer.push(record(owner, 'NS', ttl, nsName));
    }
    return undefined;
  }
}

/** The zone's SOA record as CoreDNS's etcd plugin makes it. */
export function soaRecord(zone: string, nowMs: number = Date.now()): ResourceRecord {
  const data: SoaData = {
    mname: joinName('ns.dns', zone),
    rname: joinName('hostmaster', zone),
    serial: Math.floor(nowMs / 1000) >>> 0,
    refresh: SOA_REFRESH,
    retry: SOA_RETRY,
    expire: SOA_EXPIRE,
    minimum: SOA_MINTTL,
  };
  return { name: zone, type: 'SOA', class: 'IN', ttl: Math.min(SOA_MINTTL, 300), data };
}

/** `labels` (relative, no trailing dot) in front of an absolute zone. */
export function joinName(labels: string, zone: string): string {
  return zone === '.' ? labels + '.' : `${labels}.${zone}`;
}

function record(name: string, type: string, ttl: number, data: unknown): ResourceRecord {
  return { name, type, class: 'IN', ttl, data } as ResourceRecord;
}

/** Records dedup: true when `key` was seen; remembers it otherwise (CoreDNS's isDuplicate). */
function seenBefore(set: Set<string>, key: string): boolean {
  if (set.has(key)) return true;
  set.add(key);
  return false;
}

function requireTarget(s: Service, target: string | undefined): string {
  if (target === undefined) throw new LookupError(`${s.key}: ${s.targetError ?? 'no target'}`);
  return target;
}

/** The (stripped) name of an address host's key: the SRV, MX or NS target SkyDNS makes for it. */
function keyTarget(s: Service): string {
  if (s.strippedKeyDomain === undefined)
    throw new LookupError(`${s.key}: the key does not map to a domain name`);
  return s.strippedKeyDomain;
}

/** Flattens parts, running the pending lookups through the chain (in parallel). */
export async function resolveParts(
  parts: readonly Part[],
  req: Request,
  answer: Answer,
): Promise<ResourceRecord[]> {
  const resolved = await Promise.all(parts.map((p) => resolvePart(p, req, answer)));
  return resolved.flat();
}

async function resolvePart(p: Part, req: Request, answer: Answer): Promise<ResourceRecord[]> {
  if (p instanceof ChainPart) {
    const inner = await resolveParts(p.parts, req, answer);
    return inner.length === 0 ? [] : [p.cname, ...inner];
  }
  if (!(p instanceof UpstreamPart)) return [p];
  let reply: Message;
  try {
    reply = await req.upstream(p.target, p.type);
  } catch {
    // As CoreDNS: a failed lookup drops the CNAME (or glue) and the query goes on.
    return [];
  }
  if ((reply.flags & Flag.TC) !== 0) answer.truncated = true;
  const found = p.dropCnames ? reply.answers.filter((rr) => rr.type !== 'CNAME') : reply.answers;
  return p.cname === undefined ? found : [p.cname, ...found];
}
