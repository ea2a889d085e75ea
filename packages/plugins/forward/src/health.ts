import { encodeMessage, Flag } from '@tsdns/core';
import type { ExchangeWaiter } from './exchange.js';
import { randomId, setMessageId } from './ids.js';

/** The health check query and how often it is sent: the `health_check` option. */
export interface HealthCheckSettings {
  /** Pause between failed checks, in ms (default 500). */
  readonly intervalMs: number;
  /** The RD bit of the check query (`no_rec` clears it). */
  readonly recursionDesired: boolean;
  /** The name asked for, type NS (default "."). */
  readonly domain: string;
}

/** What a health probe checks: one upstream. */
export interface ProbeTarget {
  /** Sends the check query on a connection of its own over the upstream's check transport. */
  probe(query: Uint8Array, waiter: ExchangeWaiter): void;
  /** Consecutive failed checks; a success resets it. */
  fails: number;
  /** Counted for coredns_proxy_healthcheck_failures_total. */
  readonly stats: { healthcheckFailed(): void };
}

/**
 * The wire form of the health check query `DOMAIN IN NS`, with RD as configured: a copy of
 * its own, since a probe keeps it for as long as it lives (encodeMessage's result is a view
 * of a shared slab).
 */
export function healthCheckQuery(settings: HealthCheckSettings): Uint8Array {
  const query = encodeMessage({
    id: 0,
    flags: settings.recursionDesired ? Flag.RD : 0,
    questions: [{ name: settings.domain, type: 'NS', class: 'IN' }],
    answers: [],
    authorities: [],
    additionals: [],
  });
  return new Uint8Array(query);
}

function recheck(probe: HealthProbe): void {
  probe.check();
}

/**
 * CoreDNS's in-band health checking (plugin/pkg/up): a failed exchange with an upstream
 * kicks a probe that sends `. IN NS` at once and then every interval for as long as the
 * upstream does not answer; any answer (even SERVFAIL or REFUSED) means healthy, and the
 * probe then stops until the next failure. At most one check per upstream is in flight.
 * Each failed check adds one to the upstream's fail count, which marks it down once it
 * exceeds max_fails.
 */
export class HealthProbe implements ExchangeWaiter {
  #state: 'idle' | 'active' | 'stopped' = 'idle';
  #timer: NodeJS.Timeout | undefined;
  readonly #query: Uint8Array;

  constructor(
    readonly target: ProbeTarget,
    readonly settings: HealthCheckSettings,
  ) {
    this.#query = healthCheckQuery(settings);
  }

  /** Whether a round of checks is running. */
  get active(): boolean {
    return this.#state === 'active';
  }

  /** Starts checking unless a round of checks is already running (or the probe is stopped). */
  kick(): void {
    if (this.#state !== 'idle') return;
    this.#state = 'active';
    this.check();
  }

  /** Sends one check now. */
  check(): void {
    this.#timer = undefined;
    if (this.#state === 'stopped') return;
    setMessageId(this.#query, randomId());
    this.target.probe(this.#query, this);
  }

  answered(): void {
    this.target.fails = 0;
    if (this.#state === 'active') this.#state = 'idle';
  }

  failed(): void {
    this.target.stats.healthcheckFailed();
    // Saturates rather than wrapping, as CoreDNS's counter does.
    if (this.target.fails < 0xffffffff) this.target.fails++;
    if (this.#state !== 'active') return;
    this.#timer = setTimeout(recheck, this.settings.intervalMs, this);
    this.#timer.unref();
  }

  stop(): void {
    this.#state = 'stopped';
    clearTimeout(this.#timer);
    this.#timer = undefined;
  }
}
