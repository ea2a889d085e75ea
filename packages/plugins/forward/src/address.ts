import { isIP } from 'node:net';
import { readResolvConf } from './resolv-conf.js';

/** How an upstream is spoken to: plain DNS (UDP or TCP) or DNS over TLS (RFC 7858). */
export type UpstreamProtocol = 'dns' | 'tls';

/** One upstream server, parsed from a TO argument of `forward`. */
export interface UpstreamAddress {
  readonly protocol: UpstreamProtocol;
  /** An IP address without brackets; an IPv6 address may keep its `%scope`. */
  readonly host: string;
  readonly port: number;
  /**
   * `host:port` (`[host]:port` for IPv6) without the protocol, as CoreDNS names an upstream
   * in logs, metadata and the `to` label of its metrics.
   */
  readonly addr: string;
  /** TLS server name given with the address (`tls://IP%NAME`), if any. */
  readonly serverName?: string;
}

/** A TO argument that cannot be used; the message is meant for the operator. */
export class UpstreamAddressError extends Error {
  override readonly name = 'UpstreamAddressError';
}

const DNS_PORT = 53;
const TLS_PORT = 853;

/** Protocols that exist for CoreDNS upstreams but that tsdns's forward cannot speak. */
const UNSUPPORTED_PROTOCOLS: ReadonlyMap<string, string> = new Map([
  ['https', 'DNS-over-HTTPS upstreams (https://) are not supported by this forward plugin yet'],
  ['https3', "'https3' is not supported as a destination protocol in forward"],
  ['quic', "'quic' is not supported as a destination protocol in forward"],
  ['grpc', "'grpc' is not supported as a destination protocol in forward"],
  ['unix', "'unix' is not supported as a destination protocol in forward"],
]);

/** `host:port`, with brackets around an IPv6 host, as Go's net.JoinHostPort writes it. */
export function joinHostPort(host: string, port: number): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}

/** The host without an IPv6 `%scope`, for the IP check. */
function withoutScope(host: string): string {
  const percent = host.lastIndexOf('%');
  return percent < 0 ? host : host.slice(0, percent);
}

function parsePort(text: string, arg: string): number {
  if (!/^[0-9]{1,5}$/.test(text))
    throw new UpstreamAddressError(`invalid port in upstream address: "${arg}"`);
  const port = Number(text);
  if (port < 1 || port > 65535) throw new UpstreamAddressError(`invalid port in upstream address: "${arg}"`);
  return port;
}

/**
 * Splits `host`, `host:port`, `[v6]`, `[v6]:port` or a bare IPv6 address. `port` is
 * undefined when none is written. Text of another shape comes back whole as the host.
 */
function splitHostPort(text: string): { host: string; port: string | undefined } {
  if (text.startsWith('[')) {
    const close = text.indexOf(']');
    if (close >= 0 && (close === text.length - 1 || text[close + 1] === ':')) {
      const port = close === text.length - 1 ? undefined : text.slice(close + 2);
      return { host: text.slice(1, close), port };
    }
    return { host: text, port: undefined };
  }
  const colon = text.indexOf(':');
  if (colon >= 0 && colon === text.lastIndexOf(':'))
    return { host: text.slice(0, colon), port: text.slice(colon + 1) };
  return { host: text, port: undefined };
}

/**
 * Splits the TLS server name off `tls://IP%NAME[:PORT]` (and `tls://[IPv6%NAME]:PORT`), as
 * CoreDNS does. Only for TLS: in a plain DNS address `%` is an IPv6 scope.
 */
function splitServerName(text: string): { rest: string; serverName: string | undefined } {
  const percent = text.lastIndexOf('%');
  if (percent < 0) return { rest: text, serverName: undefined };
  let rest = text.slice(0, percent);
  let name = text.slice(percent + 1);
  if (rest.startsWith('[')) {
    // `[v6%NAME]:port`: the bracket closes after the name.
    const close = name.indexOf(']');
    if (close < 0) return { rest: text, serverName: undefined };
    rest += ']' + name.slice(close + 1);
    name = name.slice(0, close);
  } else {
    const colon = name.lastIndexOf(':');
    if (colon >= 0) {
      rest += name.slice(colon);
      name = name.slice(0, colon);
    }
  }
  return { rest, serverName: name === '' ? undefined : name };
}

/**
 * Turns one TO argument into upstreams, with CoreDNS's rules:
 *  - `IP`, `IP:PORT`, `[IPv6]:PORT`, optionally prefixed by `dns://` (port 53) or `tls://`
 *    (port 853); `tls://IP%NAME` also sets the TLS server name for that upstream;
 *  - anything else is read as a resolv.conf file whose `nameserver` addresses become plain
 *    DNS upstreams on port 53; a file without usable nameservers yields none.
 * `warn` receives a message for each nameserver line that is not an IP address (skipped).
 * Throws UpstreamAddressError.
 */
export function parseUpstream(arg: string, warn: (message: string) => void = () => {}): UpstreamAddress[] {
  let protocol: UpstreamProtocol = 'dns';
  let rest = arg;
  const scheme = arg.indexOf('://');
  if (scheme >= 0) {
    const name = arg.slice(0, scheme).toLowerCase();
    const unsupported = UNSUPPORTED_PROTOCOLS.get(name);
    if (unsupported !== undefined) throw new UpstreamAddressError(`${unsupported}: ${arg}`);
    if (name === 'dns' || name === 'tls') {
      protocol = name;
      rest = arg.slice(scheme + 3);
    }
  }
  if (rest === '') throw new UpstreamAddressError(`invalid address: "${arg}"`);

  let serverName: string | undefined;
  if (protocol === 'tls') ({ rest, serverName } = splitServerName(rest));
  const { host, port } = splitHostPort(rest);
  if (isIP(withoutScope(host)) !== 0) {
    const p = port === undefined ? (protocol === 'tls' ? TLS_PORT : DNS_PORT) : parsePort(port, arg);
    const upstream: UpstreamAddress = { protocol, host, port: p, addr: joinHostPort(host, p) };
    return serverName === undefined ? [upstream] : [{ ...upstream, serverName }];
  }
  return fromResolvConf(rest, arg, warn);
}

function fromResolvConf(path: string, arg: string, warn: (message: string) => void): UpstreamAddress[] {
  let servers;
  try {
    servers = readResolvConf(path);
  } catch (e) {
    const reason = (e as NodeJS.ErrnoException).code ?? (e instanceof Error ? e.message : String(e));
    throw new UpstreamAddressError(`not an IP address or file: "${arg}" (${reason})`);
  }
  const upstreams: UpstreamAddress[] = [];
  for (const s of servers) {
    // As CoreDNS does, a scope is dropped and the port is always 53.
    const host = withoutScope(s.address);
    if (isIP(host) === 0) {
      warn(`${path}:${s.line}: nameserver "${s.address}" is not an IP address, skipped`);
      continue;
    }
    upstreams.push({ protocol: 'dns', host, port: DNS_PORT, addr: joinHostPort(host, DNS_PORT) });
  }
  return upstreams;
}
