import type { ResourceRecord } from '../wire/types.js';
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
