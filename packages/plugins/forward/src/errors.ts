/**
 * Why an exchange with an upstream failed. Messages follow the Go errors CoreDNS logs
 * through the `errors` plugin ("read udp 127.0.0.1:40001->127.0.0.1:53: i/o timeout"), so
 * log searches and alerts written for CoreDNS keep matching.
 */
export class UpstreamError extends Error {
  override readonly name: string = 'UpstreamError';
}

/** No answer within the read timeout (or no connection within the dial timeout). */
export class UpstreamTimeoutError extends UpstreamError {
  override readonly name = 'UpstreamTimeoutError';
}

/**
 * A pooled connection turned out to be closed by the upstream before it answered: the
 * query is sent again on a fresh connection, as CoreDNS does.
 */
export class CachedConnectionClosedError extends UpstreamError {
  override readonly name = 'CachedConnectionClosedError';
  constructor() {
    super('cached connection was closed by peer');
  }
}

/** Every upstream is down and `failfast_all_unhealthy_upstreams` is set. */
export class NoHealthyUpstreamError extends UpstreamError {
  override readonly name = 'NoHealthyUpstreamError';
  constructor() {
    super('no healthy proxies');
  }
}

/** Go's text for a socket error code, for messages in CoreDNS's wording. */
export function socketErrorText(err: unknown): string {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  switch (code) {
    case 'ECONNREFUSED':
      return 'connection refused';
    case 'ECONNRESET':
      return 'connection reset by peer';
    case 'EPIPE':
      return 'broken pipe';
    case 'EHOSTUNREACH':
      return 'no route to host';
    case 'ENETUNREACH':
      return 'network is unreachable';
    default:
      return err instanceof Error ? err.message : String(err);
  }
}
