/**
 * Receives the outcome of one exchange with an upstream. Exactly one of the two methods is
 * called, and never synchronously from inside the call that started the exchange.
 */
export interface ExchangeWaiter {
  /**
   * The upstream's reply. For a pooled exchange its ID is the one the query was sent with;
   * a one-shot exchange (health checks) takes the first reply, whatever its ID.
   */
  answered(reply: Uint8Array): void;
  failed(err: Error): void;
}

/** Where an upstream is and how to reach it. */
export interface Endpoint {
  /** IP address (an IPv6 one may carry a %scope). */
  readonly host: string;
  readonly port: number;
  /** `host:port` for messages. */
  readonly addr: string;
  /** The local address to send from (`source_address`), if set. */
  readonly localAddress: string | undefined;
}

/** A DNS message must have at least its 12-byte header to be a reply to anything. */
export const HEADER_LENGTH = 12;

/** `ip:port`, `[ip6]:port`: Go's way of printing a socket address. */
export function formatSocketAddress(host: string | undefined, port: number | undefined): string {
  if (host === undefined || port === undefined) return '?';
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}
