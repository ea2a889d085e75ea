import {
  Notifier,
  isTransferQuery,
  isTransferer,
  matchZone,
  nextOrFailure,
  serveTransfer,
  type Handler,
  type NotifyOptions,
  type Request,
  type ResponseWriter,
  type Transferer,
} from '@tsdns/core';
import type { TransferBlock } from './setup.js';

/**
 * How long after startup the first NOTIFYs wait. Startup hooks run before the server's
 * listeners are bound, and a secondary answers a NOTIFY by querying the SOA and
 * transferring at once: it must find them listening.
 */
export const STARTUP_NOTIFY_DELAY_MS = 1000;

/**
 * What every key of one server block shares: one Notifier per `transfer` directive, and
 * whether the startup NOTIFYs are already scheduled (each key has its own chain, but the
 * secondaries should hear of each zone once).
 */
export class TransferNotifiers {
  readonly notifiers: readonly Notifier[];
  #startupTimer: NodeJS.Timeout | undefined;
  #startupDone = false;

  constructor(
    readonly blocks: readonly TransferBlock[],
    options: NotifyOptions = {},
  ) {
    this.notifiers = blocks.map(
      (b) => new Notifier(b.acl.notifyTargets(), { ...options, source: b.source, plugin: 'transfer' }),
    );
  }

  /** The directive whose zones `name` is in most specifically (CoreDNS's longestMatch), or -1. */
  match(name: string): number {
    let best = -1;
    let bestZone = '';
    for (let i = 0; i < this.blocks.length; i++) {
      const z = matchZone(this.blocks[i].zones, name);
      if (z !== undefined && (best < 0 || z.length > bestZone.length)) {
        best = i;
        bestZone = z;
      }
    }
    return best;
  }

  /** NOTIFYs the targets of the directive that covers `zone`, if any. */
  notify(zone: string): void {
    const i = this.match(zone);
    if (i >= 0) void this.notifiers[i].notify(zone);
  }

  /** Schedules the startup NOTIFYs for `zones` once per server block. */
  notifyAfterStartup(zones: () => Iterable<string>, delayMs = STARTUP_NOTIFY_DELAY_MS): void {
    if (this.#startupDone) return;
    this.#startupDone = true;
    this.#startupTimer = setTimeout(() => {
      this.#startupTimer = undefined;
      for (const zone of zones()) this.notify(zone);
    }, delayMs);
    this.#startupTimer.unref();
  }

  /** Stops every pending and scheduled NOTIFY. */
  close(): void {
    clearTimeout(this.#startupTimer);
    for (const n of this.notifiers) n.close();
  }
}

/**
 * The transfer plugin's handler (CoreDNS's plugin/transfer): answers AXFR and IXFR for its
 * zones from the zone plugins of its chain (every handler that is a Transferer), through
 * core's serveTransfer; passes every other query, and transfers of zones no Transferer
 * serves, to the next plugin. Sends NOTIFY when a Transferer reports a new version.
 */
export class TransferHandler implements Handler {
  readonly name = 'transfer';
  /** The chain's zone sources, found at startup. */
  transferers: readonly Transferer[] = [];

  constructor(
    readonly shared: TransferNotifiers,
    readonly next: Handler | undefined,
  ) {}

  serveDNS(req: Request, w: ResponseWriter): number | Promise<number> {
    if (!isTransferQuery(req)) return nextOrFailure(this.name, this.next, req, w);
    const i = this.shared.match(req.name);
    if (i < 0) return nextOrFailure(this.name, this.next, req, w);
    const r = serveTransfer(req, w, this.transferers, { acl: this.shared.blocks[i].acl, plugin: this.name });
    return r ?? nextOrFailure(this.name, this.next, req, w);
  }

  /**
   * Finds the Transferers among `handlers` (the chain, once built), asks them to keep
   * IXFR history, NOTIFYs on their changes, and schedules the startup NOTIFYs for the
   * zones they serve.
   */
  start(handlers: readonly Handler[], startupDelayMs = STARTUP_NOTIFY_DELAY_MS): void {
    const found: Transferer[] = [];
    for (const h of handlers) {
      if (h === this || !isTransferer(h)) continue;
      found.push(h);
      h.keepHistory?.();
      h.onZoneChange?.((zone) => this.shared.notify(zone));
    }
    this.transferers = found;
    this.shared.notifyAfterStartup(() => this.#servedZones(), startupDelayMs);
  }

  /** Zones some Transferer has data for now: those they list, and the directives' own. */
  #servedZones(): Set<string> {
    const candidates = new Set<string>();
    for (const t of this.transferers) for (const z of t.transferZones?.() ?? []) candidates.add(z);
    for (const b of this.shared.blocks) for (const z of b.zones) candidates.add(z);
    const served = new Set<string>();
    for (const zone of candidates) {
      if (this.shared.match(zone) < 0) continue;
      if (this.transferers.some((t) => t.transfer(zone) !== undefined)) served.add(zone);
    }
    return served;
  }
}
