import type { ResourceRecord } from '../wire/types.js';

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
 * kubernetes), so that zone transfers (AXFR/IXFR) and NOTIFY work the same for all of them.
 */
export interface Transferer {
  /**
   * The zone's records for a transfer: SOA first, all other records, SOA last, in batches
   * (each batch becomes one or more messages). `serial` is the client's IXFR serial, when
   * the source can send differences from it; otherwise a full transfer. Returns undefined
   * when this handler is not authoritative for `zone`.
   */
  transfer(zone: string, serial?: number): AsyncIterable<ResourceRecord[]> | undefined;
  /** Called with the zone's name whenever its serial changes, to trigger NOTIFY. */
  onZoneChange?(listener: (zone: string, serial: number) => void): void;
}

export function isTransferer(h: unknown): h is Transferer {
  return typeof (h as Partial<Transferer> | undefined)?.transfer === 'function';
}
