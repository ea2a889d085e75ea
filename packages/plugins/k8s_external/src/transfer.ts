import type { ExternalService, ResourceRecord } from '@tsdns/core';
import { addressAnswer, srvAnswer } from './records.js';

/**
 * The names of an external zone and the sources each answers from, as queries see them: a
 * service's name has the addresses of all its sources (with `headless`, its endpoints) and
 * SRV for all their ports; an endpoint's own name has its address and ports;
 * `_PORT._PROTO.SERVICE...` has the SRV of that named port.
 */
function owners(services: readonly ExternalService[]): {
  addresses: Map<string, ExternalService[]>;
  srv: Map<string, ExternalService[]>;
} {
  const addresses = new Map<string, ExternalService[]>();
  const srv = new Map<string, ExternalService[]>();
  const add = (map: Map<string, ExternalService[]>, owner: string, s: ExternalService): void => {
    const list = map.get(owner);
    if (list === undefined) map.set(owner, [s]);
    else list.push(s);
  };
  for (const s of services) {
    add(addresses, s.service, s);
    add(srv, s.service, s);
    if (s.name !== s.service) {
      add(addresses, s.name, s);
      add(srv, s.name, s);
    }
    if (s.portName !== '' && s.port !== -1) add(srv, `_${s.portName}._${s.protocol}.${s.service}`, s);
  }
  return { addresses, srv };
}

/**
 * The records of an external zone below its apex, one batch per name, for a zone transfer:
 * the A, AAAA (or CNAME, for a load balancer known by a host name) and SRV records the
 * plugin answers queries with, without the addresses of host names outside the zone. A
 * name with a CNAME gets no SRV records, which may not share a name with it.
 */
export function* externalZoneRecords(
  services: readonly ExternalService[],
  ttl: number,
): Generator<ResourceRecord[]> {
  const { addresses, srv } = owners(services);
  const aliased = new Set<string>();
  for (const [owner, list] of addresses) {
    const a = addressAnswer(owner, 'A', list, ttl).answers;
    // A host name's CNAME comes with both address types: keep it once.
    const aaaa = addressAnswer(owner, 'AAAA', list, ttl).answers.filter((r) => r.type === 'AAAA');
    if (a.some((r) => r.type === 'CNAME')) aliased.add(owner);
    if (a.length + aaaa.length > 0) yield [...a, ...aaaa];
  }
  for (const [owner, list] of srv) {
    if (aliased.has(owner)) continue;
    const records = srvAnswer(owner, list, ttl).answers;
    if (records.length > 0) yield records;
  }
}
