import { parseHttpAddress, type Dispenser } from '@tsdns/core';

/** CoreDNS's pprof address. */
export const DEFAULT_ADDRESS = 'localhost:6053';

export interface PprofConfig {
  /** host:port of the HTTP endpoint. */
  readonly address: string;
}

export interface PprofParseOptions {
  /** Reported for options that Go has and Node does not (`block`). */
  readonly warn?: (message: string) => void;
}

const DIGITS = /^-?\d+$/;

/**
 * Parses `pprof [ADDRESS] { block [RATE] }` (CoreDNS's pprof setup). `block` turns on Go's
 * block profiling; Node has no such profile, so it is checked as CoreDNS checks it and then
 * ignored with a warning.
 */
export function parsePprof(c: Dispenser, opts: PprofParseOptions = {}): PprofConfig {
  let address = DEFAULT_ADDRESS;
  while (c.next()) {
    const args = c.remainingArgs();
    if (args.length > 1) throw c.argErr();
    if (args.length === 1) {
      try {
        parseHttpAddress(args[0]);
      } catch (e) {
        throw c.err(e instanceof Error ? e.message : String(e));
      }
      address = args[0];
    }
    while (c.nextBlock()) {
      const property = c.val();
      if (property !== 'block') throw c.err(`unknown property '${property}'`);
      const rate = c.remainingArgs();
      if (rate.length > 1) throw c.argErr();
      if (rate.length === 1 && !DIGITS.test(rate[0]))
        throw c.err(`property 'block' invalid integer value '${rate[0]}'`);
      opts.warn?.('block profiling is a Go runtime profile that Node does not have: ignored');
    }
  }
  return { address };
}
