import type { Request } from './request.js';

/**
 * One exchange between this server and an upstream server, made on behalf of a client's
 * query (dnstap's FORWARDER_QUERY and FORWARDER_RESPONSE, seen from this server).
 */
export interface ForwarderExchange {
  /** The client's query the exchange serves (a tap may read its metadata). */
  readonly req: Request;
  /** How the query went to the upstream: DNS over UDP, over TCP, or over TLS. */
  readonly protocol: 'udp' | 'tcp' | 'tls';
  /** The upstream's IP address (IPv4 or IPv6, without brackets or zone). */
  readonly upstreamAddress: string;
  readonly upstreamPort: number;
  /** The local end of the socket the query left from, when known. */
  readonly localAddress?: string;
  readonly localPort?: number;
  /** When the query was sent, as `performance.now()` read it. */
  readonly queryTime: number;
  /** The query's wire form as sent. Needed only by taps whose `full` is true. */
  readonly query?: Uint8Array;
  /**
   * When the reply arrived (`performance.now()`), and its wire form (needed only by taps
   * whose `full` is true). Both absent when the exchange failed: then only the query is
   * reported.
   */
  readonly responseTime?: number;
  readonly response?: Uint8Array;
}

/**
 * Implemented by handlers that record DNS messages (dnstap). A plugin that talks to
 * upstream servers (forward) finds the taps of its chain from a lifecycle hook,
 *
 *     c.onStartup(() => { taps = c.handlers().filter(isMessageTap); });
 *
 * and reports each exchange to every one of them after it ends. Reporting must be cheap
 * and never blocks: a tap that cannot keep up drops and counts.
 */
export interface MessageTap {
  /**
   * Whether this tap records wire messages (dnstap's `full`); when no tap of the chain
   * does, the reporter need not keep the bytes.
   */
  readonly full: boolean;
  /** Records a query sent upstream and, when one came, its reply. */
  tapForwarder(exchange: ForwarderExchange): void;
}

/** Generic so that `handlers().filter(isMessageTap)` is typed as taps. */
export function isMessageTap<T>(h: T): h is T & MessageTap {
  return typeof (h as Partial<MessageTap> | undefined)?.tapForwarder === 'function';
}
