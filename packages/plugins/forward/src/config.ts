import type { ConnectionOptions } from 'node:tls';
import type { UpstreamAddress } from './address.js';
import type { HealthCheckSettings } from './health.js';
import type { PolicyName } from './policy.js';

/** One `forward` directive, parsed and checked. */
export interface ForwardConfig {
  /** FROM, normalised: queries in this zone are forwarded. */
  readonly from: string;
  /** `except`: zones below FROM that are not forwarded. */
  readonly ignored: readonly string[];
  /** TO, expanded (resolv.conf files read) and without duplicates, in configured order. */
  readonly upstreams: readonly UpstreamAddress[];
  readonly forceTcp: boolean;
  readonly preferUdp: boolean;
  readonly expireMs: number;
  readonly maxAgeMs: number;
  readonly maxIdleConns: number;
  readonly readTimeoutMs: number;
  readonly maxFails: number;
  /** Upper bound of exchanges per query; 0: none; undefined: twice the number of upstreams. */
  readonly maxConnectAttempts: number | undefined;
  readonly healthCheck: HealthCheckSettings;
  readonly policy: PolicyName;
  /** TLS client settings from the `tls` option (undefined: system roots, no client certificate). */
  readonly tls: ConnectionOptions | undefined;
  readonly tlsServerName: string | undefined;
  /** 0: unlimited. */
  readonly maxConcurrent: number;
  /** Rcodes that send the query on to the next forward (`next`). */
  readonly nextRcodes: readonly number[];
  readonly nextOnNodata: boolean;
  readonly failfastAllUnhealthyUpstreams: boolean;
  /** Rcodes after which the next upstream is tried (`failover`). */
  readonly failoverRcodes: readonly number[];
  readonly sourceAddress: string | undefined;
}

/** CoreDNS's defaults. */
export const DEFAULTS = {
  expireMs: 10_000,
  readTimeoutMs: 2000,
  maxFails: 2,
  healthCheckIntervalMs: 500,
  policy: 'random' as PolicyName,
  /** Most upstreams one forward may name. */
  maxUpstreams: 15,
  /** A query gives up on its upstreams after this long in all. */
  queryBudgetMs: 5000,
  /** Default exchanges per query, per upstream: two passes over the list. */
  connectAttemptsPerUpstream: 2,
} as const;
