import { DurationError, formatGoDuration, parseGoDuration, type Dispenser } from '@tsdns/core';
import type { ConsolidateLevel, ConsolidateRule } from './consolidate.js';

/** The errors plugin's configuration for one server block. */
export interface ErrorsConfig {
  readonly stacktrace: boolean;
  readonly consolidate: readonly ConsolidateRule[];
}

/** CoreDNS's bound on a consolidate pattern, against patterns that are costly to compile. */
export const MAX_REGEXP_LENGTH = 10_000;

/** The longest period a Node.js timer can wait (2^31 - 1 ms), in nanoseconds. */
const MAX_PERIOD_NS = (2 ** 31 - 1) * 1e6;

const LEVELS: ReadonlySet<string> = new Set(['warning', 'error', 'info', 'debug']);

/** Go's inline flags at the start of a pattern, "(?i)", which JavaScript spells as a flag. */
const LEADING_FLAGS = /^\(\?([a-zA-Z]+)\)/;

/**
 * Compiles a consolidate pattern. Patterns are JavaScript regular expressions; Go's
 * leading inline flags `(?i)`, `(?m)` and `(?s)` (the usual way to write a
 * case-insensitive pattern for CoreDNS) become the matching JavaScript flags.
 * Throws a SyntaxError naming the problem.
 */
export function compilePattern(source: string): RegExp {
  const leading = LEADING_FLAGS.exec(source);
  if (leading === null) return new RegExp(source);
  let flags = '';
  for (const flag of leading[1]) {
    if (flag !== 'i' && flag !== 'm' && flag !== 's') {
      throw new SyntaxError(`Invalid regular expression: /${source}/: unsupported inline flag '${flag}'`);
    }
    if (!flags.includes(flag)) flags += flag;
  }
  return new RegExp(source.slice(leading[0].length), flags);
}

function parseConsolidate(c: Dispenser): ConsolidateRule {
  const args = c.remainingArgs();
  if (args.length < 2 || args.length > 4) throw c.argErr();
  const [periodText, source, ...options] = args;

  let periodNs: number;
  try {
    periodNs = parseGoDuration(periodText);
  } catch (e) {
    if (e instanceof DurationError) throw c.err(e.message);
    throw e;
  }
  if (periodNs <= 0) throw c.err(`consolidate period must be positive, got ${periodText}`);
  if (periodNs > MAX_PERIOD_NS) {
    throw c.err(`consolidate period ${periodText} is longer than the longest supported, ${formatGoDuration(MAX_PERIOD_NS)}`);
  }

  if (source.length > MAX_REGEXP_LENGTH) {
    throw c.err(`regex pattern too long: ${source.length} > ${MAX_REGEXP_LENGTH}`);
  }
  let pattern: RegExp;
  try {
    pattern = compilePattern(source);
  } catch (e) {
    if (e instanceof SyntaxError) throw c.err(e.message);
    throw e;
  }

  // LEVEL, then show_first, each at most once.
  let level: ConsolidateLevel | undefined;
  let showFirst = false;
  for (const option of options) {
    if (LEVELS.has(option)) {
      if (level !== undefined) throw c.err('multiple log levels specified in consolidate');
      if (showFirst) throw c.err('log level must come before show_first in consolidate');
      level = option as ConsolidateLevel;
    } else if (option === 'show_first') {
      if (showFirst) throw c.err('show_first given twice in consolidate');
      showFirst = true;
    } else {
      throw c.err(`unknown option in consolidate: ${option}`);
    }
  }
  return { periodNs, source, pattern, level: level ?? 'error', showFirst };
}

/**
 * Reads the `errors` directive (once per server block; the server enforces that):
 *
 *     errors [stdout] {
 *         stacktrace
 *         consolidate DURATION REGEXP [LEVEL] [show_first]
 *     }
 */
export function parseErrors(c: Dispenser): ErrorsConfig {
  let stacktrace = false;
  const consolidate: ConsolidateRule[] = [];
  while (c.next()) {
    const args = c.remainingArgs();
    if (args.length > 1) throw c.argErr();
    // Errors always go to standard output; "stdout" is accepted for CoreDNS compatibility.
    if (args.length === 1 && args[0] !== 'stdout') throw c.err(`invalid log file: ${args[0]}`);
    while (c.nextBlock()) {
      const property = c.val();
      switch (property) {
        case 'stacktrace':
          if (c.nextArg()) throw c.argErr();
          stacktrace = true;
          break;
        case 'consolidate':
          consolidate.push(parseConsolidate(c));
          break;
        default:
          throw c.err(`unknown property '${property}'`);
      }
    }
  }
  return { stacktrace, consolidate };
}
