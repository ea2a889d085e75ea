import { createSocket, type Socket as UdpSocket, type SocketOptions } from 'node:dgram';
import { createServer, isIPv6, type Server as TcpServer, type Socket } from 'node:net';
import { dispatch } from './dispatch.js';
import { InflightTracker } from './inflight.js';
import type { Router } from './router.js';
import { TcpConnection, type TcpConnectionLimits, type TcpHost } from './tcp.js';
import { UdpWriter } from './udp.js';
import type { ListenerInfo } from './types.js';

/** Where a dns:// listener binds: a host ('' for every address) and the Corefile's port. */
export interface ListenAddress {
  readonly host: string;
  readonly port: string;
}

/** The identity of a listener across reloads: same key, same sockets. */
export function listenerKey(a: ListenAddress): string {
  return `dns://${formatHostPort(a.host, a.port)}`;
}

/** `host:port`, IPv6 in brackets, the wildcard as an empty host (Go's net.JoinHostPort). */
export function formatHostPort(host: string, port: string | number): string {
  return isIPv6(host) ? `[${host}]:${port}` : `${host}:${port}`;
}

/** A socket could not be bound. */
export class ListenError extends Error {
  override readonly name = 'ListenError';
  constructor(
    readonly transport: 'udp' | 'tcp',
    readonly address: string,
    /** the system error code, e.g. EADDRINUSE */
    readonly code: string | undefined,
    detail: string,
  ) {
    super(`listen ${transport} ${address}: ${detail}`);
  }
}

export interface ListenerOptions extends TcpConnectionLimits {
  readonly maxConnections: number;
}

/** Attempts at finding a port free for both UDP and TCP when the Corefile asks for port 0. */
const PORT_ZERO_ATTEMPTS = 20;
/** How long closing connections get to flush before they are cut. */
const CONNECTION_FLUSH_MS = 1000;

/**
 * A dns:// listener: a UDP socket and a TCP server on the same address and port, shared by
 * every server block that listens there. It outlives instances: a reload hands it to the
 * new instance by swapping `router`, so no socket is closed and no query is lost.
 */
export class DnsListener implements TcpHost {
  readonly inflight = new InflightTracker();
  /** False until the instance that bound it starts serving, and once it is closing. */
  accepting = false;
  readonly #connections = new Set<TcpConnection>();

  private constructor(
    readonly address: ListenAddress,
    public router: Router,
    readonly udp: UdpSocket,
    readonly tcp: TcpServer,
    /** The address actually bound ("::" or "0.0.0.0" for the wildcard). */
    readonly localAddress: string,
    readonly localPort: number,
    private readonly options: ListenerOptions,
  ) {
    udp.on('message', (buf, rinfo) => {
      if (!this.accepting) return;
      dispatch(
        this.router,
        this.inflight,
        buf,
        new UdpWriter(udp, rinfo.address, rinfo.port, localAddress, localPort),
      );
    });
    // Send errors (an unreachable client, a full buffer) concern one answer, never the listener.
    udp.on('error', () => {});
    tcp.maxConnections = options.maxConnections;
    tcp.on('connection', (socket: Socket) => {
      if (!this.accepting) {
        socket.destroy();
        return;
      }
      this.#connections.add(new TcpConnection(this, socket, this.options));
    });
    tcp.on('error', () => {});
  }

  get key(): string {
    return listenerKey(this.address);
  }

  /** `dns://:53`, `dns://127.0.0.1:1053`: how CoreDNS names a server in its messages. */
  get name(): string {
    return `dns://${formatHostPort(this.address.host, this.localPort)}`;
  }

  get connectionCount(): number {
    return this.#connections.size;
  }

  connectionClosed(conn: TcpConnection): void {
    this.#connections.delete(conn);
  }

  /**
   * Binds UDP and TCP on the same port. For port 0 the UDP socket picks the port and TCP
   * takes the same one, retrying with a new port when TCP finds it taken. The wildcard
   * host binds "::" (both families) and falls back to "0.0.0.0" without IPv6.
   */
  static async bind(address: ListenAddress, router: Router, options: ListenerOptions): Promise<DnsListener> {
    const requested = Number(address.port);
    const hosts = address.host === '' ? ['::', '0.0.0.0'] : [address.host];
    let lastError: unknown;
    for (const host of hosts) {
      for (let attempt = 0; attempt < (requested === 0 ? PORT_ZERO_ATTEMPTS : 1); attempt++) {
        let udp: UdpSocket;
        try {
          udp = await bindUdp(host, requested);
        } catch (e) {
          lastError = e;
          if (address.host === '' && isFamilyUnavailable(e)) break;
          throw e;
        }
        const port = udp.address().port;
        try {
          const tcp = await bindTcp(host, port);
          return new DnsListener(address, router, udp, tcp, host, port, options);
        } catch (e) {
          await closeUdp(udp);
          lastError = e;
          if (requested === 0 && e instanceof ListenError && e.code === 'EADDRINUSE') continue;
          throw e;
        }
      }
    }
    throw lastError;
  }

  /** What `ServerInstance.listeners` reports. */
  info(): ListenerInfo[] {
    const zones = this.router.sites.map((s) => s.config.zone).sort();
    const base = {
      scheme: 'dns',
      address: this.localAddress,
      port: this.localPort,
      configuredPort: this.address.port,
      zones,
    } as const;
    return [
      { ...base, transport: 'udp' },
      { ...base, transport: 'tcp' },
    ];
  }

  /**
   * Stops taking queries, lets in-flight ones finish (at most `graceMs`), then closes the
   * sockets and the open connections.
   */
  async close(graceMs: number): Promise<void> {
    this.accepting = false;
    const tcpClosed = new Promise<void>((resolve) => this.tcp.close(() => resolve()));
    await this.inflight.drained(graceMs);
    await closeUdp(this.udp);
    for (const conn of this.#connections) conn.socket.end();
    const flushed = await Promise.race([tcpClosed.then(() => true), delay(CONNECTION_FLUSH_MS, false)]);
    if (!flushed) {
      for (const conn of this.#connections) conn.socket.destroy();
      await tcpClosed;
    }
  }
}

function delay<T>(ms: number, value: T): Promise<T> {
  return new Promise((resolve) => setTimeout(resolve, ms, value).unref());
}

function isFamilyUnavailable(e: unknown): boolean {
  const code = e instanceof ListenError ? e.code : undefined;
  return code === 'EAFNOSUPPORT' || code === 'EADDRNOTAVAIL' || code === 'EPROTONOSUPPORT';
}

function systemErrorCode(e: unknown): string | undefined {
  const code = (e as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

function listenError(transport: 'udp' | 'tcp', host: string, port: number, e: unknown): ListenError {
  const code = systemErrorCode(e);
  const detail =
    code === 'EADDRINUSE'
      ? 'bind: address already in use'
      : code === 'EACCES'
        ? 'bind: permission denied'
        : e instanceof Error
          ? e.message
          : String(e);
  return new ListenError(transport, formatHostPort(host, port), code, detail);
}

const UDP_RECV_BUFFER = 4 * 1024 * 1024;

/**
 * The address "resolver" of the UDP sockets. Every address they see is an IP literal (a
 * listen host checked when the Corefile was read, or the source of a datagram), so it is
 * handed back at once. Node's default resolver would test each answer's address against a
 * regular expression and finish the send on the next tick.
 */
function literalAddress(family: 4 | 6): NonNullable<SocketOptions['lookup']> {
  return (address, _options, callback) => callback(null, address, family);
}

function bindUdp(host: string, port: number): Promise<UdpSocket> {
  return new Promise((resolve, reject) => {
    const v6 = isIPv6(host);
    const socket = createSocket({ type: v6 ? 'udp6' : 'udp4', lookup: literalAddress(v6 ? 6 : 4) });
    const onError = (e: Error): void => {
      socket.close();
      reject(listenError('udp', host, port, e));
    };
    socket.once('error', onError);
    socket.bind({ address: host, port, exclusive: true }, () => {
      socket.off('error', onError);
      // The default receive buffer (about 200 KiB) overflows when a burst of queries
      // arrives while the event loop is busy; the kernel caps this at net.core.rmem_max.
      try {
        socket.setRecvBufferSize(UDP_RECV_BUFFER);
      } catch {
        // keep the default where the kernel refuses
      }
      resolve(socket);
    });
  });
}

function bindTcp(host: string, port: number): Promise<TcpServer> {
  return new Promise((resolve, reject) => {
    const server = createServer({ noDelay: true });
    const onError = (e: Error): void => {
      server.close();
      reject(listenError('tcp', host, port, e));
    };
    server.once('error', onError);
    server.listen({ host, port, exclusive: true, ipv6Only: false }, () => {
      server.off('error', onError);
      resolve(server);
    });
  });
}

function closeUdp(socket: UdpSocket): Promise<void> {
  return new Promise((resolve) => {
    try {
      socket.close(() => resolve());
    } catch {
      resolve(); // already closed
    }
  });
}
