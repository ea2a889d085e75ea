import { isIP } from 'node:net';
import type { ConnectionOptions } from 'node:tls';
import {
  CorefileError,
  DurationError,
  formatGoDuration,
  NameError,
  nameKey,
  parseGoDuration,
  parseName,
  Rcode,
  TlsArgsError,
  tlsOptionsFromArgs,
  zonesOf,
  type Dispenser,
} from '@tsdns/core';
import { parseUpstream, UpstreamAddressError, type UpstreamAddress } from './address.js';
import { DEFAULTS, type ForwardConfig } from './config.js';
import { POLICY_NAMES, type PolicyName } from './policy.js';

/** What parsing needs from the server block besides the tokens. */
export interface ParseContext {
  /** Base directory for relative `tls` file names (the block's `root`). */
  readonly root?: string;
  /** Receives warnings (a CIDR FROM that expands to several zones, odd resolv.conf lines). */
  readonly warn?: (message: string) => void;
}

const NANOS_PER_MS = 1e6;
const MAX_UINT32 = 0xffffffff;

/** miekg/dns's StringToRcode, which CoreDNS's `next` and `failover` read. */
const RCODES: ReadonlyMap<string, number> = new Map([
  ...Object.entries(Rcode).filter(([name]) => name !== 'DSOTYPENI'),
  // miekg/dns keeps its historical spelling too.
  ['NOTIMPL', Rcode.NOTIMP],
]);

/**
 * Reads every `forward` directive of a server block (CoreDNS's parseForward): one
 * configuration per occurrence, in Corefile order. Errors are CorefileErrors at the
 * offending token (file and line).
 */
export function parseForward(c: Dispenser, ctx: ParseContext = {}): ForwardConfig[] {
  const configs: ForwardConfig[] = [];
  while (c.next()) configs.push(parseStanza(c, ctx));
  return configs;
}

interface Draft {
  ignored: string[];
  forceTcp: boolean;
  preferUdp: boolean;
  expireMs: number;
  maxAgeMs: number;
  maxIdleConns: number;
  readTimeoutMs: number;
  maxFails: number;
  maxConnectAttempts: number | undefined;
  healthCheckIntervalMs: number;
  healthCheckRecursionDesired: boolean;
  healthCheckDomain: string;
  policy: PolicyName;
  tls: ConnectionOptions | undefined;
  tlsServerName: string | undefined;
  maxConcurrent: number;
  nextRcodes: number[];
  nextOnNodata: boolean;
  failfast: boolean;
  failoverRcodes: number[];
  sourceAddress: string | undefined;
}

function parseStanza(c: Dispenser, ctx: ParseContext): ForwardConfig {
  const file = c.file();
  const line = c.line();
  if (!c.nextArg()) throw c.argErr();
  const fromText = c.val();
  const zones = zonesOf(fromText);
  if (zones.length === 0) throw c.err(`unable to normalize '${fromText}'`);
  if (zones.length > 1) {
    ctx.warn?.(
      `Unsupported CIDR notation: '${fromText}' expands to multiple zones. Using only '${zones[0]}'.`,
    );
  }
  const to = c.remainingArgs();
  if (to.length === 0) throw c.argErr();
  if (to.length > DEFAULTS.maxUpstreams) {
    throw c.err(`more than ${DEFAULTS.maxUpstreams} TOs configured: ${to.length}`);
  }
  const upstreams = expandUpstreams(c, to, ctx);

  const d: Draft = {
    ignored: [],
    forceTcp: false,
    preferUdp: false,
    expireMs: DEFAULTS.expireMs,
    maxAgeMs: 0,
    maxIdleConns: 0,
    readTimeoutMs: DEFAULTS.readTimeoutMs,
    maxFails: DEFAULTS.maxFails,
    maxConnectAttempts: undefined,
    healthCheckIntervalMs: DEFAULTS.healthCheckIntervalMs,
    healthCheckRecursionDesired: true,
    healthCheckDomain: '.',
    policy: DEFAULTS.policy,
    tls: undefined,
    tlsServerName: undefined,
    maxConcurrent: 0,
    nextRcodes: [],
    nextOnNodata: false,
    failfast: false,
    failoverRcodes: [],
    sourceAddress: undefined,
  };
  while (c.nextBlock()) parseOption(c, d, ctx);

  const at = (message: string): CorefileError => new CorefileError(file, line, message);
  if (d.maxAgeMs > 0 && d.maxAgeMs < d.expireMs) {
    throw at(
      `max_age (${formatGoDuration(d.maxAgeMs * NANOS_PER_MS)}) must not be less than expire (${formatGoDuration(d.expireMs * NANOS_PER_MS)})`,
    );
  }
  if (d.tlsServerName !== undefined) {
    const named = upstreams.find((u) => u.serverName !== undefined);
    if (named !== undefined) {
      throw at(
        `both forward ('${d.tlsServerName}') and proxy level ('${named.serverName}') TLS servernames are set for upstream proxy 'tls://${named.addr}'`,
      );
    }
  }

  return {
    from: zones[0],
    ignored: d.ignored,
    upstreams,
    forceTcp: d.forceTcp,
    preferUdp: d.preferUdp,
    expireMs: d.expireMs,
    maxAgeMs: d.maxAgeMs,
    maxIdleConns: d.maxIdleConns,
    readTimeoutMs: d.readTimeoutMs,
    maxFails: d.maxFails,
    maxConnectAttempts: d.maxConnectAttempts,
    healthCheck: {
      intervalMs: d.healthCheckIntervalMs,
      recursionDesired: d.healthCheckRecursionDesired,
      domain: d.healthCheckDomain,
    },
    policy: d.policy,
    // Go's TLS client refuses anything older than TLS 1.2 by default; so does this one.
    tls: d.tls ?? { minVersion: 'TLSv1.2' },
    tlsServerName: d.tlsServerName,
    maxConcurrent: d.maxConcurrent,
    nextRcodes: d.nextRcodes,
    nextOnNodata: d.nextOnNodata,
    failfastAllUnhealthyUpstreams: d.failfast,
    failoverRcodes: d.failoverRcodes,
    sourceAddress: d.sourceAddress,
  };
}

/** Parses the TO arguments; the same address named twice (also via a file) is used once. */
function expandUpstreams(c: Dispenser, to: readonly string[], ctx: ParseContext): UpstreamAddress[] {
  const seen = new Set<string>();
  const upstreams: UpstreamAddress[] = [];
  for (const arg of to) {
    let parsed: UpstreamAddress[];
    try {
      parsed = parseUpstream(arg, (m) => ctx.warn?.(m));
    } catch (e) {
      if (e instanceof UpstreamAddressError) throw c.err(e.message);
      throw e;
    }
    for (const u of parsed) {
      if (seen.has(u.addr)) continue;
      seen.add(u.addr);
      upstreams.push(u);
    }
  }
  if (upstreams.length === 0) throw c.err('no valid upstream addresses found');
  return upstreams;
}

/** The option's single argument; anything else on its line is an error. */
function oneArg(c: Dispenser): string {
  if (!c.nextArg()) throw c.argErr();
  const v = c.val();
  if (c.nextArg()) throw c.argErr();
  return v;
}

function noArgs(c: Dispenser): void {
  if (c.nextArg()) throw c.argErr();
}

function unsigned(c: Dispenser, option: string, max: number): number {
  const text = oneArg(c);
  const n = /^[0-9]+$/.test(text) ? Number(text) : NaN;
  if (!(n <= max)) throw c.err(`${option}: '${text}' is not an integer between 0 and ${max}`);
  return n;
}

/** A Go duration in milliseconds; `allowZero` false demands a positive one. */
function duration(c: Dispenser, option: string, allowZero: boolean): number {
  const text = oneArg(c);
  let nanos: number;
  try {
    nanos = parseGoDuration(text);
  } catch (e) {
    if (e instanceof DurationError) throw c.err(`${option}: ${e.message}`);
    throw e;
  }
  if (nanos < 0) throw c.err(`${option} can't be negative: ${text}`);
  if (nanos === 0 && !allowZero) throw c.err(`${option} must be positive: ${text}`);
  return nanos / NANOS_PER_MS;
}

function rcodes(c: Dispenser, option: string): number[] {
  const args = c.remainingArgs();
  if (args.length === 0) throw c.argErr();
  return args.map((text) => {
    const rcode = RCODES.get(text.toUpperCase());
    if (rcode === undefined) throw c.err(`${option}: ${text} is not a valid rcode`);
    return rcode;
  });
}

function parseOption(c: Dispenser, d: Draft, ctx: ParseContext): void {
  const option = c.val();
  switch (option) {
    case 'except': {
      const names = c.remainingArgs();
      if (names.length === 0) throw c.argErr();
      for (const name of names) {
        const zones = zonesOf(name);
        if (zones.length === 0) throw c.err(`except: invalid domain name '${name}'`);
        d.ignored.push(...zones);
      }
      return;
    }
    case 'force_tcp':
      noArgs(c);
      d.forceTcp = true;
      return;
    case 'prefer_udp':
      noArgs(c);
      d.preferUdp = true;
      return;
    case 'expire':
      d.expireMs = duration(c, option, true);
      return;
    case 'max_age':
      d.maxAgeMs = duration(c, option, true);
      return;
    case 'max_idle_conns':
      d.maxIdleConns = unsigned(c, option, Number.MAX_SAFE_INTEGER);
      return;
    case 'read_timeout':
      d.readTimeoutMs = duration(c, option, false);
      return;
    case 'max_fails':
      d.maxFails = unsigned(c, option, MAX_UINT32);
      return;
    case 'max_connect_attempts':
      d.maxConnectAttempts = unsigned(c, option, MAX_UINT32);
      return;
    case 'health_check':
      parseHealthCheck(c, d);
      return;
    case 'policy': {
      const name = oneArg(c);
      if (!(POLICY_NAMES as readonly string[]).includes(name)) throw c.err(`unknown policy '${name}'`);
      d.policy = name as PolicyName;
      return;
    }
    case 'tls': {
      const args = c.remainingArgs();
      if (args.length > 3) throw c.argErr();
      try {
        d.tls = tlsOptionsFromArgs(args, ctx.root);
      } catch (e) {
        if (e instanceof TlsArgsError) throw c.err(e.message);
        throw e;
      }
      return;
    }
    case 'tls_servername':
      d.tlsServerName = oneArg(c);
      return;
    case 'max_concurrent':
      d.maxConcurrent = unsigned(c, option, Number.MAX_SAFE_INTEGER);
      return;
    case 'next':
      d.nextRcodes.push(...rcodes(c, option));
      return;
    case 'next_on_nodata':
      noArgs(c);
      d.nextOnNodata = true;
      return;
    case 'failfast_all_unhealthy_upstreams':
      noArgs(c);
      d.failfast = true;
      return;
    case 'failover':
      for (const rcode of rcodes(c, option)) {
        if (rcode === Rcode.NOERROR) throw c.err('NoError cannot be used in failover');
        d.failoverRcodes.push(rcode);
      }
      return;
    case 'source_address': {
      const ip = oneArg(c);
      if (isIP(ip) === 0) throw c.err(`invalid IP address: ${ip}`);
      d.sourceAddress = ip;
      return;
    }
    case 'doh_method':
      throw c.err('doh_method: DNS-over-HTTPS upstreams are not supported by this forward plugin');
    case 'resolver':
      throw c.err('resolver: upstreams given as host names are not supported by this forward plugin');
    default:
      throw c.err(`unknown property '${option}'`);
  }
}

/** `health_check DURATION [no_rec] [domain FQDN]` */
function parseHealthCheck(c: Dispenser, d: Draft): void {
  if (!c.nextArg()) throw c.argErr();
  let nanos: number;
  try {
    nanos = parseGoDuration(c.val());
  } catch (e) {
    if (e instanceof DurationError) throw c.err(`health_check: ${e.message}`);
    throw e;
  }
  if (nanos < 0) throw c.err(`health_check can't be negative: ${c.val()}`);
  d.healthCheckIntervalMs = nanos / NANOS_PER_MS;
  d.healthCheckDomain = '.';
  while (c.nextArg()) {
    const word = c.val();
    if (word === 'no_rec') {
      d.healthCheckRecursionDesired = false;
    } else if (word === 'domain') {
      if (!c.nextArg()) throw c.argErr();
      try {
        d.healthCheckDomain = nameKey(parseName(c.val()));
      } catch (e) {
        if (e instanceof NameError) throw c.err(`health_check: invalid domain name ${c.val()}`);
        throw e;
      }
    } else {
      throw c.err(`health_check: unknown option ${word}`);
    }
  }
}
