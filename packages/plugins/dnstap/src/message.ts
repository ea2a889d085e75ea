import { addressBytes, type ForwarderExchange, type Request, type Transport } from '@tsdns/core';
import { MessageType, SocketFamily, SocketProtocol, type DnstapMessage } from './proto.js';

/**
 * dnstap's protocol for a transport. Every stream transport is its own value in the schema
 * (CoreDNS reports them all as TCP; the schema has had DOT and DOH since 2020, so consumers
 * know them); gRPC has none, and runs over TCP.
 */
export function socketProtocol(t: Transport | 'tls'): number {
  switch (t) {
    case 'udp':
      return SocketProtocol.UDP;
    case 'tls':
      return SocketProtocol.DOT;
    case 'https':
      return SocketProtocol.DOH;
    default:
      return SocketProtocol.TCP;
  }
}

/** Seconds and nanoseconds since the epoch of a `performance.now()` reading. */
export function wallClock(perfNow: number): [number, number] {
  const ms = performance.timeOrigin + perfNow;
  const sec = Math.floor(ms / 1000);
  const nsec = Math.min(999_999_999, Math.round((ms - sec * 1000) * 1e6));
  return [sec, nsec];
}

/** An address as dnstap stores it: 4 octets for IPv4 (IPv4-mapped IPv6 included), else 16. */
function addressField(ip: string): Uint8Array | undefined {
  return addressBytes(ip);
}

function familyOf(b: Uint8Array): number {
  return b.length === 4 ? SocketFamily.INET : SocketFamily.INET6;
}

/**
 * CLIENT_QUERY: from the client's address and port, at `time`; the query's wire form when
 * the tap is `full`.
 */
export function clientQuery(req: Request, time: number, wire: Uint8Array | undefined): DnstapMessage {
  const address = addressField(req.ip);
  const [sec, nsec] = wallClock(time);
  return {
    type: MessageType.CLIENT_QUERY,
    socketFamily: address === undefined ? undefined : familyOf(address),
    socketProtocol: socketProtocol(req.transport),
    queryAddress: address,
    queryPort: req.port,
    queryTimeSec: sec,
    queryTimeNsec: nsec,
    queryMessage: wire,
  };
}

/** CLIENT_RESPONSE: the query's time and the response's, to the client's address and port. */
export function clientResponse(
  req: Request,
  queryTime: number,
  responseTime: number,
  wire: Uint8Array | undefined,
): DnstapMessage {
  const address = addressField(req.ip);
  const [qsec, qnsec] = wallClock(queryTime);
  const [rsec, rnsec] = wallClock(responseTime);
  return {
    type: MessageType.CLIENT_RESPONSE,
    socketFamily: address === undefined ? undefined : familyOf(address),
    socketProtocol: socketProtocol(req.transport),
    queryAddress: address,
    queryPort: req.port,
    queryTimeSec: qsec,
    queryTimeNsec: qnsec,
    responseTimeSec: rsec,
    responseTimeNsec: rnsec,
    responseMessage: wire,
  };
}

/**
 * FORWARDER_QUERY, and FORWARDER_RESPONSE when a reply came: seen from this server, which
 * is the initiator (query address: its socket's local end, when known) and the upstream the
 * responder. `full` says whether the wire forms go in.
 */
export function forwarderMessages(x: ForwarderExchange, full: boolean): DnstapMessage[] {
  const upstream = addressField(x.upstreamAddress);
  const local = x.localAddress === undefined ? undefined : addressField(x.localAddress);
  // One socket, one family: the upstream's decides, and a local address of the other family
  // (a wildcard bind reported as "::") is left out rather than contradict it.
  const family = upstream === undefined ? undefined : familyOf(upstream);
  const queryAddress =
    local !== undefined && upstream !== undefined && local.length === upstream.length ? local : undefined;
  const protocol = socketProtocol(x.protocol);
  const [qsec, qnsec] = wallClock(x.queryTime);
  const query: DnstapMessage = {
    type: MessageType.FORWARDER_QUERY,
    socketFamily: family,
    socketProtocol: protocol,
    queryAddress,
    responseAddress: upstream,
    queryPort: queryAddress === undefined ? undefined : x.localPort,
    responsePort: x.upstreamPort,
    queryTimeSec: qsec,
    queryTimeNsec: qnsec,
    queryMessage: full ? x.query : undefined,
  };
  if (x.responseTime === undefined) return [query];
  const [rsec, rnsec] = wallClock(x.responseTime);
  const response: DnstapMessage = {
    type: MessageType.FORWARDER_RESPONSE,
    socketFamily: family,
    socketProtocol: protocol,
    queryAddress,
    responseAddress: upstream,
    queryPort: query.queryPort,
    responsePort: x.upstreamPort,
    queryTimeSec: qsec,
    queryTimeNsec: qnsec,
    responseTimeSec: rsec,
    responseTimeNsec: rnsec,
    responseMessage: full ? x.response : undefined,
  };
  return [query, response];
}
