/**
 * Finding the services for a name in the local copy, as CoreDNS's etcd Records/get/loopNodes
 * find them in etcd: everything below the name's key (a subtree answers with all of its
 * records), else the name's own key; wildcard labels match any key segment.
 */
import { groupServices } from './group.js';
import { keyOfName, matchesWildcard, prefixEnd, segmentsOfName } from './path.js';
import type { Service } from './service.js';
import type { KeyStore } from './store.js';

/** No key for the name at all: NXDOMAIN, unless the name is the apex. */
export const NAME_ERROR = Symbol('no such name in etcd');
export type Services = readonly Service[] | typeof NAME_ERROR;

/** A stored value the lookup needed could not be decoded: SERVFAIL, as in CoreDNS. */
export class LookupError extends Error {
  override readonly name = 'LookupError';
}

/**
 * The services for `name` (lowercased, absolute). `exact` reads only the name's own key
 * (CNAME and PTR queries). `qtype` filters as CoreDNS's shouldInclude: a service needs a
 * host, except that TXT queries also take text-only services. The result is grouped
 * (see group.ts). Throws LookupError for an undecodable value among the keys read.
 */
export function findServices(
  store: KeyStore,
  prefix: string,
  name: string,
  exact: boolean,
  qtype: string,
): Services {
  const { key, wildcard } = keyOfName(name, prefix);
  let from: number;
  let to: number;
  if (exact) {
    [from, to] = store.range(key, key + '\0');
  } else {
    const below = key.endsWith('/') ? key : key + '/';
    [from, to] = store.range(below, prefixEnd(below));
    if (from === to) [from, to] = store.range(key, key + '\0');
  }
  if (from === to) return NAME_ERROR;

  const segments = wildcard ? segmentsOfName(name, prefix) : undefined;
  const txt = qtype === 'TXT';
  const found: Service[] = [];
  for (let i = from; i < to; i++) {
    const entry = store.at(i);
    if (segments !== undefined && !matchesWildcard(entry.key, segments)) continue;
    const s = entry.service;
    if (s === undefined) throw new LookupError(entry.error);
    if (s.host !== '' || (txt && s.text !== '')) found.push(s);
  }
  return groupServices(found);
}

/** Whether the name has any key at or below it (it exists, even when an exact read misses). */
export function nameExists(store: KeyStore, prefix: string, name: string): boolean {
  const { key } = keyOfName(name, prefix);
  if (store.get(key) !== undefined) return true;
  const below = key.endsWith('/') ? key : key + '/';
  const [from, to] = store.range(below, prefixEnd(below));
  return from < to;
}
