import { HttpAddressError, parseHttpAddress, type Dispenser } from '@tsdns/core';

/** CoreDNS's default readiness address. */
export const DEFAULT_ADDRESS = ':8181';

/** Whether a plugin that said it is ready is asked again (CoreDNS's `monitor`). */
export type MonitorMode = 'until-ready' | 'continuously';

export interface ReadyConfig {
  /** Where /ready is served, Go's host:port. */
  readonly address: string;
  readonly monitor: MonitorMode;
}

/** `ready [ADDRESS] { monitor until-ready|continuously }`, as CoreDNS parses it. */
export function parseReady(c: Dispenser): ReadyConfig {
  let address = DEFAULT_ADDRESS;
  let monitor: MonitorMode = 'until-ready';
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
      if (option !== 'monitor') throw c.err(`unknown property '${option}'`);
      const values = c.remainingArgs();
      if (values.length !== 1) throw c.argErr();
      if (values[0] !== 'until-ready' && values[0] !== 'continuously')
        throw c.err(`monitor type '${values[0]}' not supported`);
      monitor = values[0];
    }
  }
  return { address, monitor };
}
