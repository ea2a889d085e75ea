import { Agent, get, type IncomingMessage, type ServerResponse } from 'node:http';
import {
  formatGoDuration,
  httpEndpoints,
  parseHttpAddress,
  pluginLogger,
  type HttpEndpoints,
} from '@tsdns/core';
import { healthDuration, healthFailures } from './metrics.js';

const log = pluginLogger('health');

/** The health path; CoreDNS fixes it too. */
export const HEALTH_PATH = '/health';
/** How often the process probes its own endpoint (CoreDNS: every second). */
export const PROBE_INTERVAL_MS = 1000;
/** A probe slower than this is worth a warning, as in CoreDNS. */
const SLOW_PROBE_MS = 1000;
/** CoreDNS's client timeout for the probe. */
const PROBE_TIMEOUT_MS = 3000;

/** Always healthy while the process runs: 200 and "OK". */
function answer(_req: IncomingMessage, res: ServerResponse): void {
  res.writeHead(200, { 'Content-Type': 'text/plain; charset=utf-8' });
  res.end('OK');
}

/**
 * The /health endpoint of one server instance on one address (shared by the instance's
 * blocks that name it), and the probe that measures how fast the process answers it:
 * coredns_health_request_duration_seconds, a load signal, since answering is all local.
 */
export class HealthEndpoint {
  /** The longest lameduck any of the instance's blocks asks for on this address. */
  lameduckMs = 0;
  #timer: NodeJS.Timeout | undefined;
  #agent: Agent | undefined;
  #probing = false;
  #attached = false;

  constructor(
    readonly address: string,
    private readonly endpoints: HttpEndpoints = httpEndpoints,
  ) {}

  async start(): Promise<void> {
    await this.endpoints.attach(this.address, HEALTH_PATH, this, answer);
    this.#attached = true;
    this.#agent = new Agent({ keepAlive: true, maxSockets: 1 });
    this.#timer = setInterval(() => void this.probe(), PROBE_INTERVAL_MS);
    this.#timer.unref();
  }

  /** Stops probing and lets go of the endpoint (the listener closes if nothing else uses it). */
  async stop(): Promise<void> {
    if (this.#timer !== undefined) clearInterval(this.#timer);
    this.#timer = undefined;
    this.#agent?.destroy();
    this.#agent = undefined;
    if (!this.#attached) return;
    this.#attached = false;
    await this.endpoints.detach(this.address, HEALTH_PATH, this);
  }

  /**
   * CoreDNS's lameduck: the process was asked to stop, and keeps answering /health (and
   * DNS) for the lameduck duration first, so a load balancer has time to stop sending
   * it queries.
   */
  async lameduck(): Promise<void> {
    if (this.lameduckMs <= 0 || !this.#attached) return;
    log.info(`Going into lameduck mode for ${formatGoDuration(this.lameduckMs * 1e6)}`);
    await new Promise((resolve) => setTimeout(resolve, this.lameduckMs));
  }

  /** The URL the probe asks: the endpoint's host, "localhost" for every address. */
  url(): string {
    const { host } = parseHttpAddress(this.address);
    const port = this.endpoints.boundAddress(this.address)?.port ?? parseHttpAddress(this.address).port;
    const h = host === '' ? 'localhost' : host.includes(':') ? `[${host}]` : host;
    return `http://${h}:${port}${HEALTH_PATH}`;
  }

  /** One probe: its duration is observed, a failure counted and logged. Skipped while one runs. */
  async probe(): Promise<void> {
    if (this.#probing || this.#agent === undefined) return;
    this.#probing = true;
    const url = this.url();
    const start = performance.now();
    try {
      await fetchOnce(url, this.#agent);
      const ms = performance.now() - start;
      healthDuration.observe(ms / 1000);
      if (ms > SLOW_PROBE_MS)
        log.warning(
          `Local health request to ${JSON.stringify(url)} took more than 1s: ${formatGoDuration(ms * 1e6)}`,
        );
    } catch (e) {
      if (this.#agent === undefined) return; // stopped meanwhile: not a failure of the process
      healthDuration.observe((performance.now() - start) / 1000);
      healthFailures.inc();
      log.warning(
        `Local health request to ${JSON.stringify(url)} failed: ${e instanceof Error ? e.message : String(e)}`,
      );
    } finally {
      this.#probing = false;
    }
  }
}

/** GET `url` and read the whole answer; rejects on a network error, a timeout or a non-200 status. */
function fetchOnce(url: string, agent: Agent): Promise<void> {
  return new Promise((resolve, reject) => {
    const req = get(url, { agent, timeout: PROBE_TIMEOUT_MS }, (res) => {
      res.resume();
      res.on('end', () =>
        res.statusCode === 200 ? resolve() : reject(new Error(`status ${res.statusCode}`)),
      );
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error(`no answer within ${PROBE_TIMEOUT_MS / 1000}s`)));
    req.on('error', reject);
  });
}
