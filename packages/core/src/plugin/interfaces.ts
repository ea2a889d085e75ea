import type { ResourceRecord } from '../wire/types.js';
import type { Request } from './request.js';
import type { ZoneDiff, ZoneHistoryOptions } from './transfer-history.js';

/**
 * Implemented by handlers that need time before they can answer (kubernetes waiting for its
 * first sync, a secondary waiting for its first transfer). The `ready` plugin asks every
 * handler in every chain that implements it.
 */
export interface Readiness {
  ready(): boolean;
}

export function isReadiness(h: unknown): h is Readiness {
  return typeof (h as Partial<Readiness> | undefined)?.ready === 'function';
}

/**
 * Implemented by handlers that are a source of whole zones (file, auto, secondary,
 * kubernetes), so that zone transfers (AXFR/IXFR) and NOTIFY work the same for all of them
 * (see transfer.ts for the mechanism that serves them).
 */
export interface Transferer {
  /**
   * The zone's records for a full transfer, in batches (each becomes part of one or more
   * messages): SOA first, all other records, SOA last (RFC 5936 2.2). Returns undefined
   * when this handler is not authoritative for `zone` (lowercased, absolute), or has no
   * data for it yet. The batches must be one consistent version of the zone, even if the
   * zone changes while they are being read.
   */
  transfer(
    zone: string,
  ): AsyncIterable<readonly ResourceRecord[]> | Iterable<readonly ResourceRecord[]> | undefined;
  /**
   * The steps from version `serial` of `zone` to the current version, oldest first (see
   * ZoneHistory), for IXFR (RFC 1995). Returns undefined when they are not known (a
   * serial too old or never served); the client then gets a full transfer. Optional: a
   * source without history always answers IXFR with the whole zone.
   */
  ixfr?(zone: string, serial: number): readonly ZoneDiff[] | undefined;
  /**
   * Asks the source to keep the differences between its versions from now on (see
   * ZoneHistory), because transfers of it are served: the transfer plugin calls it at
   * startup, so sources nobody transfers from spend no memory on history.
   */
  keepHistory?(options?: ZoneHistoryOptions): void;
  /**
   * The zones this source can transfer now (lowercased, absolute), so the transfer plugin
   * can NOTIFY for them at startup. Optional: without it, startup NOTIFYs go only to the
   * zones named by the transfer plugin itself.
   */
  transferZones?(): Iterable<string>;
  /**
   * Registers a listener called with a zone's name (lowercased, absolute) and new serial
   * whenever this source loads a new version of it (NOTIFY is sent from it). The initial
   * load need not be reported when it happens before the server starts.
   */
  onZoneChange?(listener: (zone: string, serial: number) => void): void;
}

export function isTransferer(h: unknown): h is Transferer {
  return typeof (h as Partial<Transferer> | undefined)?.transfer === 'function';
}

/**
 * One record source of an external zone (CoreDNS's msg.Service as k8s_external uses it):
 * a service's external address (spec.externalIPs or status.loadBalancer.ingress), or with
 * `headless`, one ready endpoint of a headless service.
 */
export interface ExternalService {
  /**
   * The owner name of the address record, lowercased and absolute: `SERVICE.NAMESPACE.ZONE.`,
   * or `ENDPOINT.SERVICE.NAMESPACE.ZONE.` for an endpoint of a headless service. An SRV
   * record for this service points at it.
   */
  readonly name: string;
  /**
   * The service's own name, `SERVICE.NAMESPACE.ZONE.` (lowercased, absolute): equal to
   * `name` except for endpoints. SRV records are owned by `_PORT._PROTO.` below it.
   */
  readonly service: string;
  /**
   * An IPv4 or IPv6 address, or a host name (a load balancer's `hostname` ingress) that is
   * answered as a CNAME to it.
   */
  readonly host: string;
  /** The port for SRV records; -1 when the service or endpoint declares none. */
  readonly port: number;
  /** The port's name ('' when unnamed: such a port has no `_PORT._PROTO` owner). */
  readonly portName: string;
  /** The port's protocol in lower case ('tcp', 'udp', 'sctp'), '' when there is no port. */
  readonly protocol: string;
  readonly ttl: number;
}

/** What an ExternalSource found for one query name (CoreDNS's External result and rcode). */
export interface ExternalLookup {
  /**
   * NOERROR when the name exists (services may still be empty: NODATA), NXDOMAIN when it
   * does not (an unknown or unexposed namespace or service, or a name too long).
   */
  readonly rcode: number;
  /** The sources matching the name; for PTR queries, empty (see `reverse`). */
  readonly services: readonly ExternalService[];
}

/**
 * Implemented by a handler that knows services reachable from outside a cluster (the
 * kubernetes plugin), for the plugin that serves them under an external zone
 * (k8s_external, the book's example 6-30): names are `SERVICE.NAMESPACE.ZONE`,
 * `_PORT._PROTO.SERVICE.NAMESPACE.ZONE` for SRV and, with `headless`,
 * `ENDPOINT.SERVICE.NAMESPACE.ZONE` for the endpoints of headless services. The consumer
 * owns the zone's apex (SOA, NS) and the answer format; the source owns the data and which
 * namespaces are exposed. All calls answer from memory, synchronously.
 */
export interface ExternalSource {
  /**
   * The services for `name` (lowercased, absolute) below the external `zone`: the
   * labels left of the zone are read as `[ENDPOINT.]SERVICE.NAMESPACE` or
   * `_PORT._PROTO.SERVICE.NAMESPACE`; `headless` adds the endpoints of headless services.
   */
  external(name: string, zone: string, headless: boolean): ExternalLookup;
  /**
   * The names (`SERVICE.NAMESPACE.ZONE.`, lowercased) of the services whose external
   * address is `ip`, for PTR queries; empty when there are none.
   */
  externalReverse(ip: string, zone: string): readonly string[];
  /**
   * Address records (A/AAAA) of the name servers for `zone`: the external addresses of
   * the service(s) whose endpoints are this server's own addresses, owned by their
   * external names; with `headless`, a headless service's endpoints by endpoint name.
   * When this server is not behind such a service, its own addresses (CoreDNS's
   * fallback); empty only when it has none but loopback ones.
   */
  externalAddresses(zone: string, headless: boolean): readonly ResourceRecord[];
  /**
   * Every external service of the cluster under `zone` for a zone transfer, service by
   * service; with `headless`, the endpoints of headless services too.
   */
  externalServices(zone: string, headless: boolean): readonly ExternalService[];
  /** The zone's SOA serial: changes whenever an external address changes. */
  externalSerial(zone: string): number;
}

export function isExternalSource(h: unknown): h is ExternalSource {
  const s = h as Partial<ExternalSource> | undefined;
  return (
    typeof s?.external === 'function' &&
    typeof s.externalReverse === 'function' &&
    typeof s.externalAddresses === 'function' &&
    typeof s.externalServices === 'function' &&
    typeof s.externalSerial === 'function'
  );
}

/**
 * Implemented by a handler that knows the DNS search path of the client asking (the
 * kubernetes plugin with `pods verified`), for the autopath plugin (`autopath @NAME`,
 * the book's example 6-27), which completes the search on the server side.
 */
export interface AutoPathSource {
  /**
   * The search path of the client of `req` as absolute domain names, in the client's
   * order, ending with the empty string (the name as asked: the last try of a search), or
   * undefined when it is not known (no such client, or the query is not in this source's
   * zones): then autopath does nothing. For a pod in namespace NS of cluster zone Z that
   * is `NS.svc.Z.`, `svc.Z.`, `Z.`, then the server's own resolv.conf search domains.
   */
  autoPath(req: Request): readonly string[] | undefined;
}

export function isAutoPathSource(h: unknown): h is AutoPathSource {
  return typeof (h as Partial<AutoPathSource> | undefined)?.autoPath === 'function';
}
