/**
 * The cluster zone as a zone transfer (CoreDNS's Transfer for the kubernetes plugin):
 * SOA, the apex NS records and their addresses, then service by service (sorted by name,
 * then namespace): a ClusterIP service's addresses and an SRV record per port (plus
 * `_PORT._PROTO` ones for named ports), a headless service's ready endpoints (under the
 * service's name and the endpoint's) with `_PORT._PROTO` SRV records, an ExternalName
 * service's CNAME; then the SOA again. Pod records and reverse zones are not transferred,
 * as in CoreDNS.
 *
 * The records are made at once from the in-memory copy, so a transfer is one consistent
 * version of the zone however long the client takes to read it.
 */
import { isIP } from 'node:net';
import type { ResourceRecord } from '@tsdns/core';
import { endpointLabel, published } from './lookup.js';
import { ServiceKind, type Service } from './objects.js';
import { joinName, type KubeView } from './view.js';
import type { Answerer } from './answer.js';

/** Records per batch handed to the transfer stream. */
const BATCH = 500;

function addressRecord(name: string, ip: string, ttl: number): ResourceRecord | undefined {
  const v = isIP(ip);
  if (v === 4) return { name, type: 'A', class: 'IN', ttl, data: ip };
  if (v === 6) return { name, type: 'AAAA', class: 'IN', ttl, data: ip };
  return undefined;
}

/** CoreDNS's weight for `n` equally weighted SRV records. */
function srvWeight(n: number): number {
  return n === 0 ? 100 : Math.max(1, Math.floor((100 / (100 * n)) * 100));
}

/** The zone's records in batches, or undefined when `zone` is not a forward zone of the plugin. */
export function transferZone(
  view: KubeView,
  answerer: Answerer,
  zone: string,
): ResourceRecord[][] | undefined {
  const { ttl } = view.settings;
  const soa = answerer.soa(zone, zone);
  const records: ResourceRecord[] = [soa];
  // A record may come up twice (a name server's address is also its service's): send it once.
  const seen = new Set<string>();
  const emit = (rr: ResourceRecord | undefined): void => {
    if (rr === undefined) return;
    const key = `${rr.name} ${rr.type} ${JSON.stringify((rr as { data?: unknown }).data)}`;
    if (seen.has(key)) return;
    seen.add(key);
    records.push(rr);
  };
  const ns = answerer.ns(zone, zone);
  for (const rr of ns.answer as ResourceRecord[]) emit(rr);
  for (const rr of ns.extra) emit(rr);

  const index = view.isMulticluster(zone) ? view.store.multicluster : view.store.cluster;
  const services: Service[] = [];
  for (const s of index.services()) if (view.lookup.namespaceExposed(s.namespace)) services.push(s);
  services.sort((a, b) =>
    a.name < b.name
      ? -1
      : a.name > b.name
        ? 1
        : a.namespace < b.namespace
          ? -1
          : a.namespace > b.namespace
            ? 1
            : 0,
  );

  const podNames = view.lookup.settings.endpointPodNames;
  for (const svc of services) {
    const base = joinName(`${svc.name}.${svc.namespace}.svc`, zone);
    switch (svc.kind) {
      case ServiceKind.ClusterIP:
        for (const ip of svc.clusterIPs) emit(addressRecord(base, ip, ttl));
        for (const p of svc.ports) {
          if (p.port < 0) continue;
          emit({
            name: base,
            type: 'SRV',
            class: 'IN',
            ttl,
            data: { priority: 0, weight: 100, port: p.port, target: base },
          });
          if (p.name === '') continue;
          emit({
            name: `_${p.name}._${p.protocol}.${base}`,
            type: 'SRV',
            class: 'IN',
            ttl,
            data: { priority: 0, weight: 100, port: p.port, target: base },
          });
        }
        break;
      case ServiceKind.Headless:
        for (const e of index.endpoints(svc.key) ?? []) {
          const addresses = e.addresses.filter((a) => published(a, svc));
          const weight = srvWeight(addresses.length);
          for (const a of addresses) {
            emit(addressRecord(base, a.ip, ttl));
            const host = `${endpointLabel(a, podNames)}.${base}`;
            emit(addressRecord(host, a.ip, ttl));
            for (const p of e.ports) {
              if (p.name === '' || p.port < 0) continue;
              emit({
                name: `_${p.name}._${p.protocol}.${base}`,
                type: 'SRV',
                class: 'IN',
                ttl,
                data: { priority: 0, weight, port: p.port, target: host },
              });
            }
          }
        }
        break;
      case ServiceKind.ExternalName:
        if (svc.externalName !== '' && isIP(svc.externalName) === 0) {
          const target = svc.externalName.endsWith('.') ? svc.externalName : `${svc.externalName}.`;
          emit({ name: base, type: 'CNAME', class: 'IN', ttl, data: target });
        }
        break;
    }
  }
  records.push(soa);
  const batches: ResourceRecord[][] = [];
  for (let i = 0; i < records.length; i += BATCH) batches.push(records.slice(i, i + BATCH));
  return batches;
}
