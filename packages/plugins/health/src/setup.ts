import {
  DurationError,
  HttpAddressError,
  parseGoDuration,
  parseHttpAddress,
  type Dispenser,
} from '@tsdns/core';

/** CoreDNS's default health address. */
export const DEFAULT_ADDRESS = ':8080';

/** The health plugin's configuration for one server block. */
export interface HealthConfig {
  /** Where /health is served, Go's host:port. */
  readonly address: string;
  /** How long shutdown waits, still answering, after it is asked to stop; 0 for not at all. */
  readonly lameduckMs: number;
}

/**
 * `health [ADDRESS] { lameduck DURATION }`, as CoreDNS parses it: a later occurrence in the
 * block overrides an earlier one's address and lameduck.
 */
export function parseHealth(c: Dispenser): HealthConfig {
  let address = DEFAULT_ADDRESS;
  let lameduckMs = 0;
  while (c.next()) {
    const args = c.remainingArgs();
    if (args.length > 1) throw c.argErr();
    if (args.length === 1) {
      try {
        parseHttpAddress(args[0]);
      } catch (e) {
        if (e instanceof HttpAddressError) throw c.err(e.message);
        throw e;
      }
      address = args[0];
    }
    while (c.nextBlock()) {
      const option = c.val();
      if (option !== 'lameduck') throw c.err(`unknown property '${option}'`);
      const values = c.remainingArgs();
      if (values.length !== 1) throw c.argErr();
      let ns: number;
      try {
        ns = parseGoDuration(values[0]);
      } catch (e) {
        if (!(e instanceof DurationError)) throw e;
        throw c.err(`unable to parse lameduck duration value: '${values[0]}' : ${e.message}`);
      }
      // A negative duration means no lameduck, as Go's time.Sleep of it returns at once.
      lameduckMs = Math.max(0, ns / 1e6);
    }
  }
  return { address, lameduckMs };
}
