import { HttpAddressError, parseHttpAddress, type Dispenser } from '@tsdns/core';

/** CoreDNS's default metrics address. */
export const DEFAULT_ADDRESS = 'localhost:9153';

/** The prometheus plugin's configuration for one server block. */
export interface PrometheusConfig {
  /** Where /metrics is served, Go's host:port. */
  readonly address: string;
}

/**
 * `prometheus [ADDRESS] { runtime_metrics }`, as CoreDNS parses it. `runtime_metrics`
 * asks CoreDNS for Go's full runtime metric set; Node's runtime metrics are always
 * exported here, so it is accepted and changes nothing. CoreDNS's `tls CONFIG` (an
 * exporter-toolkit web config) is not supported and fails loudly rather than serving
 * the metrics in the clear.
 */
export function parsePrometheus(c: Dispenser): PrometheusConfig {
  let address = DEFAULT_ADDRESS;
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
      if (option === 'runtime_metrics') {
        if (c.remainingArgs().length !== 0) throw c.argErr();
      } else if (option === 'tls') {
        throw c.err('tls is not supported: the metrics endpoint serves plain HTTP');
      } else {
        throw c.err(`unknown option: ${option}`);
      }
    }
  }
  return { address };
}
