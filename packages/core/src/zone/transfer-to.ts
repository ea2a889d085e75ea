import type { Dispenser } from '../corefile/dispenser.js';
import { Rcode } from '../wire/constants.js';
import { AclEntryError, AddressAcl, parseAclEntry, type PeerAddress } from '../plugin/acl.js';
import { Notifier, type NotifyOptions } from '../plugin/notify.js';
import type { Request } from '../plugin/request.js';
import { serveTransfer } from '../plugin/transfer.js';
import type { ResponseWriter } from '../plugin/writer.js';
import type { ZoneSet } from './set.js';

/** A `transfer` line of a zone plugin's block: `transfer to ADDRESS...` or `transfer from ADDRESS...`. */
export type TransferOption =
  | { readonly direction: 'to'; readonly acl: AddressAcl }
  | { readonly direction: 'from'; readonly primaries: readonly PeerAddress[] };

/** Port of a primary written without one. */
const DNS_PORT = 53;

/**
 * Reads a `transfer` line (the book's chapter 3, common to file, auto and secondary), the
 * Dispenser positioned on `transfer`: `to` takes addresses (with an optional port, where
 * NOTIFY goes), CIDR networks and `*`; `from` takes addresses of primaries (port 53 unless
 * written). `directions` says which `plugin` has. Throws the Dispenser's CorefileError.
 */
export function parseTransferOption(
  c: Dispenser,
  plugin: string,
  directions: readonly ('to' | 'from')[],
): TransferOption {
  const args = c.remainingArgs();
  if (args.length === 0) throw c.argErr();
  const direction = args[0];
  if (direction !== 'to' && direction !== 'from') {
    throw c.err(`transfer: expected ${directions.map((d) => `'${d}'`).join(' or ')}, found '${direction}'`);
  }
  if (!directions.includes(direction)) {
    throw c.err(
      direction === 'from'
        ? `transfer from: ${plugin} serves primary zones only (the secondary plugin transfers zones in)`
        : `transfer to: not an option of ${plugin}`,
    );
  }
  const targets = args.slice(1);
  if (targets.length === 0) {
    throw c.err(
      direction === 'to'
        ? 'transfer to: at least one address, network or * is needed'
        : 'transfer from: at least one address is needed',
    );
  }
  if (direction === 'to') {
    try {
      return { direction, acl: AddressAcl.parse(targets) };
    } catch (e) {
      if (e instanceof AclEntryError) throw c.err(`transfer to: ${e.message}`);
      throw e;
    }
  }
  const primaries: PeerAddress[] = [];
  for (const t of targets) {
    let entry;
    try {
      entry = parseAclEntry(t);
    } catch (e) {
      if (e instanceof AclEntryError) throw c.err(`transfer from: '${t}' is not an IP address or IP:port`);
      throw e;
    }
    if (entry.kind !== 'host') throw c.err(`transfer from: '${t}' is not an IP address or IP:port`);
    primaries.push({ host: entry.host, port: entry.port ?? DNS_PORT });
  }
  return { direction, primaries };
}

/**
 * How long after startup the first NOTIFYs wait: startup hooks run before the server's
 * listeners are bound, and a secondary answers a NOTIFY by asking for the SOA at once.
 */
export const STARTUP_NOTIFY_DELAY_MS = 1000;

/**
 * The `transfer to` option of a zone plugin at work: answers AXFR and IXFR for the zones
 * of `zones` to the clients `acl` allows (REFUSED to the rest), and sends NOTIFY to the
 * single addresses of the list for every zone when the server starts and whenever a zone
 * gets a new version. IXFR is served from the set's history, which this turns on.
 */
export class TransferTo {
  readonly #notifier: Notifier;
  #started = false;
  #timer: NodeJS.Timeout | undefined;

  constructor(
    readonly zones: ZoneSet,
    readonly acl: AddressAcl,
    readonly plugin: string,
    notify: NotifyOptions = {},
  ) {
    this.#notifier = new Notifier(acl.notifyTargets(), { ...notify, plugin });
    zones.keepHistory();
    zones.onZoneChange((zone) => {
      if (this.#started) this.#notify(zone);
    });
  }

  /** Answers an AXFR or IXFR query (see serveTransfer); REFUSED for a zone without data. */
  serve(req: Request, w: ResponseWriter): number | Promise<number> {
    return serveTransfer(req, w, this.zones, { acl: this.acl, plugin: this.plugin }) ?? Rcode.REFUSED;
  }

  /**
   * After `delayMs`, notifies every zone with data, and from then on every new version.
   * Idempotent: every key of a server block calls it.
   */
  start(delayMs = STARTUP_NOTIFY_DELAY_MS): void {
    if (this.#started || this.#timer !== undefined) return;
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      this.#started = true;
      for (const zone of this.zones.transferZones()) this.#notify(zone);
    }, delayMs);
    this.#timer.unref();
  }

  /** Stops notifying, pending retries included. */
  stop(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#started = false;
    this.#notifier.close();
  }

  #notify(zone: string): void {
    const z = this.zones.get(zone);
    if (z !== undefined) void this.#notifier.notify(zone, z.soa);
  }
}
