import {
  TransferError,
  Zone,
  addressBytes,
  applyZoneDiffs,
  compareSerials,
  formatGoDuration,
  pluginLogger,
  querySoa,
  transferIn,
  type PeerAddress,
  type TransferInResult,
  type ZoneDiff,
  type ZoneSet,
} from '@tsdns/core';
import type { ZoneDirectory } from './persist.js';
import { LongTimer } from './timer.js';

const log = pluginLogger('secondary');

/** How a secondary zone paces itself; the defaults are CoreDNS's where it has them. */
export interface RefreshTiming {
  /** First wait before the first transfer is tried again; doubled after each failure... */
  readonly firstRetryMs: number;
  /** ...up to this. */
  readonly maxFirstRetryMs: number;
  /** Longest random delay added to a refresh (spreads the load of many zones on a primary). */
  readonly refreshJitterMs: number;
  /** Longest random delay added to a retry. */
  readonly retryJitterMs: number;
  /** Wait for each SOA answer, and transmissions of the query. */
  readonly soaTimeoutMs: number;
  readonly soaAttempts: number;
  /** Longest wait to connect to a primary and between two messages of a transfer. */
  readonly transferTimeoutMs: number;
}

export const DEFAULT_TIMING: RefreshTiming = {
  firstRetryMs: 250,
  maxFirstRetryMs: 10_000,
  refreshJitterMs: 5000,
  retryJitterMs: 2000,
  soaTimeoutMs: 2000,
  soaAttempts: 3,
  transferTimeoutMs: 10_000,
};

/** The SOA timers in milliseconds; zero values are taken as one second, so checks never spin. */
function seconds(value: number): number {
  return Math.max(1, value) * 1000;
}

/** A random delay up to `most`, and never more than a tenth of `interval`. */
function jitter(most: number, interval: number): number {
  return Math.random() * Math.min(most, interval / 10);
}

export function formatPeer(p: PeerAddress): string {
  return p.host.includes(':') ? `[${p.host}]:${p.port}` : `${p.host}:${p.port}`;
}

function sameAddress(a: string, b: string): boolean {
  const x = addressBytes(a);
  const y = addressBytes(b);
  if (x === undefined || y === undefined || x.length !== y.length) return false;
  for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return false;
  return true;
}

function reason(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/**
 * One zone transferred in from its primaries and kept fresh as RFC 1034 4.3.5 and RFC
 * 1996 describe:
 *
 *  - until the first transfer succeeds the zone is known but has no data (SERVFAIL), and
 *    the transfer is retried with a doubling wait (250 ms up to 10 s, as CoreDNS);
 *  - every SOA REFRESH seconds the primaries' SOA is asked for, in the configured order;
 *    a newer serial starts a transfer: IXFR from the serial held first, AXFR when the
 *    primary cannot or when the steps do not apply;
 *  - when no primary answers, checks repeat every SOA RETRY seconds; EXPIRE seconds after
 *    a primary last confirmed the data the zone is withdrawn (SERVFAIL again, no longer
 *    authoritative) until a primary answers;
 *  - a NOTIFY from a primary starts a check at once, asking that primary first;
 *  - with a ZoneDirectory (`persist`), every new version is written to disk, and a copy
 *    found there at startup is served at once, its expire timer running on from when it
 *    was last confirmed.
 *
 * A transfer that fails validation (a broken stream, records that do not make a zone, a
 * serial older than the one held) never replaces the zone served.
 */
export class SecondaryZone {
  /** The newest version held, served or not (an expired zone is held but withdrawn). */
  held: Zone | undefined;
  /** When a primary last confirmed `held`, in ms since the epoch. */
  refreshedAt = 0;
  expired = false;
  /** Why the last check failed, for the log. */
  lastError = '';

  readonly #timer = new LongTimer();
  readonly #expireTimer = new LongTimer();
  #abort = new AbortController();
  #running = false;
  #checking = false;
  #again = false;
  #preferred: PeerAddress | undefined;
  #firstFailures = 0;
  #writes: Promise<void> = Promise.resolve();
  #writeQueued = false;

  constructor(
    readonly origin: string,
    readonly primaries: readonly PeerAddress[],
    readonly zones: ZoneSet,
    readonly store: ZoneDirectory | undefined,
    readonly timing: RefreshTiming = DEFAULT_TIMING,
  ) {
    zones.add(origin);
  }

  /** Whether the zone is being served. */
  get serving(): boolean {
    return this.held !== undefined && !this.expired;
  }

  /**
   * Loads the copy kept on disk, if any: served at once unless it expired while the
   * server was down (then it is only the base for an IXFR).
   */
  async restore(): Promise<void> {
    if (this.store === undefined) return;
    const kept = await this.store.read(this.origin, (m) => log.warning(m));
    if (kept === undefined) return;
    this.held = kept.zone;
    this.refreshedAt = kept.refreshedAt;
    const left = kept.refreshedAt + seconds(kept.zone.soa.data.expire) - Date.now();
    if (left > 0) {
      this.zones.set(kept.zone);
      this.#armExpire(left);
      log.info(
        `Loaded zone \`${this.origin}' with serial ${kept.zone.serial} from ${this.store.path(this.origin)}; checking the primaries`,
      );
    } else {
      this.expired = true;
      log.warning(
        `The kept copy of zone \`${this.origin}' (serial ${kept.zone.serial}) expired while the server was down: not served until a primary confirms it`,
      );
    }
  }

  /** Starts checking the primaries, at once. */
  start(): void {
    if (this.#running) return;
    this.#running = true;
    this.#abort = new AbortController();
    this.#trigger();
  }

  /** Stops every timer and any check or transfer under way. */
  stop(): void {
    this.#running = false;
    this.#timer.clear();
    this.#expireTimer.clear();
    this.#abort.abort();
  }

  /** The primary at `ip`, if it is one (the port a NOTIFY comes from says nothing). */
  primaryAt(ip: string): PeerAddress | undefined {
    return this.primaries.find((p) => sameAddress(p.host, ip));
  }

  /**
   * A NOTIFY (RFC 1996) from `ip`: when it is a primary, a check starts now, asking it
   * first. Returns whether it was a primary.
   */
  notify(ip: string): boolean {
    const primary = this.primaryAt(ip);
    if (primary === undefined) return false;
    log.info(`Notify from ${ip} for ${this.origin}: checking transfer`);
    this.#trigger(primary);
    return true;
  }

  /** A check now, or right after the one under way. */
  #trigger(prefer?: PeerAddress): void {
    if (!this.#running) return;
    if (this.#checking) {
      this.#again = true;
      this.#preferred = prefer ?? this.#preferred;
      return;
    }
    this.#timer.clear();
    this.#checking = true;
    void this.#check(prefer).finally(() => {
      this.#checking = false;
      if (this.#again && this.#running) {
        this.#again = false;
        const p = this.#preferred;
        this.#preferred = undefined;
        this.#trigger(p);
      }
    });
  }

  async #check(prefer: PeerAddress | undefined): Promise<void> {
    const order =
      prefer === undefined ? this.primaries : [prefer, ...this.primaries.filter((p) => p !== prefer)];
    let ok: boolean;
    try {
      ok = await this.#refresh(order);
    } catch (e) {
      // #refresh reports what it meets; anything else is a bug, and must not stop the timers.
      log.error(`Checking zone \`${this.origin}' failed: ${reason(e)}`);
      ok = false;
    }
    if (!this.#running) return;
    const held = this.held;
    if (held === undefined) {
      const wait = Math.min(this.timing.firstRetryMs * 2 ** this.#firstFailures, this.timing.maxFirstRetryMs);
      this.#firstFailures++;
      log.warning(
        `All '${this.origin}' masters failed to transfer, retrying in ${formatGoDuration(wait * 1e6)}: ${this.lastError}`,
      );
      this.#timer.set(wait, () => this.#trigger());
      return;
    }
    const soa = held.soa.data;
    const interval = ok ? seconds(soa.refresh) : seconds(soa.retry);
    const most = ok ? this.timing.refreshJitterMs : this.timing.retryJitterMs;
    this.#timer.set(interval + jitter(most, interval), () => this.#trigger());
  }

  /** Asks the primaries in `order` until one confirms the zone or gives a newer one; false if none did. */
  async #refresh(order: readonly PeerAddress[]): Promise<boolean> {
    const signal = this.#abort.signal;
    for (const primary of order) {
      if (signal.aborted) return false;
      const held = this.held;
      if (held !== undefined) {
        let serial: number;
        try {
          const soa = await querySoa(this.origin, primary, {
            timeoutMs: this.timing.soaTimeoutMs,
            attempts: this.timing.soaAttempts,
            signal,
          });
          serial = soa.data.serial;
        } catch (e) {
          this.lastError = reason(e);
          if (!signal.aborted)
            log.warning(
              `Failed refresh check of \`${this.origin}' at ${formatPeer(primary)}: ${this.lastError}`,
            );
          continue;
        }
        if (compareSerials(serial, held.serial) <= 0) {
          if (serial !== held.serial) {
            log.warning(
              `Primary ${formatPeer(primary)} has serial ${serial} for \`${this.origin}', older than the ${held.serial} held: keeping it`,
            );
          }
          this.#confirmed();
          return true;
        }
      }
      try {
        await this.#transferFrom(primary, signal);
        return true;
      } catch (e) {
        this.lastError = reason(e);
        if (!signal.aborted) {
          log.error(
            `Failed to transfer \`${this.origin}' from ${JSON.stringify(formatPeer(primary))}: ${this.lastError}`,
          );
        }
      }
    }
    return false;
  }

  /** Transfers the zone from `primary`: IXFR when a version is held, else (or failing that) AXFR. */
  async #transferFrom(primary: PeerAddress, signal: AbortSignal): Promise<void> {
    const held = this.held;
    const options = { timeoutMs: this.timing.transferTimeoutMs, signal };
    let result: TransferInResult | undefined;
    if (held !== undefined) {
      try {
        result = await transferIn(this.origin, primary, { ...options, ixfrFromSerial: held.serial });
      } catch (e) {
        if (signal.aborted) throw e;
        log.info(
          `IXFR of \`${this.origin}' from ${formatPeer(primary)} failed (${reason(e)}): asking for AXFR`,
        );
      }
      if (result?.kind === 'current') {
        this.#confirmed();
        return;
      }
      if (result?.kind === 'ixfr') {
        let zone: Zone | undefined;
        try {
          zone = applyZoneDiffs(held, result.steps);
        } catch (e) {
          log.warning(
            `IXFR of \`${this.origin}' from ${formatPeer(primary)} does not apply (${reason(e)}): asking for AXFR`,
          );
        }
        if (zone !== undefined) {
          this.#install(zone, result.steps, primary, 'IXFR');
          return;
        }
        result = undefined;
      }
    }
    result ??= await transferIn(this.origin, primary, options);
    if (result.kind !== 'axfr')
      throw new TransferError(`AXFR of ${this.origin} was answered as ${result.kind}`);
    // Zone.from validates: a stream that is no zone (CNAME beside data, no NS) throws here.
    const zone = Zone.from(this.origin, result.records);
    if (held !== undefined && compareSerials(zone.serial, held.serial) <= 0) {
      if (zone.serial === held.serial) {
        this.#confirmed();
        return;
      }
      throw new TransferError(`the transfer has serial ${zone.serial}, older than the ${held.serial} held`);
    }
    this.#install(zone, undefined, primary, held === undefined ? 'AXFR' : 'AXFR, as IXFR was not available');
  }

  #install(zone: Zone, steps: readonly ZoneDiff[] | undefined, primary: PeerAddress, how: string): void {
    if (!this.#running) return;
    this.held = zone;
    this.#firstFailures = 0;
    this.expired = false;
    this.zones.set(zone, steps);
    this.#confirmed(false);
    log.info(`Transferred: ${this.origin} from ${formatPeer(primary)} (${how}, serial ${zone.serial})`);
    this.#persist(primary);
  }

  /** A primary confirmed the version held (or just sent it): the expire timer starts over. */
  #confirmed(touch = true): void {
    const held = this.held as Zone;
    this.refreshedAt = Date.now();
    if (this.expired) {
      this.expired = false;
      this.zones.set(held);
      log.info(`Zone \`${this.origin}' is served again: a primary confirmed serial ${held.serial}`);
    }
    this.#armExpire(seconds(held.soa.data.expire));
    if (touch && this.store !== undefined) {
      const store = this.store;
      const at = this.refreshedAt;
      this.#writes = this.#writes.then(() => store.touch(this.origin, at)).catch(() => undefined);
    }
  }

  #armExpire(ms: number): void {
    this.#expireTimer.set(ms, () => {
      this.expired = true;
      this.zones.withdraw(this.origin);
      log.error(`Zone ${this.origin} is expired`);
    });
  }

  /** Writes the newest version to disk after any write under way; a burst of versions costs one write. */
  #persist(primary: PeerAddress): void {
    const store = this.store;
    if (store === undefined || this.#writeQueued) return;
    this.#writeQueued = true;
    this.#writes = this.#writes
      .then(async () => {
        this.#writeQueued = false;
        const zone = this.held as Zone;
        await store.write(
          zone,
          `zone ${this.origin} serial ${zone.serial}, transferred from ${formatPeer(primary)}`,
          this.refreshedAt,
        );
      })
      .catch((e: unknown) =>
        log.error(`Writing zone \`${this.origin}' to ${store.path(this.origin)}: ${reason(e)}`),
      );
  }

  /** Resolves once every write to disk started so far has ended (for tests and shutdown). */
  flush(): Promise<void> {
    return this.#writes;
  }
}
