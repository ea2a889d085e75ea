import type { Request } from './request.js';
import type { ResponseWriter } from './writer.js';
import { Rcode } from '../wire/constants.js';
import { trackedWriter } from './tracker.js';

/**
 * A link in a server block's plugin chain (CoreDNS's plugin.Handler).
 *
 * `serveDNS` returns the response code. A synchronous return is the fast path: the server
 * never wraps a synchronous handler in a Promise. Handlers that wait for I/O return a Promise.
 *
 * The returned rcode also says whether a response was written (see `wasWritten`).
 * A thrown error (or a rejected Promise) means SERVFAIL, unless it is a HandlerError that
 * carries another rcode; either way the `errors` plugin sees it.
 */
export interface Handler {
  readonly name: string;
  serveDNS(req: Request, w: ResponseWriter): number | Promise<number>;
}

/** Wraps the rest of the chain: given the next handler, returns this plugin's handler. */
export type HandlerFactory = (next: Handler | undefined) => Handler;

/**
 * CoreDNS's plugin.ClientWrite: SERVFAIL, REFUSED, FORMERR and NOTIMP mean the handler wrote
 * nothing and its caller (ultimately the server) must write the error response; any other
 * rcode means the handler wrote the response itself.
 */
export function wasWritten(rcode: number): boolean {
  return !(
    rcode === Rcode.SERVFAIL ||
    rcode === Rcode.REFUSED ||
    rcode === Rcode.FORMERR ||
    rcode === Rcode.NOTIMP
  );
}

/** An error a handler throws when it wants a specific rcode (default SERVFAIL) reported. */
export class HandlerError extends Error {
  override readonly name = 'HandlerError';
  constructor(
    /** the plugin that failed, for the `errors` plugin's log line */
    readonly plugin: string,
    message: string,
    readonly rcode: number = Rcode.SERVFAIL,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/**
 * Calls the next handler, or fails with SERVFAIL when there is none (CoreDNS's
 * plugin.NextOrFailure). Returns whatever next returns, so a synchronous chain stays
 * synchronous. While a PluginTracker watches the query (the prometheus plugin), next gets
 * a writer that names it, as CoreDNS's NextOrFailure does (see tracker.ts). While a
 * HopObserver watches the query (trace), it makes the call (see hop.ts).
 */
export function nextOrFailure(
  name: string,
  next: Handler | undefined,
  req: Request,
  w: ResponseWriter,
): number | Promise<number> {
  if (next !== undefined) {
    const hops = req.hops;
    const nw = trackedWriter(req, w, next.name);
    return hops === undefined ? next.serveDNS(req, nw) : hops.hop(next, req, nw);
  }
  throw new HandlerError(name, `plugin/${name}: no next plugin found`);
}
