import type { Handler } from './handler.js';
import type { Request } from './request.js';
import type { ResponseWriter } from './writer.js';

/**
 * Watches one query pass from plugin to plugin: the trace plugin's child span per plugin,
 * which CoreDNS opens in NextOrFailure. A handler that wants to watch a query puts an
 * observer on `Request.hops`; from then on nextOrFailure lets the observer make each call
 * to the next handler. Queries without one pay a single field check per plugin.
 */
export interface HopObserver {
  /**
   * Calls `next.serveDNS(req, w)` and returns what it returns (a synchronous result stays
   * synchronous), doing its own work around the call.
   */
  hop(next: Handler, req: Request, w: ResponseWriter): number | Promise<number>;
}
