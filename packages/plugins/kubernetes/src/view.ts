/**
 * What the answering code shares: the plugin's settings, the lookup over the local copy,
 * and the server's own addresses (for NS records). One per plugin instance.
 */
import { isIP } from 'node:net';
import { matchZone, type ResourceRecord } from '@tsdns/core';
import { ServiceKind } from './objects.js';
import { endpointLabel, published, type Lookup } from './lookup.js';
import { Serial, type ClusterStore } from './store.js';

/** CoreDNS's default TTL for the records it makes. */
export const DEFAULT_TTL = 5;
/** The schema version the dns-version TXT record announces (the specification's). */
export const DNS_SCHEMA_VERSION = '1.1.0';
/** The dns-version record's TTL, as in the specification's example and CoreDNS. */
export const DNS_VERSION_TTL = 28800;

/** `label.zone`, for the root zone too. */
export function joinName(label: string, zone: string): string {
  return zone === '.' ? `${label}.` : `${label}.${zone}`;
}

export interface ViewSettings {
  /** The zones answered, lowercased and absolute (forward and reverse). */
  readonly zones: readonly string[];
  /** The first forward zone: PTR answers name records in it. */
  readonly primaryZone: string;
  /** Zones served from multicluster ServiceImports. */
  readonly multiclusterZones: readonly string[];
  readonly ttl: number;
}

export class KubeView {
  /** The server's own non-loopback addresses, set at startup (CoreDNS's localIPs). */
  localIPs: readonly string[] = [];

  constructor(
    readonly settings: ViewSettings,
    readonly lookup: Lookup,
  ) {}

  get store(): ClusterStore {
    return this.lookup.store;
  }

  /** The SOA serial of `zone`: when its data last changed. */
  serial(zone: string): number {
    return this.store.serial(this.isMulticluster(zone) ? Serial.MultiCluster : Serial.Internal);
  }

  isMulticluster(zone: string): boolean {
    return (
      this.settings.multiclusterZones.length > 0 &&
      matchZone(this.settings.multiclusterZones, zone) !== undefined
    );
  }

  /**
   * Address records for this server's name servers (CoreDNS's nsAddrs): each local
   * address that is an endpoint of a service becomes that service's record (its cluster
   * IPs, or for a headless service the endpoint itself); without such a service, every
   * local address is `ns.dns.ZONE`. With `external`, owners are `SERVICE.NAMESPACE.ZONE`
   * and addresses the services' external IPs (k8s_external's name servers).
   */
  nsAddresses(zone: string, external: boolean, headless: boolean): ResourceRecord[] {
    const ttl = this.settings.ttl;
    const out: ResourceRecord[] = [];
    const index = this.store.cluster;
    let foundEndpoint = false;
    const add = (name: string, ip: string): void => {
      const v = isIP(ip);
      if (v === 4) out.push({ name, type: 'A', class: 'IN', ttl, data: ip });
      else if (v === 6) out.push({ name, type: 'AAAA', class: 'IN', ttl, data: ip });
    };
    for (const local of this.localIPs) {
      for (const e of index.endpointsByIP(local) ?? []) {
        foundEndpoint = true;
        const svc = index.service(e.service);
        if (svc === undefined) continue;
        const base = joinName(
          external ? `${svc.name}.${svc.namespace}` : `${svc.name}.${svc.namespace}.svc`,
          zone,
        );
        const headlessService = svc.kind === ServiceKind.Headless;
        if (external ? headless && headlessService : headlessService) {
          for (const a of e.addresses) {
            if (published(a, svc))
              add(`${endpointLabel(a, this.lookup.settings.endpointPodNames)}.${base}`, a.ip);
          }
        } else {
          for (const ip of external ? svc.externalIPs : svc.clusterIPs) add(base, ip);
        }
      }
    }
    if (!foundEndpoint) for (const ip of this.localIPs) add(joinName('ns.dns', zone), ip);
    return out;
  }
}
