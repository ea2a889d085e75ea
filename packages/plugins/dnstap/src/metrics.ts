import { defineCounter, defineGauge, type Counter, type Gauge, type Logger } from '@tsdns/core';

/**
 * Metrics of every dnstap output and listener, by endpoint (CoreDNS has none for dnstap; the
 * names follow its scheme). A series is shared by the outputs of successive server instances
 * to the same endpoint, so counts carry on across reloads.
 */
const SENT = defineCounter({
  name: 'coredns_dnstap_sent_total',
  help: 'Counter of dnstap messages handed to the collector connection.',
  labelNames: ['endpoint'],
});
const DROPPED = defineCounter({
  name: 'coredns_dnstap_dropped_total',
  help: 'Counter of dnstap messages dropped because the queue was full or no connection took them.',
  labelNames: ['endpoint'],
});
const QUEUED = defineGauge({
  name: 'coredns_dnstap_queue_length',
  help: 'Number of dnstap messages waiting for the collector connection.',
  labelNames: ['endpoint'],
});

/** CoreDNS reports dropped messages every 10 s. */
export const DEFAULT_DROP_REPORT_MS = 10_000;

/**
 * The counts of one output or listener: plain fields for its own bookkeeping and tests,
 * mirrored into the process's metrics, and dropped messages logged periodically as CoreDNS
 * logs them ("Dropped dnstap messages: N").
 */
export class TapStats {
  sent = 0;
  dropped = 0;
  readonly #sent: Counter;
  readonly #dropped: Counter;
  readonly queued: Gauge;
  #reported = 0;
  #timer: NodeJS.Timeout | undefined;

  constructor(
    endpoint: string,
    readonly log: Logger,
  ) {
    this.#sent = SENT.labels(endpoint);
    this.#dropped = DROPPED.labels(endpoint);
    this.queued = QUEUED.labels(endpoint);
  }

  addSent(n: number): void {
    this.sent += n;
    this.#sent.value += n;
  }

  addDropped(n: number): void {
    this.dropped += n;
    this.#dropped.value += n;
  }

  startReports(everyMs: number): void {
    this.#timer = setInterval(() => this.report(), everyMs);
    this.#timer.unref();
  }

  /** Logs the drops since the last report, if any; the last report when the output closes. */
  report(): void {
    const n = this.dropped - this.#reported;
    if (n === 0) return;
    this.#reported = this.dropped;
    this.log.warning(`Dropped dnstap messages: ${n}`);
  }

  stopReports(): void {
    clearInterval(this.#timer);
    this.report();
  }
}
