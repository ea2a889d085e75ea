/**
 * Remaining lifetimes of the etcd leases that watched keys are attached to, for record TTLs
 * (CoreDNS asks etcd for a key's lease TTL on every query). Queries read them synchronously:
 * a lease's expiry is estimated from the last answer etcd gave, and refreshed in the
 * background when a query finds that answer older than REFRESH_MS (a keep-alive may have
 * pushed the expiry out since). When a lease expires, etcd deletes its keys and the watch
 * removes them, so an estimate never outlives its records by more than the watch delay.
 */

/** How old a lease's remaining TTL may be before a query asks etcd again. */
export const REFRESH_MS = 1_000;

/** Asks etcd for a lease's remaining TTL in seconds (-1 or 0 when it is gone). */
export type LeaseTtlFetcher = (id: string) => Promise<number>;

interface LeaseInfo {
  refs: number;
  /** When the lease expires, in ms since the epoch; 0 while unknown. */
  expiresAt: number;
  checkedAt: number;
  inflight: boolean;
}

export class LeaseTtls {
  readonly #leases = new Map<string, LeaseInfo>();
  #closed = false;

  constructor(
    private readonly fetch: LeaseTtlFetcher,
    private readonly now: () => number = Date.now,
  ) {}

  /** A key attached to lease `id` arrived: start tracking the lease. */
  retain(id: string): void {
    if (id === '0') return;
    const info = this.#leases.get(id);
    if (info !== undefined) {
      info.refs++;
      return;
    }
    const fresh: LeaseInfo = { refs: 1, expiresAt: 0, checkedAt: 0, inflight: false };
    this.#leases.set(id, fresh);
    this.#refresh(id, fresh);
  }

  /** A key attached to lease `id` went away. */
  release(id: string): void {
    if (id === '0') return;
    const info = this.#leases.get(id);
    if (info !== undefined && --info.refs <= 0) this.#leases.delete(id);
  }

  /** Forgets every lease (the copy is being rebuilt). */
  clear(): void {
    this.#leases.clear();
  }

  /** Stops refreshing: answers that arrive later are dropped. */
  close(): void {
    this.#closed = true;
    this.#leases.clear();
  }

  get size(): number {
    return this.#leases.size;
  }

  /**
   * The seconds left on lease `id` as last learned (0 when unknown or expired, like a failed
   * TimeToLive in CoreDNS). Synchronous; may start a background refresh.
   */
  remaining(id: string): number {
    const info = this.#leases.get(id);
    if (info === undefined) return 0;
    const now = this.now();
    if (now - info.checkedAt >= REFRESH_MS) this.#refresh(id, info);
    if (info.expiresAt <= now) return 0;
    return Math.ceil((info.expiresAt - now) / 1000);
  }

  #refresh(id: string, info: LeaseInfo): void {
    if (info.inflight || this.#closed) return;
    info.inflight = true;
    const asked = this.now();
    this.fetch(id).then(
      (ttl) => {
        info.inflight = false;
        info.checkedAt = asked;
        info.expiresAt = ttl > 0 ? asked + ttl * 1000 : 0;
      },
      () => {
        // Unknown until the next try; the record falls back to its own TTL meanwhile.
        info.inflight = false;
        info.checkedAt = asked;
        info.expiresAt = 0;
      },
    );
  }
}
