import { formatGoDuration, type Logger } from '@tsdns/core';

export type ConsolidateLevel = 'warning' | 'error' | 'info' | 'debug';

/** One `consolidate DURATION REGEXP [LEVEL] [show_first]` line. */
export interface ConsolidateRule {
  /** The period in nanoseconds, as parsed from the Corefile. */
  readonly periodNs: number;
  /** The pattern as written: it is quoted back in the summary line. */
  readonly source: string;
  readonly pattern: RegExp;
  readonly level: ConsolidateLevel;
  /** Log the first matching error at once, then count the rest. */
  readonly showFirst: boolean;
}

/** A pattern's count for the period in progress and the timer that ends the period. */
interface PatternState {
  readonly rule: ConsolidateRule;
  /** The period as Go prints it ("5m0s"), computed once. */
  readonly periodText: string;
  readonly periodMs: number;
  count: number;
  timer: NodeJS.Timeout | undefined;
}

/**
 * Counts errors matching the consolidate patterns and prints one summary per pattern per
 * period (CoreDNS's errors consolidation). A period starts with the first matching error
 * and ends after the configured duration; errors in between are only counted.
 */
export class Consolidator {
  private readonly states: PatternState[];
  private stopped = false;

  constructor(
    rules: readonly ConsolidateRule[],
    private readonly logger: Logger,
  ) {
    this.states = rules.map((rule) => ({
      rule,
      periodText: formatGoDuration(rule.periodNs),
      periodMs: rule.periodNs / 1e6,
      count: 0,
      timer: undefined,
    }));
  }

  /**
   * Offers an error message. Returns true when it was counted for a later summary (so it
   * must not be printed now). Otherwise returns the level to print it at: the matching
   * pattern's level (its first error with show_first, or any error after `stop`), or
   * undefined when no pattern matches.
   */
  offer(message: string): true | ConsolidateLevel | undefined {
    const states = this.states;
    for (let i = 0; i < states.length; i++) {
      const state = states[i];
      // The first matching pattern takes the error, as in CoreDNS.
      if (!state.rule.pattern.test(message)) continue;
      if (this.stopped) return state.rule.level;
      state.count++;
      if (state.count === 1) {
        state.timer = setTimeout(() => this.flush(state), state.periodMs);
        // A pending summary must not keep the process alive; stop() prints it on shutdown.
        state.timer.unref();
        if (state.rule.showFirst) return state.rule.level;
      }
      return true;
    }
    return undefined;
  }

  /** Ends every period now, printing the summaries due; later errors are printed at once. */
  stop(): void {
    this.stopped = true;
    for (const state of this.states) {
      if (state.timer !== undefined) {
        clearTimeout(state.timer);
        this.flush(state);
      }
    }
  }

  private flush(state: PatternState): void {
    const count = state.count;
    state.count = 0;
    state.timer = undefined;
    // With show_first a lone error was already printed in full; a summary would repeat it.
    if (count === 0 || (count === 1 && state.rule.showFirst)) return;
    this.logger[state.rule.level](
      `${count} errors like '${state.rule.source}' occurred in last ${state.periodText}`,
    );
  }
}
