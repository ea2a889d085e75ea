import {
  decodeMessage,
  encodeMessage,
  Flag,
  getRcode,
  HandlerError,
  isSubdomain,
  nextOrFailure,
  Rcode,
  type Handler,
  type Message,
  type MessageTap,
  type Request,
  type ResponseWriter,
} from '@tsdns/core';
import { DEFAULTS, type ForwardConfig } from './config.js';
import { CachedConnectionClosedError, NoHealthyUpstreamError, UpstreamError } from './errors.js';
import type { ExchangeWaiter } from './exchange.js';
import { createPolicy, type Policy } from './policy.js';
import { ForwardStats } from './stats.js';
import { Upstream } from './upstream.js';

const PLUGIN = 'forward';

/**
 * The forward plugin's handler (CoreDNS's forward.Forward): queries for names in FROM
 * (and not in an `except` zone) go to the upstreams, others to the next plugin.
 *
 * Each forwarded query makes one Promise, settled by a ForwardCall that walks the
 * upstreams in the policy's order with callbacks from the sockets (no Promise per attempt).
 */
export class Forward implements Handler {
  readonly name = PLUGIN;
  readonly upstreams: readonly Upstream[];
  readonly stats = new ForwardStats();
  /** The handler after this one; set when the chain is built. */
  next: Handler | undefined;
  /** Whether to publish `forward/upstream` metadata: only when the chain has `metadata`. */
  publishMetadata = false;
  /** Forwarded queries not yet answered. */
  inflight = 0;
  /** The chain's dnstap taps (core's MessageTap), found at startup; each exchange is reported to them. */
  taps: readonly MessageTap[] = [];

  readonly from: string;
  readonly #ignored: readonly string[];
  readonly #policy: Policy;
  readonly #limitMessage: string;
  readonly #maxConnectAttempts: number;

  constructor(readonly config: ForwardConfig) {
    this.from = config.from;
    this.#ignored = config.ignored;
    const settings = {
      expireMs: config.expireMs,
      maxAgeMs: config.maxAgeMs,
      maxIdleConns: config.maxIdleConns,
      readTimeoutMs: config.readTimeoutMs,
      sourceAddress: config.sourceAddress,
      tls: config.tls,
      tlsServerName: config.tlsServerName,
      healthCheck: config.healthCheck,
      healthCheckOverTcp: config.forceTcp,
    };
    this.upstreams = config.upstreams.map((a) => new Upstream(a, settings));
    this.#policy = createPolicy(config.policy, this.upstreams.length);
    this.#limitMessage = `concurrent queries exceeded maximum ${config.maxConcurrent}`;
    this.#maxConnectAttempts =
      config.maxConnectAttempts ?? DEFAULTS.connectAttemptsPerUpstream * this.upstreams.length;
  }

  /** Upstreams not marked down right now. */
  get healthyUpstreams(): number {
    let n = 0;
    for (const u of this.upstreams) if (!u.isDown(this.config.maxFails)) n++;
    return n;
  }

  get maxConnectAttempts(): number {
    return this.#maxConnectAttempts;
  }

  /** Whether this forward handles `name` (lowercase): in FROM and not in an `except` zone. */
  handles(name: string): boolean {
    if (!isSubdomain(name, this.from)) return false;
    if (name === this.from) return true;
    const ignored = this.#ignored;
    for (let i = 0; i < ignored.length; i++) if (isSubdomain(name, ignored[i])) return false;
    return true;
  }

  serveDNS(req: Request, w: ResponseWriter): number | Promise<number> {
    if (!this.handles(req.name)) return nextOrFailure(PLUGIN, this.next, req, w);
    const max = this.config.maxConcurrent;
    if (max > 0 && this.inflight >= max) {
      this.stats.rejected();
      throw new HandlerError(PLUGIN, this.#limitMessage, Rcode.REFUSED);
    }
    let query: Uint8Array;
    try {
      query = encodeMessage(req.msg);
    } catch (e) {
      // CoreDNS's ErrInvalidRequest: a query that cannot be packed is a format error.
      const reason = e instanceof Error ? e.message : String(e);
      throw new HandlerError(PLUGIN, `proxy: invalid request: ${reason}`, Rcode.FORMERR, { cause: e });
    }
    this.inflight++;
    const call = new ForwardCall(this, req, w, query, this.#policy.order());
    return new Promise<number>((resolve, reject) => call.begin(resolve, reject));
  }

  /** Stops health checks and closes idle connections; queries in flight finish. */
  stop(): void {
    for (const u of this.upstreams) u.stop();
  }
}

/**
 * One forwarded query: CoreDNS's ServeDNS loop as a small state machine. It tries upstreams
 * in policy order, skipping those marked down; when every one is down it picks one at
 * random (or fails, with failfast_all_unhealthy_upstreams). A failed exchange starts
 * health checks of that upstream and moves on, until the query's 5 s budget or its
 * exchange limit is spent.
 */
class ForwardCall implements ExchangeWaiter {
  #resolve!: (rcode: number) => void;
  #reject!: (e: unknown) => void;
  #i = 0;
  /** Upstreams found down in the current pass over the list. */
  #downSeen = 0;
  #attempts = 0;
  #failovers = 0;
  #upstream: Upstream | undefined;
  #proto: 'udp' | 'tcp';
  #sentAt = 0;
  #lastError: Error | undefined;
  readonly #deadline: number;

  constructor(
    readonly f: Forward,
    readonly req: Request,
    readonly w: ResponseWriter,
    /** The query's wire form; each exchange writes its own ID into it. */
    readonly query: Uint8Array,
    readonly order: readonly number[],
  ) {
    const c = f.config;
    // CoreDNS's choice: force_tcp wins over prefer_udp; otherwise the client's transport
    // (TLS, HTTPS and gRPC clients count as TCP).
    this.#proto = c.forceTcp ? 'tcp' : c.preferUdp ? 'udp' : req.transport === 'udp' ? 'udp' : 'tcp';
    this.#deadline = performance.now() + DEFAULTS.queryBudgetMs;
  }

  begin(resolve: (rcode: number) => void, reject: (e: unknown) => void): void {
    this.#resolve = resolve;
    this.#reject = reject;
    if (this.f.publishMetadata) this.req.setMetadata('forward/upstream', () => this.#upstream?.addr);
    this.#step();
  }

  /** Picks the next upstream and sends the query to it, or gives up. */
  #step(): void {
    const f = this.f;
    const ups = f.upstreams;
    const n = ups.length;
    const maxFails = f.config.maxFails;
    const maxAttempts = f.maxConnectAttempts;
    while (true) {
      if (performance.now() >= this.#deadline || (maxAttempts > 0 && this.#attempts >= maxAttempts)) {
        this.#fail();
        return;
      }
      if (this.#i >= n) {
        this.#i = 0;
        this.#downSeen = 0;
      }
      let u = ups[this.order[this.#i++]];
      if (u.isDown(maxFails)) {
        this.#downSeen++;
        if (this.#downSeen < n) continue;
        // Everything is down: the health checks themselves are suspect.
        f.stats.broken();
        if (f.config.failfastAllUnhealthyUpstreams) {
          this.#lastError ??= new NoHealthyUpstreamError();
          this.#fail();
          return;
        }
        u = ups[Math.floor(Math.random() * n)];
      }
      this.#send(u);
      return;
    }
  }

  #send(u: Upstream): void {
    this.#upstream = u;
    this.#sentAt = performance.now();
    u.exchange(this.query, this.#proto, this, Math.max(this.#deadline - this.#sentAt, 1));
  }

  failed(err: Error): void {
    const u = this.#upstream as Upstream;
    if (err instanceof CachedConnectionClosedError) {
      // The pooled connection was dead already; a fresh one is dialled.
      this.#send(u);
      return;
    }
    if (this.f.taps.length > 0) this.#tap(u, undefined);
    this.#lastError = err;
    const f = this.f;
    if (f.config.maxFails !== 0) u.healthcheck();
    const maxAttempts = f.maxConnectAttempts;
    if (maxAttempts > 0 && ++this.#attempts >= maxAttempts) {
      this.#fail();
      return;
    }
    if (this.#downSeen < f.upstreams.length) this.#step();
    else this.#fail();
  }

  answered(bytes: Uint8Array): void {
    const u = this.#upstream as Upstream;
    let reply: Message;
    try {
      reply = decodeMessage(bytes);
    } catch (e) {
      this.failed(
        new UpstreamError(`bad reply from ${u.addr}: ${e instanceof Error ? e.message : String(e)}`, {
          cause: e,
        }),
      );
      return;
    }
    const f = this.f;
    const c = f.config;
    const rcode = getRcode(reply);
    u.stats.observeResponse(rcode, (performance.now() - this.#sentAt) / 1000);

    // prefer_udp: a truncated UDP answer is asked again over TCP (without prefer_udp a UDP
    // client gets the truncated answer and retries over TCP itself, as with CoreDNS).
    if ((reply.flags & Flag.TC) !== 0 && this.#proto === 'udp' && c.preferUdp && !c.forceTcp) {
      this.#proto = 'tcp';
      this.#send(u);
      return;
    }
    if (f.taps.length > 0) this.#tap(u, bytes);

    const req = this.req;
    if (!req.matches(reply)) {
      // An answer to another question: the client gets FORMERR, as from CoreDNS.
      this.#write(req.reply(Rcode.FORMERR));
      return;
    }

    if (
      c.failoverRcodes.length > 0 &&
      c.failoverRcodes.includes(rcode) &&
      ++this.#failovers < f.upstreams.length
    ) {
      this.#step();
      return;
    }

    const next = f.next;
    if (next instanceof Forward) {
      if (
        c.nextRcodes.includes(rcode) ||
        (c.nextOnNodata && rcode === Rcode.NOERROR && reply.answers.length === 0)
      ) {
        this.#passOn(next);
        return;
      }
    }

    reply.id = req.id;
    this.#write(reply);
  }

  /**
   * Reports the exchange with `u` to the taps (CoreDNS's toDnstap): once per upstream
   * tried, after its cached-connection and truncation retries, with the reply if one came.
   */
  #tap(u: Upstream, reply: Uint8Array | undefined): void {
    const exchange = {
      req: this.req,
      protocol: u.address.protocol === 'tls' ? ('tls' as const) : this.#proto,
      upstreamAddress: u.address.host,
      upstreamPort: u.address.port,
      localAddress: this.f.config.sourceAddress,
      queryTime: this.#sentAt,
      query: this.query,
      responseTime: reply === undefined ? undefined : performance.now(),
      response: reply,
    };
    for (const t of this.f.taps) t.tapForwarder(exchange);
  }

  #write(msg: Message): void {
    this.f.inflight--;
    try {
      this.w.write(msg);
    } catch (e) {
      this.#reject(e);
      return;
    }
    this.#resolve(Rcode.NOERROR);
  }

  #passOn(next: Handler): void {
    this.f.inflight--;
    let result: number | Promise<number>;
    try {
      result = next.serveDNS(this.req, this.w);
    } catch (e) {
      this.#reject(e);
      return;
    }
    if (typeof result === 'number') this.#resolve(result);
    else result.then(this.#resolve, this.#reject);
  }

  #fail(): void {
    this.f.inflight--;
    const err = this.#lastError ?? new NoHealthyUpstreamError();
    this.#reject(new HandlerError(PLUGIN, err.message, Rcode.SERVFAIL, { cause: err }));
  }
}
