import type { ConnectionOptions } from 'node:tls';
import type { UpstreamAddress } from './address.js';
import type { Endpoint, ExchangeWaiter } from './exchange.js';
import { HealthProbe, type HealthCheckSettings } from './health.js';
import { UpstreamStats } from './stats.js';
import { StreamPool } from './stream.js';
import { UdpPool } from './udp.js';

/** What every upstream of one `forward` shares. */
export interface UpstreamSettings {
  readonly expireMs: number;
  readonly maxAgeMs: number;
  readonly maxIdleConns: number;
  /** How long to wait for an answer once a query is sent (`read_timeout`, default 2 s). */
  readonly readTimeoutMs: number;
  /** Source address of every socket (`source_address`). */
  readonly sourceAddress: string | undefined;
  /** TLS client settings for `tls://` upstreams, without the server name. */
  readonly tls: ConnectionOptions | undefined;
  /** Server name for every `tls://` upstream (`tls_servername`). */
  readonly tlsServerName: string | undefined;
  readonly healthCheck: HealthCheckSettings;
  /** Health checks of plain-DNS upstreams go over TCP (`force_tcp`). */
  readonly healthCheckOverTcp: boolean;
}

/** CoreDNS's health check client waits 1 s for an answer and 2 s for a connection. */
const HEALTH_READ_TIMEOUT_MS = 1000;
const HEALTH_DIAL_TIMEOUT_MS = 2000;

/**
 * One upstream server (CoreDNS's proxy.Proxy): its sockets, its health, its counters.
 * A `dns` upstream speaks UDP or TCP as each query asks; a `tls` upstream always DoT.
 */
export class Upstream {
  readonly stats: UpstreamStats;
  /** Consecutive failed health checks. */
  fails = 0;
  readonly #udp: UdpPool | undefined;
  readonly #stream: StreamPool;
  readonly #health: HealthProbe;
  readonly #readTimeoutMs: number;
  readonly #checkOverUdp: boolean;

  constructor(
    readonly address: UpstreamAddress,
    settings: UpstreamSettings,
  ) {
    const endpoint: Endpoint = {
      host: address.host,
      port: address.port,
      addr: address.addr,
      localAddress: settings.sourceAddress,
    };
    this.stats = new UpstreamStats(address.addr);
    this.#readTimeoutMs = settings.readTimeoutMs;
    const poolSettings = {
      expireMs: settings.expireMs,
      maxAgeMs: settings.maxAgeMs,
      maxIdle: settings.maxIdleConns,
    };
    if (address.protocol === 'tls') {
      const servername = settings.tlsServerName ?? address.serverName;
      const tls: ConnectionOptions = { ...settings.tls };
      if (servername !== undefined) tls.servername = servername;
      this.#stream = new StreamPool(endpoint, 'tls', { ...poolSettings, tls }, this.stats);
      this.#checkOverUdp = false;
    } else {
      this.#udp = new UdpPool(endpoint, this.stats, settings.expireMs, settings.maxAgeMs);
      this.#stream = new StreamPool(endpoint, 'tcp', poolSettings, this.stats);
      this.#checkOverUdp = !settings.healthCheckOverTcp;
    }
    this.#health = new HealthProbe(this, settings.healthCheck);
  }

  /** `host:port`, CoreDNS's name for the upstream. */
  get addr(): string {
    return this.address.addr;
  }

  /** Down when more health checks failed in a row than max_fails allows; never with max_fails 0. */
  isDown(maxFails: number): boolean {
    return maxFails !== 0 && this.fails > maxFails;
  }

  /** Whether a round of health checks is running. */
  get checking(): boolean {
    return this.#health.active;
  }

  /** Idle TCP/TLS connections kept for reuse. */
  get idleConnections(): number {
    return this.#stream.idleCount;
  }

  /**
   * Sends a query (its ID is overwritten) over `proto`, or over TLS for a tls:// upstream.
   * `dialBudgetMs` bounds the time to open a connection.
   */
  exchange(query: Uint8Array, proto: 'udp' | 'tcp', waiter: ExchangeWaiter, dialBudgetMs: number): void {
    this.stats.requests++;
    if (proto === 'udp' && this.#udp !== undefined) this.#udp.exchange(query, waiter, this.#readTimeoutMs);
    else this.#stream.exchange(query, waiter, this.#readTimeoutMs, dialBudgetMs);
  }

  /** Starts health checking after a failed exchange (a no-op while checks already run). */
  healthcheck(): void {
    this.#health.kick();
  }

  /** One health check exchange, on a socket of its own. */
  probe(query: Uint8Array, waiter: ExchangeWaiter): void {
    if (this.#checkOverUdp && this.#udp !== undefined)
      this.#udp.oneShot(query, waiter, HEALTH_READ_TIMEOUT_MS);
    else this.#stream.oneShot(query, waiter, HEALTH_READ_TIMEOUT_MS, HEALTH_DIAL_TIMEOUT_MS);
  }

  /** Stops health checks and closes idle sockets; exchanges in flight finish. */
  stop(): void {
    this.#health.stop();
    this.#udp?.stop();
    this.#stream.stop();
  }
}
