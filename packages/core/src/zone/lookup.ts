import type { MxData, SrvData, SvcbData } from '../wire/types.js';
import { Rcode, recordTypeToString, typeToNumber } from '../wire/constants.js';
import { MAX_NAME_LENGTH, isSubdomain, nameKey, nameWireLength, parentName } from '../wire/name.js';
import { NodeFlag, wildcardKey, type ZoneNode, type ZoneRecord } from './node.js';
import {
  T,
  coveredType,
  firstOfType,
  hasType,
  pushSigs,
  pushSynthesized,
  pushSynthesizedSigs,
  pushType,
  withOwner,
} from './rrset.js';
import type { Zone } from './zone.js';

export interface LookupOptions {
  /** The query's DO bit: include DNSSEC records (RFC 3225, RFC 4035 3.1). */
  do?: boolean;
}

/** What a zone answers for one question (RFC 1034 4.3.2). */
export interface LookupResult {
  rcode: number;
  /** Authoritative Answer: set unless the response is only a referral. */
  aa: boolean;
  answer: ZoneRecord[];
  authority: ZoneRecord[];
  additional: ZoneRecord[];
  /**
   * Set when the answer ends with a CNAME (possibly synthesized from a DNAME) whose target
   * lies outside the zone. A server that can resolve it through its own chain asks for
   * (chase, same qtype), appends that answer and takes its rcode (RFC 6604); otherwise
   * the CNAME alone is a complete answer.
   */
  chase?: string;
  /** The wildcard owner that synthesized (part of) the answer, when one did. */
  wildcard?: string;
}

/** CNAME and DNAME hops followed inside one zone before giving up (loops stop earlier). */
export const MAX_CHAIN = 12;

/** Types whose owner answers directly even when it also owns a CNAME (RFC 4035 2.5). */
function answersBesideCname(qtype: number): boolean {
  return qtype === T.CNAME || qtype === T.RRSIG || qtype === T.NSEC;
}

const BARRIER = NodeFlag.CUT | NodeFlag.DNAME;
const META_TYPES: ReadonlySet<string> = new Set(['RRSIG', 'NSEC', 'NSEC3']);

/** Per-query state; one object so the step functions allocate nothing else. */
class Query {
  readonly res: LookupResult = { rcode: Rcode.NOERROR, aa: true, answer: [], authority: [], additional: [] };
  constructor(
    readonly zone: Zone,
    readonly qtype: number,
    /** the `type` string records of qtype carry */
    readonly type: string,
    readonly dnssec: boolean,
  ) {}
}

export function lookup(zone: Zone, qname: string, qtype: number, dnssec: boolean): LookupResult {
  const q = new Query(zone, qtype, recordTypeToString(qtype), dnssec);
  let name = qname;
  let key = nameKey(qname);
  if (!isSubdomain(key, zone.originKey)) {
    q.res.rcode = Rcode.REFUSED;
    q.res.aa = false;
    return q.res;
  }
  // Owners of the CNAMEs followed so far; allocated only for a chain.
  let visited: string[] | undefined;
  for (let hop = 1; ; hop++) {
    const target = step(q, name, key);
    if (target === undefined) break;
    (visited ??= []).push(key);
    const targetKey = nameKey(target);
    if (!isSubdomain(targetKey, zone.originKey)) {
      q.res.chase = target;
      break;
    }
    // A loop, or a chain too long to be sane: what we have is the answer (as Knot does).
    if (hop >= MAX_CHAIN || visited.includes(targetKey)) break;
    name = target;
    key = targetKey;
  }
  addAdditional(q);
  return q.res;
}

/**
 * Resolves one name of the chain. Returns the CNAME target to continue with, or undefined
 * when the response is complete.
 */
function step(q: Query, name: string, key: string): string | undefined {
  const zone = q.zone;
  const node = zone.nodes.get(key);
  if (node !== undefined) {
    const f = node.flags;
    if ((f & NodeFlag.OCCLUDED) !== 0) return atBarrier(q, topBarrier(node.parent), name);
    // DS belongs to the parent side of a cut (RFC 4035 3.1.4.1).
    if ((f & NodeFlag.CUT) !== 0 && q.qtype !== T.DS) return referral(q, node);
    return exact(q, node);
  }
  const ce = closestEncloser(zone, key);
  const ceKey = ce.key;
  if ((ce.flags & NodeFlag.OCCLUDED) !== 0) return atBarrier(q, topBarrier(ce.parent), name);
  if ((ce.flags & BARRIER) !== 0) return atBarrier(q, ce, name);

  const wildcard = zone.nodes.get(wildcardKey(ceKey));
  if (wildcard !== undefined) return fromWildcard(q, wildcard, name, key, ceKey);

  q.res.rcode = Rcode.NXDOMAIN;
  negative(q);
  if (q.dnssec && zone.denial !== null) zone.denial.nxDomain(q.res.authority, key, ceKey);
  return undefined;
}

/**
 * The nearest existing node above `key`, a name that has none (RFC 5155's closest
 * encloser). The apex always exists, so the walk ends there at the latest.
 */
function closestEncloser(zone: Zone, key: string): ZoneNode {
  for (;;) {
    key = parentName(key);
    const node = zone.nodes.get(key);
    if (node !== undefined) return node;
  }
}

/** The highest cut or DNAME owner at or above `from`: it decides for everything below. */
function topBarrier(from: ZoneNode | null): ZoneNode {
  let top: ZoneNode | undefined;
  for (let n = from; n !== null; n = n.parent) if ((n.flags & BARRIER) !== 0) top = n;
  // OCCLUDED is only ever set below such a node.
  return top as ZoneNode;
}

function atBarrier(q: Query, barrier: ZoneNode, name: string): string | undefined {
  return (barrier.flags & NodeFlag.CUT) !== 0 ? referral(q, barrier) : dname(q, barrier, name);
}

/** RFC 1034 4.3.2 step 3b: NS of the cut in authority, addresses of its servers added later. */
function referral(q: Query, cut: ZoneNode): undefined {
  const res = q.res;
  // A CNAME chain that runs into a delegation keeps AA for the part this zone answered.
  res.aa = res.answer.length > 0;
  pushType(res.authority, cut, 'NS');
  if (q.dnssec) {
    if (pushType(res.authority, cut, 'DS') > 0) pushSigs(res.authority, cut, T.DS);
    else if (q.zone.denial !== null) q.zone.denial.insecureReferral(res.authority, cut);
  }
  return undefined;
}

/** RFC 6672 3.3: the DNAME, a CNAME synthesized from it, then on to the new name. */
function dname(q: Query, owner: ZoneNode, name: string): string | undefined {
  const res = q.res;
  const d = firstOfType(owner, 'DNAME') as ZoneRecord & { data: string };
  res.answer.push(d);
  if (q.dnssec) pushSigs(res.answer, owner, T.DNAME);
  // Names are normalised, so the owner's presentation form is a suffix of `name` (after
  // the prefix's last dot; the root owner "." is that dot itself).
  const prefix = owner.key === '.' ? name : name.slice(0, name.length - owner.key.length);
  const target = d.data === '.' ? prefix : prefix + d.data;
  if (nameWireLength(target) > MAX_NAME_LENGTH) {
    res.rcode = Rcode.YXDOMAIN;
    return undefined;
  }
  res.answer.push({ name, type: 'CNAME', class: d.class, ttl: d.ttl, data: target });
  return q.qtype === T.CNAME ? undefined : target;
}

function exact(q: Query, node: ZoneNode): string | undefined {
  const res = q.res;
  if (node.records.length > 0) {
    if (q.qtype === T.ANY) {
      if (anyAnswer(q, node, undefined)) return undefined;
    } else if ((node.flags & NodeFlag.CNAME) !== 0 && !answersBesideCname(q.qtype)) {
      const c = firstOfType(node, 'CNAME') as ZoneRecord & { data: string };
      res.answer.push(c);
      if (q.dnssec) pushSigs(res.answer, node, T.CNAME);
      return c.data;
    } else if (q.qtype === T.RRSIG) {
      if (lowestSigs(q, node, undefined)) return undefined;
    } else if (pushType(res.answer, node, q.type) > 0) {
      if (q.dnssec) pushSigs(res.answer, node, q.qtype);
      return undefined;
    }
  }
  negative(q);
  if (q.dnssec && q.zone.denial !== null) q.zone.denial.noData(res.authority, node);
  return undefined;
}

/** RFC 4592 3.3.1: the answer synthesized from wildcard `wild`, owned by `name`. */
function fromWildcard(
  q: Query,
  wild: ZoneNode,
  name: string,
  key: string,
  ceKey: string,
): string | undefined {
  const res = q.res;
  const denial = q.dnssec ? q.zone.denial : null;
  if (res.wildcard === undefined) res.wildcard = wild.records.length > 0 ? wild.records[0].name : wild.key;
  if (wild.records.length > 0) {
    let found = false;
    let target: string | undefined;
    if (q.qtype === T.ANY) {
      found = anyAnswer(q, wild, name);
    } else if ((wild.flags & NodeFlag.CNAME) !== 0 && !answersBesideCname(q.qtype)) {
      const c = firstOfType(wild, 'CNAME') as ZoneRecord & { data: string };
      res.answer.push(withOwner(c, name));
      if (q.dnssec) pushSynthesizedSigs(res.answer, wild, T.CNAME, name);
      found = true;
      target = c.data;
    } else if (q.qtype === T.RRSIG) {
      found = lowestSigs(q, wild, name);
    } else if (pushSynthesized(res.answer, wild, q.type, name) > 0) {
      if (q.dnssec) pushSynthesizedSigs(res.answer, wild, q.qtype, name);
      found = true;
    }
    if (found) {
      if (denial !== null) denial.wildcardAnswer(res.authority, key, ceKey);
      return target;
    }
  }
  negative(q);
  if (denial !== null) denial.wildcardNoData(res.authority, key, ceKey, wild);
  return undefined;
}

/**
 * ANY (RFC 8482 4.1): one RRset, the one with the lowest type number, rather than all of
 * them; never a DNSSEC meta type on its own. Returns false when there is nothing to give.
 */
function anyAnswer(q: Query, node: ZoneNode, owner: string | undefined): boolean {
  let best = -1;
  let bestType = '';
  for (const r of node.records) {
    if (META_TYPES.has(r.type)) continue;
    const t = typeToNumber(r.type);
    if (best < 0 || t < best) {
      best = t;
      bestType = r.type;
    }
  }
  if (best < 0) return false;
  const answer = q.res.answer;
  if (owner === undefined) {
    pushType(answer, node, bestType);
    if (q.dnssec) pushSigs(answer, node, best);
  } else {
    pushSynthesized(answer, node, bestType, owner);
    if (q.dnssec) pushSynthesizedSigs(answer, node, best, owner);
  }
  return true;
}

/**
 * A query for RRSIG gets the signatures of one RRset, the lowest covered type, for the
 * same reason ANY gets one RRset (RFC 8482): the full set is an amplifier. Knot does the
 * same. Returns false when the name has no signatures.
 */
function lowestSigs(q: Query, node: ZoneNode, owner: string | undefined): boolean {
  let best = -1;
  for (const r of node.records) {
    if (r.type !== 'RRSIG') continue;
    const t = coveredType(r);
    if (best < 0 || t < best) best = t;
  }
  if (best < 0) return false;
  if (owner === undefined) pushSigs(q.res.answer, node, best);
  else pushSynthesizedSigs(q.res.answer, node, best, owner);
  return true;
}

/** RFC 2308 3 and 5: the SOA in authority, at the negative-caching TTL. */
function negative(q: Query): void {
  const authority = q.res.authority;
  for (const r of q.zone.negativeSoa) authority.push(r);
  if (q.dnssec) for (const r of q.zone.negativeSoaSigs) authority.push(r);
}

/** The host name a record points at whose addresses belong in the additional section. */
function additionalTarget(r: ZoneRecord): string | undefined {
  switch (r.type) {
    case 'NS':
      return r.data;
    case 'MX':
      return (r.data as MxData).exchange;
    case 'SRV':
      return (r.data as SrvData).target;
    case 'SVCB':
    case 'HTTPS': {
      const target = (r.data as SvcbData).target;
      // Target "." means the owner itself (RFC 9460 2.5); its addresses are asked for separately.
      return target === '.' ? undefined : target;
    }
    default:
      return undefined;
  }
}

/**
 * RFC 1034 4.3.2 step 6: addresses of in-zone NS, MX, SRV, SVCB and HTTPS targets (glue
 * below a cut included; a target that only a wildcard matches gets synthesized records).
 */
function addAdditional(q: Query): void {
  const seen = addAdditionalFor(q, q.res.answer, undefined);
  addAdditionalFor(q, q.res.authority, seen);
}

/** Returns the target names handled so far; allocated on the first, as most answers have none. */
function addAdditionalFor(q: Query, section: ZoneRecord[], seen: string[] | undefined): string[] | undefined {
  for (let i = 0; i < section.length; i++) {
    const target = additionalTarget(section[i]);
    if (target === undefined || target === '.') continue;
    const key = nameKey(target);
    if (!isSubdomain(key, q.zone.originKey) || seen?.includes(key)) continue;
    (seen ??= []).push(key);
    addAddresses(q, target, key, section[i].type);
  }
  return seen;
}

function addAddresses(q: Query, target: string, key: string, pointer: string): void {
  const zone = q.zone;
  const out = q.res.additional;
  const node = zone.nodes.get(key);
  if (node !== undefined) {
    if ((node.flags & NodeFlag.CNAME) !== 0) return;
    if (pushType(out, node, 'A') > 0 && q.dnssec) pushSigs(out, node, T.A);
    if (pushType(out, node, 'AAAA') > 0 && q.dnssec) pushSigs(out, node, T.AAAA);
    // RFC 9460 4.2: a client that follows an SVCB/HTTPS target asks for that type there
    // next; in a signed zone the proof that it has none saves the query (Knot sends it too).
    if (
      (pointer === 'SVCB' || pointer === 'HTTPS') &&
      q.dnssec &&
      zone.denial !== null &&
      (node.flags & NodeFlag.OCCLUDED) === 0 &&
      !hasType(node, pointer)
    ) {
      zone.denial.noData(out, node);
    }
    return;
  }
  const ce = closestEncloser(zone, key);
  if ((ce.flags & (NodeFlag.OCCLUDED | BARRIER)) !== 0) return;
  const wild = zone.nodes.get(wildcardKey(ce.key));
  if (wild === undefined || (wild.flags & NodeFlag.CNAME) !== 0) return;
  if (pushSynthesized(out, wild, 'A', target) > 0 && q.dnssec) pushSynthesizedSigs(out, wild, T.A, target);
  if (pushSynthesized(out, wild, 'AAAA', target) > 0 && q.dnssec)
    pushSynthesizedSigs(out, wild, T.AAAA, target);
}
