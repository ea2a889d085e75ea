import { isIP } from 'node:net';
import { Flag, NameError, parseName, type ExternalService, type ResourceRecord } from '@tsdns/core';

/** The records of one answer, and the host names whose own records must be looked up for it. */
export interface Answer {
  readonly answers: ResourceRecord[];
  readonly additionals: ResourceRecord[];
  /**
   * Host names (absolute) of load balancers answered with a CNAME: their addresses are
   * looked up through the chain and added, in the answer section for A/AAAA queries (right
   * after their CNAME) and in the additional section for SRV.
   */
  readonly lookups: Lookup[];
}

export interface Lookup {
  readonly host: string;
  readonly type: 'A' | 'AAAA';
  /** Where the records go: after answers[index - 1] (A/AAAA), or at the end of additionals (SRV). */
  readonly section: 'answers' | 'additionals';
  readonly index: number;
}

/** A load balancer's host name as an absolute name, or undefined when it is not a valid name. */
function hostName(host: string): string | undefined {
  try {
    return parseName(host.endsWith('.') ? host : `${host}.`);
  } catch (e) {
    if (e instanceof NameError) return undefined;
    throw e;
  }
}

/**
 * The A (or AAAA) answer for `owner` (the query name as asked) from `services`: one record
 * per distinct address of that family, with the plugin's TTL; a service whose external
 * address is a host name gets a CNAME to it (the source's TTL) and a lookup of its
 * addresses. Services of the other family add nothing.
 */
export function addressAnswer(
  owner: string,
  type: 'A' | 'AAAA',
  services: readonly ExternalService[],
  ttl: number,
): Answer {
  const family = type === 'A' ? 4 : 6;
  const answers: ResourceRecord[] = [];
  const lookups: Lookup[] = [];
  const seen = new Set<string>();
  for (const s of services) {
    if (seen.has(s.host)) continue;
    const kind = isIP(s.host);
    if (kind === 0) {
      const target = hostName(s.host);
      if (target === undefined) continue;
      seen.add(s.host);
      answers.push({ name: owner, type: 'CNAME', class: 'IN', ttl: s.ttl, data: target });
      lookups.push({ host: target, type, section: 'answers', index: answers.length });
    } else if (kind === family) {
      seen.add(s.host);
      answers.push({ name: owner, type, class: 'IN', ttl, data: s.host });
    }
  }
  return { answers, additionals: [], lookups };
}

/**
 * The SRV answer for `owner` from `services` (CoreDNS's weighting: every target of the
 * answer gets 100 divided by their number, at least 1, all at priority 0): one record per
 * distinct target and port, skipping services without a port. A target is the service's
 * (or endpoint's) own name with its address in the additional section, or for a host name
 * the host itself, whose addresses are looked up.
 */
export function srvAnswer(owner: string, services: readonly ExternalService[], ttl: number): Answer {
  const weight = Math.max(1, Math.floor(100 / services.length));
  const answers: ResourceRecord[] = [];
  const additionals: ResourceRecord[] = [];
  const lookups: Lookup[] = [];
  const seenSrv = new Set<string>();
  const seenAddress = new Set<string>();
  for (const s of services) {
    if (s.port === -1) continue;
    const kind = isIP(s.host);
    const target = kind === 0 ? hostName(s.host) : s.name;
    if (target === undefined) continue;
    const srvKey = `${target} ${s.port}`;
    if (!seenSrv.has(srvKey)) {
      seenSrv.add(srvKey);
      answers.push({
        name: owner,
        type: 'SRV',
        class: 'IN',
        ttl: s.ttl,
        data: { priority: 0, weight, port: s.port, target },
      });
    }
    const addressKey = `${target} ${s.host}`;
    if (seenAddress.has(addressKey)) continue;
    seenAddress.add(addressKey);
    if (kind === 0) {
      lookups.push({ host: target, type: 'A', section: 'additionals', index: 0 });
      lookups.push({ host: target, type: 'AAAA', section: 'additionals', index: 0 });
    } else {
      additionals.push({ name: target, type: kind === 4 ? 'A' : 'AAAA', class: 'IN', ttl, data: s.host });
    }
  }
  return { answers, additionals, lookups };
}

/** PTR records from `owner` to each distinct service name. */
export function ptrAnswer(owner: string, names: readonly string[], ttl: number): ResourceRecord[] {
  const out: ResourceRecord[] = [];
  for (const n of new Set(names)) out.push({ name: owner, type: 'PTR', class: 'IN', ttl, data: n });
  return out;
}

/** What a lookup through the chain gave: its answer records and whether it was truncated. */
export interface LookupResult {
  readonly records: readonly ResourceRecord[];
  readonly truncated: boolean;
}

/**
 * Puts the looked-up records where they belong (the answers after each CNAME, in order;
 * the additionals at the end) and says whether any lookup was truncated.
 */
export function mergeLookups(
  answer: Answer,
  results: readonly LookupResult[],
): { answer: Answer; truncated: boolean } {
  const answers: ResourceRecord[] = [];
  const additionals = [...answer.additionals];
  let truncated = false;
  let from = 0;
  answer.lookups.forEach((l, i) => {
    const r = results[i];
    truncated ||= r.truncated;
    if (l.section === 'additionals') {
      additionals.push(...r.records);
      return;
    }
    answers.push(...answer.answers.slice(from, l.index), ...r.records);
    from = l.index;
  });
  answers.push(...answer.answers.slice(from));
  return { answer: { answers, additionals, lookups: [] }, truncated };
}

/** Whether a response had TC set. */
export function isTruncated(flags: number): boolean {
  return (flags & Flag.TC) !== 0;
}
