import { DurationError, parseGoDuration, zonesOf, type Dispenser } from '@tsdns/core';
import { MAXIMUM_DEFAULT_TTL, MINIMAL_DEFAULT_TTL } from './ttl.js';

/** Limits for one of the two caches (`success` or `denial`). */
export interface CacheTypeConfig {
  /** CAPACITY as configured; the cache holds effectiveCapacity(capacity) entries. */
  readonly capacity: number;
  /** Seconds: the longest a response is cached. */
  readonly maxTtl: number;
  /** Seconds: the shortest a response is cached (shorter TTLs are raised to it). */
  readonly minTtl: number;
}

export interface PrefetchConfig {
  /** Queries needed to make an item popular; 0 turns prefetch off. */
  readonly amount: number;
  /** The longest gap between those queries, in ms. */
  readonly windowMs: number;
  /** Refresh once the remaining TTL is at most this percentage of the original. */
  readonly percentage: number;
}

export interface ServeStaleConfig {
  /** Seconds an expired entry may still be served; 0 means serve_stale is off. */
  readonly maxStaleSeconds: number;
  /** `verify`: ask upstream before serving stale; `immediate` (false): serve, then refresh. */
  readonly verify: boolean;
  /** verify only: how long to wait for upstream before serving stale, ms; 0 waits for it. */
  readonly verifyTimeoutMs: number;
  /** The TTL of stale answers, seconds (RFC 8767 recommends 30; CoreDNS's default is 0). */
  readonly responseTtl: number;
  /** After a failed refresh, how long to serve stale without trying again, ms; 0 always retries. */
  readonly failureRecheckMs: number;
}

/** Everything `cache` reads from a server block. */
export interface CacheConfig {
  /** The zones cached (lowercase, absolute); queries for other names pass through. */
  readonly zones: readonly string[];
  readonly success: CacheTypeConfig;
  readonly denial: CacheTypeConfig;
  /** Seconds a SERVFAIL (or NOTIMP) response is cached; 0 never caches them. */
  readonly servfailTtl: number;
  readonly prefetch: PrefetchConfig;
  readonly serveStale: ServeStaleConfig;
  /** `serve_stale_policy prefer_positive`. */
  readonly preferPositive: boolean;
  /** Zones for which positive / negative answers are not cached (`disable`). */
  readonly disabledSuccess: readonly string[];
  readonly disabledDenial: readonly string[];
  /** `keepttl`: serve the original TTL instead of the remaining one. */
  readonly keepTtl: boolean;
}

/** CoreDNS's default CAPACITY for each cache (it holds 9984 entries, see store.ts). */
export const DEFAULT_CAPACITY = 10_000;
/** RFC 2181 section 8: TTLs are at most 2^31 - 1 seconds. */
export const MAX_TTL = 2 ** 31 - 1;
/** RFC 2308 section 7.1 and CoreDNS: a server failure is not cached for longer than 5 minutes. */
export const MAX_SERVFAIL_SECONDS = 300;
/** RFC 8767 section 5 and CoreDNS: the failure recheck should not exceed 5 minutes. */
export const MAX_FAILURE_RECHECK_MS = 300_000;

const NS_PER_MS = 1e6;
const NS_PER_SECOND = 1e9;

export function defaultCacheConfig(zones: readonly string[]): CacheConfig {
  return {
    zones,
    success: { capacity: DEFAULT_CAPACITY, maxTtl: MAXIMUM_DEFAULT_TTL, minTtl: MINIMAL_DEFAULT_TTL },
    denial: { capacity: DEFAULT_CAPACITY, maxTtl: MAXIMUM_DEFAULT_TTL / 2, minTtl: MINIMAL_DEFAULT_TTL },
    servfailTtl: MINIMAL_DEFAULT_TTL,
    prefetch: { amount: 0, windowMs: 60_000, percentage: 10 },
    serveStale: {
      maxStaleSeconds: 0,
      verify: false,
      verifyTimeoutMs: 0,
      responseTtl: 0,
      failureRecheckMs: 0,
    },
    preferPositive: false,
    disabledSuccess: [],
    disabledDenial: [],
    keepTtl: false,
  };
}

const INTEGER = /^[+-]?\d+$/;

/** An integer as Go's strconv.Atoi reads it, or undefined. */
function parseInteger(text: string): number | undefined {
  if (!INTEGER.test(text)) return undefined;
  const n = Number(text);
  return Number.isSafeInteger(n) ? n : undefined;
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/**
 * Reads the `cache` directive (CoreDNS's cacheParse; the book's example 3-26):
 *
 *     cache [TTL] [ZONES...] {
 *         success CAPACITY [TTL] [MINTTL]
 *         denial CAPACITY [TTL] [MINTTL]
 *         prefetch AMOUNT [[DURATION] [PERCENTAGE%]]
 *         serve_stale [DURATION] [immediate [RESPONSE_TTL [FAILURE_RECHECK]] | verify [VERIFY_TIMEOUT [RESPONSE_TTL [FAILURE_RECHECK]]]]
 *         serve_stale_policy prefer_positive
 *         servfail DURATION
 *         disable success|denial [ZONES...]
 *         keepttl
 *     }
 *
 * `serverZones` are the zones of the server block's keys, used when no ZONES are given.
 * Every error is a CorefileError at the offending line.
 */
export function parseCache(c: Dispenser, serverZones: readonly string[]): CacheConfig {
  let config: CacheConfig | undefined;
  while (c.next()) {
    if (config !== undefined) throw c.err('this plugin can only be used once per Server Block');
    config = parseOne(c, serverZones);
  }
  return config ?? defaultCacheConfig(serverZones);
}

function parseOne(c: Dispenser, serverZones: readonly string[]): CacheConfig {
  const cfg = defaultCacheConfig(serverZones) as Mutable<CacheConfig>;
  const success = { ...cfg.success };
  const denial = { ...cfg.denial };
  const prefetch = { ...cfg.prefetch };
  let serveStale: Mutable<ServeStaleConfig> = { ...cfg.serveStale };
  let serveStaleSeen = false;
  let policySeen = false;
  const disabledSuccess: string[] = [];
  const disabledDenial: string[] = [];

  const args = c.remainingArgs();
  if (args.length > 0) {
    const ttl = parseInteger(args[0]);
    if (ttl !== undefined) {
      checkTtl(c, ttl, 'cache TTL');
      success.maxTtl = ttl;
      denial.maxTtl = ttl;
      args.shift();
    }
  }
  cfg.zones = args.length === 0 ? serverZones : zonesFrom(c, args);

  while (c.nextBlock()) {
    const property = c.val();
    switch (property) {
      case 'success':
      case 'denial':
        parseTypeLimits(c, property, property === 'success' ? success : denial);
        break;
      case 'prefetch':
        parsePrefetch(c, prefetch);
        break;
      case 'serve_stale':
        serveStale = parseServeStale(c);
        serveStaleSeen = true;
        break;
      case 'serve_stale_policy': {
        if (policySeen) throw c.err('serve_stale_policy can only be specified once');
        policySeen = true;
        const policy = c.remainingArgs();
        if (policy.length !== 1) throw c.argErr();
        if (policy[0].toLowerCase() !== 'prefer_positive')
          throw c.err(`invalid serve_stale_policy: ${policy[0]}`);
        cfg.preferPositive = true;
        break;
      }
      case 'servfail': {
        const t = c.remainingArgs();
        if (t.length !== 1) throw c.argErr();
        const ns = duration(c, t[0], 'servfail');
        if (ns < 0) throw c.err('invalid negative ttl for servfail');
        if (ns > MAX_SERVFAIL_SECONDS * NS_PER_SECOND)
          throw c.err('caching SERVFAIL responses over 5 minutes is not permitted');
        // Whole seconds, as a TTL: under a second means the failure is not cached.
        cfg.servfailTtl = Math.floor(ns / NS_PER_SECOND);
        break;
      }
      case 'disable': {
        const t = c.remainingArgs();
        if (t.length < 1) throw c.argErr();
        const which = t[0];
        if (which !== 'success' && which !== 'denial')
          throw c.err('cache type for disable must be "success" or "denial"');
        const zones = t.length > 1 ? zonesFrom(c, t.slice(1)) : ['.'];
        (which === 'success' ? disabledSuccess : disabledDenial).push(...zones);
        break;
      }
      case 'keepttl':
        if (c.remainingArgs().length !== 0) throw c.argErr();
        cfg.keepTtl = true;
        break;
      default:
        throw c.err(`unknown property '${property}'`);
    }
  }
  if (policySeen && !serveStaleSeen) throw c.err('serve_stale_policy requires serve_stale');

  cfg.success = success;
  cfg.denial = denial;
  cfg.prefetch = prefetch;
  cfg.serveStale = serveStale;
  cfg.disabledSuccess = disabledSuccess;
  cfg.disabledDenial = disabledDenial;
  return cfg;
}

function zonesFrom(c: Dispenser, args: readonly string[]): string[] {
  const zones: string[] = [];
  for (const arg of args) {
    const z = zonesOf(arg);
    if (z.length === 0) throw c.err(`invalid zone '${arg}'`);
    zones.push(...z);
  }
  return zones;
}

function checkTtl(c: Dispenser, ttl: number, what: string): void {
  // CoreDNS reserves 0 and below.
  if (ttl <= 0) throw c.err(`${what} can not be zero or negative: ${ttl}`);
  if (ttl > MAX_TTL) throw c.err(`${what} can not exceed ${MAX_TTL}: ${ttl}`);
}

function integer(c: Dispenser, text: string, what: string): number {
  const n = parseInteger(text);
  if (n === undefined) throw c.err(`${what} must be an integer, not '${text}'`);
  return n;
}

function duration(c: Dispenser, text: string, what: string): number {
  try {
    return parseGoDuration(text);
  } catch (e) {
    if (e instanceof DurationError) throw c.err(`${what}: ${e.message}`);
    throw e;
  }
}

/** `success|denial CAPACITY [TTL] [MINTTL]`. */
function parseTypeLimits(c: Dispenser, which: string, limits: Mutable<CacheTypeConfig>): void {
  const args = c.remainingArgs();
  if (args.length === 0 || args.length > 3) throw c.argErr();
  const capacity = integer(c, args[0], `${which} capacity`);
  if (capacity < 0) throw c.err(`${which} capacity can not be negative: ${capacity}`);
  limits.capacity = capacity;
  if (args.length > 1) {
    const ttl = integer(c, args[1], `${which} TTL`);
    checkTtl(c, ttl, 'cache TTL');
    limits.maxTtl = ttl;
  }
  if (args.length > 2) {
    const minTtl = integer(c, args[2], `${which} MINTTL`);
    if (minTtl < 0) throw c.err(`cache min TTL can not be negative: ${minTtl}`);
    if (minTtl > MAX_TTL) throw c.err(`cache min TTL can not exceed ${MAX_TTL}: ${minTtl}`);
    limits.minTtl = minTtl;
  }
}

/** Reads `N%` with N in [10, 90]. */
function percentage(c: Dispenser, text: string): number {
  if (!text.endsWith('%')) {
    throw c.err(`last character of percentage should be \`%\`, but is: '${text.slice(-1)}'`);
  }
  const n = integer(c, text.slice(0, -1), 'prefetch percentage');
  if (n < 10 || n > 90) throw c.err(`percentage should fall in range [10, 90]: ${n}`);
  return n;
}

/**
 * `prefetch AMOUNT [[DURATION] [PERCENTAGE%]]`. As the brackets promise, the percentage
 * may also follow AMOUNT directly (CoreDNS insists on a DURATION before it).
 */
function parsePrefetch(c: Dispenser, prefetch: Mutable<PrefetchConfig>): void {
  const args = c.remainingArgs();
  if (args.length === 0 || args.length > 3) throw c.argErr();
  const amount = integer(c, args[0], 'prefetch amount');
  if (amount < 0) throw c.err(`prefetch amount should be positive: ${amount}`);
  prefetch.amount = amount;
  let rest = args.slice(1);
  if (rest.length === 1 && rest[0].endsWith('%')) rest = ['', rest[0]];
  if (rest.length > 0 && rest[0] !== '') {
    const ns = duration(c, rest[0], 'prefetch duration');
    if (ns < 0) throw c.err('prefetch duration can not be negative');
    prefetch.windowMs = ns / NS_PER_MS;
  }
  if (rest.length > 1) prefetch.percentage = percentage(c, rest[1]);
}

/**
 * `serve_stale [DURATION] [immediate [RESPONSE_TTL [FAILURE_RECHECK]] |
 *  verify [VERIFY_TIMEOUT [RESPONSE_TTL [FAILURE_RECHECK]]]]`; each occurrence starts from
 * the defaults (1h, immediate, TTL 0, no recheck).
 */
function parseServeStale(c: Dispenser): ServeStaleConfig {
  const args = c.remainingArgs();
  if (args.length > 5) throw c.argErr();
  let maxStaleNs = 3600 * NS_PER_SECOND;
  if (args.length > 0) {
    maxStaleNs = duration(c, args[0], 'serve_stale');
    if (maxStaleNs < 0) throw c.err('invalid negative duration for serve_stale');
  }
  let verify = false;
  if (args.length > 1) {
    const mode = args[1].toLowerCase();
    if (mode !== 'immediate' && mode !== 'verify')
      throw c.err(`invalid value for serve_stale refresh mode: ${mode}`);
    verify = mode === 'verify';
  }
  let verifyTimeoutMs = 0;
  let responseTtl = 0;
  let failureRecheckMs = 0;
  let next = 2;
  if (verify && args.length > 2) {
    const ns = duration(c, args[2], 'invalid serve_stale verify timeout');
    if (ns < 0) throw c.err('invalid negative timeout for serve_stale verify');
    verifyTimeoutMs = ns / NS_PER_MS;
    next = 3;
  } else if (!verify && args.length > 4) {
    throw c.argErr();
  }
  if (args.length > next) responseTtl = staleResponseTtl(c, args[next]);
  if (args.length > next + 1) failureRecheckMs = staleRecheck(c, args[next + 1]);
  return {
    // Whole seconds, compared with whole-second TTLs as CoreDNS does.
    maxStaleSeconds: Math.floor(maxStaleNs / NS_PER_SECOND),
    verify,
    verifyTimeoutMs,
    responseTtl,
    failureRecheckMs,
  };
}

function staleResponseTtl(c: Dispenser, text: string): number {
  const ns = duration(c, text, 'invalid serve_stale response TTL');
  if (ns < 0) throw c.err('invalid negative response TTL for serve_stale');
  if (ns % NS_PER_SECOND !== 0) throw c.err('serve_stale response TTL must be a whole number of seconds');
  const seconds = ns / NS_PER_SECOND;
  if (seconds > 0xffffffff) throw c.err('serve_stale response TTL exceeds the DNS TTL range');
  return seconds;
}

function staleRecheck(c: Dispenser, text: string): number {
  const ns = duration(c, text, 'invalid serve_stale failure recheck');
  if (ns < 0) throw c.err('invalid negative failure recheck for serve_stale');
  if (ns / NS_PER_MS > MAX_FAILURE_RECHECK_MS)
    throw c.err('serve_stale failure recheck cannot exceed 5 minutes');
  return ns / NS_PER_MS;
}
