import type { Etcd3 } from 'etcd3';
import type { Logger } from '@tsdns/core';
import type { CopySource } from './etcd.js';
import { LeaseTtls } from './leases.js';
import { EtcdMirror, coveringRanges, type KeyRange } from './mirror.js';
import { keyOfName, prefixEnd } from './path.js';
import type { EtcdConfig } from './setup.js';
import { KeyStore } from './store.js';

/**
 * How long startup waits for the first copy of the zones (as CoreDNS's kubernetes plugin
 * waits for its first sync). Past it the server starts anyway and answers SERVFAIL for the
 * zones until etcd can be read.
 */
export const STARTUP_WAIT_MS = 5_000;

/** The key ranges holding the zones' names: each zone's key and everything below it. */
export function zoneRanges(zones: readonly string[], prefix: string): KeyRange[] {
  return coveringRanges(
    zones.map((zone) => {
      // A wildcard label in the zone itself makes lookups read from above it.
      const { key } = keyOfName(zone, prefix);
      return { start: key, end: prefixEnd(key) };
    }),
  );
}

type ClientModule = typeof import('./client.js');

const noLeases = new LeaseTtls(() => Promise.resolve(0));

/**
 * One etcd client and copy for a server block: made at startup, closed at shutdown. Before
 * startup (and after shutdown) it is an empty copy that is not live.
 */
export class EtcdConnection implements CopySource {
  #client: Etcd3 | undefined;
  #mirror: EtcdMirror | undefined;
  /** Set while start() imports client.ts; close() clears it to cancel that start. */
  #loading: Promise<ClientModule> | undefined;
  readonly #empty = new KeyStore();

  constructor(
    readonly config: EtcdConfig,
    private readonly logger: Logger,
  ) {}

  get mirror(): EtcdMirror | undefined {
    return this.#mirror;
  }

  get live(): boolean {
    return this.#mirror?.live ?? false;
  }

  get synced(): boolean {
    return this.#mirror?.synced ?? false;
  }

  get store(): KeyStore {
    return this.#mirror?.store ?? this.#empty;
  }

  get leases(): Pick<LeaseTtls, 'remaining'> {
    return this.#mirror?.leases ?? noLeases;
  }

  get lastError(): string {
    return this.#mirror?.lastError ?? 'not started';
  }

  /** Connects and starts copying; waits up to STARTUP_WAIT_MS for the first copy. */
  async start(waitMs = STARTUP_WAIT_MS): Promise<void> {
    if (this.#mirror !== undefined || this.#loading !== undefined) return;
    // Imported here, not at the top, so that only a Corefile using etcd loads etcd3 and
    // gRPC (see client.ts).
    const loading = import('./client.js');
    this.#loading = loading;
    const { createClient } = await loading.catch((e: unknown) => {
      if (this.#loading === loading) this.#loading = undefined;
      throw e;
    });
    // close() ran while it loaded: stay closed.
    if (this.#loading !== loading) return;
    this.#loading = undefined;
    const client = createClient(this.config);
    this.#client = client;
    const mirror = new EtcdMirror({
      client,
      ranges: zoneRanges(this.config.zones, this.config.prefix),
      prefix: this.config.prefix,
      logger: this.logger,
    });
    this.#mirror = mirror;
    mirror.start();
    if (!(await mirror.waitLive(waitMs))) {
      this.logger.warning(
        `starting without a copy of etcd (${this.config.endpoints.map((e) => e.text).join(' ')}): ${mirror.lastError}`,
      );
    }
  }

  async close(): Promise<void> {
    const mirror = this.#mirror;
    const client = this.#client;
    this.#loading = undefined;
    this.#mirror = undefined;
    this.#client = undefined;
    await mirror?.close();
    client?.close();
  }
}
