import { DurationError, formatGoDuration, parseGoDuration, type Dispenser } from '@tsdns/core';

const SECOND_NS = 1e9;
/** CoreDNS's bounds and defaults, in nanoseconds (Go durations). */
export const MIN_INTERVAL_NS = 2 * SECOND_NS;
export const MIN_JITTER_NS = 1 * SECOND_NS;
export const DEFAULT_INTERVAL_NS = 30 * SECOND_NS;
export const DEFAULT_JITTER_NS = 15 * SECOND_NS;
/** The longest period a Node.js timer can wait (2^31 - 1 ms), in nanoseconds. */
const MAX_INTERVAL_NS = (2 ** 31 - 1) * 1e6;

export interface ReloadConfig {
  /** The interval as configured, in nanoseconds. */
  readonly intervalNs: number;
  /** The jitter as configured (capped at half the interval), in nanoseconds. */
  readonly jitterNs: number;
}

function duration(c: Dispenser, text: string): number {
  try {
    return parseGoDuration(text);
  } catch (e) {
    if (e instanceof DurationError) throw c.err(e.message);
    throw e;
  }
}

/**
 * `reload [INTERVAL] [JITTER]`, with CoreDNS's rules: INTERVAL at least 2s (default 30s),
 * JITTER 0 or at least 1s (default 15s) and at most half the interval.
 */
export function parseReload(c: Dispenser): ReloadConfig {
  c.next();
  const args = c.remainingArgs();
  if (args.length > 2) throw c.argErr();
  const intervalNs = args.length > 0 ? duration(c, args[0]) : DEFAULT_INTERVAL_NS;
  if (intervalNs < MIN_INTERVAL_NS)
    throw c.err(`interval value must be greater or equal to ${formatGoDuration(MIN_INTERVAL_NS)}`);
  if (intervalNs > MAX_INTERVAL_NS)
    throw c.err(`interval value must be at most ${formatGoDuration(MAX_INTERVAL_NS)}`);
  let jitterNs = args.length > 1 ? duration(c, args[1]) : DEFAULT_JITTER_NS;
  if (jitterNs !== 0 && jitterNs < MIN_JITTER_NS)
    throw c.err(`jitter value must be 0 or greater or equal to ${formatGoDuration(MIN_JITTER_NS)}`);
  if (jitterNs > intervalNs / 2) jitterNs = intervalNs / 2;
  if (c.nextBlock()) throw c.argErr();
  return { intervalNs, jitterNs };
}

/**
 * The interval to check at: INTERVAL moved by a random amount in [-JITTER/2, JITTER/2), so
 * that many servers started together do not all reload at the same moment.
 */
export function jitteredIntervalMs(cfg: ReloadConfig, random: () => number = Math.random): number {
  const jitter = cfg.jitterNs > 0 ? Math.floor(random() * cfg.jitterNs) - cfg.jitterNs / 2 : 0;
  return (cfg.intervalNs + jitter) / 1e6;
}
