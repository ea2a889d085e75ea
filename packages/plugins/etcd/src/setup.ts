import {
  DurationError,
  Fallthrough,
  parseFallthrough,
  TlsArgsError,
  parseGoDuration,
  tlsOptionsFromArgs,
  zonesOf,
  type Controller,
  type Dispenser,
  type TlsFileOptions,
} from '@tsdns/core';
import type { ClientConfig } from './client-options.js';
import { EndpointError, parseEndpoint, type Endpoint } from './endpoint.js';
import { DEFAULT_MAX_LEASE_TTL, DEFAULT_MIN_LEASE_TTL, type EtcdSettings } from './etcd.js';
import { normalizePrefix } from './path.js';

/** The path used when `path` is absent. */
export const DEFAULT_PATH = '/skydns';
/** The endpoint used when `endpoint` is absent (CoreDNS's defaultEndpoint). */
export const DEFAULT_ENDPOINT = 'http://localhost:2379';

export interface EtcdConfig extends EtcdSettings, ClientConfig {
  /** `path` as written (before normalising), for messages. */
  readonly path: string;
}

/** What parseEtcd needs of the Controller: its token walker, the block's zones and `root`. */
export type EtcdSetupContext = Dispenser &
  Pick<Controller, 'zones'> & { readonly config: Pick<Controller['config'], 'root'> };

export interface ParsedEtcd {
  readonly config: EtcdConfig;
  /** Things worth a warning in the log (options accepted but without effect). */
  readonly warnings: readonly string[];
}

/** CoreDNS's parseTTL: a plain number of seconds or a Go duration, within 0..2^32-1 seconds. */
export function parseLeaseTtl(text: string): number {
  const t = text.trim();
  if (t === '') return 0;
  let seconds: number;
  if (/^\d+$/.test(t)) seconds = Number(t);
  else {
    let ns: number;
    try {
      ns = parseGoDuration(t);
    } catch (e) {
      if (e instanceof DurationError) {
        throw new RangeError("invalid TTL format, use format like '30', '30s', '5m', '1h', or '2h30m'");
      }
      throw e;
    }
    seconds = ns / 1e9;
  }
  if (seconds < 0) throw new RangeError('TTL must be non-negative');
  if (seconds > 0xffffffff) throw new RangeError('TTL too large, maximum is 4294967295 seconds');
  return Math.floor(seconds);
}

/**
 * Reads the `etcd` directive (the book's chapter 5 syntax and current CoreDNS's):
 *
 *     etcd [ZONES...] {
 *         stubzones
 *         fallthrough [ZONES...]
 *         path PATH
 *         endpoint ENDPOINT...
 *         credentials USERNAME PASSWORD
 *         upstream [ADDRESS...]
 *         tls [CERT KEY] [CACERT]
 *         min-lease-ttl DURATION
 *         max-lease-ttl DURATION
 *     }
 *
 * `upstream` and `debug` are accepted and have no effect, as in current CoreDNS; `upstream`
 * is reported in `warnings`. `stubzones` is refused with a message that says what to use
 * instead. Throws the Controller's CorefileError, citing the line.
 */
export function parseEtcd(c: EtcdSetupContext): ParsedEtcd {
  if (!c.next()) throw c.argErr();
  const warnings: string[] = [];
  const args = c.remainingArgs();
  let zones: string[];
  if (args.length === 0) zones = [...c.zones];
  else {
    zones = [];
    for (const arg of args) {
      const z = zonesOf(arg);
      if (z.length === 0) throw c.err(`invalid zone '${arg}'`);
      zones.push(...z);
    }
  }
  let path = DEFAULT_PATH;
  let endpoints: Endpoint[] = [parseEndpoint(DEFAULT_ENDPOINT)];
  let fallthrough = Fallthrough.none;
  let tls: TlsFileOptions | undefined;
  let username = '';
  let password = '';
  let minLeaseTtl = DEFAULT_MIN_LEASE_TTL;
  let maxLeaseTtl = DEFAULT_MAX_LEASE_TTL;

  while (c.nextBlock()) {
    const option = c.val();
    switch (option) {
      case 'stubzones':
        // Refused rather than ignored: stub zones were removed in CoreDNS 1.4.0, and a user
        // who still writes it expects forwarding that nothing here would do.
        throw c.err(
          'stubzones is not supported (removed in CoreDNS 1.4.0): ' +
            'forward those domains with the forward plugin and fallthrough instead',
        );
      case 'debug':
        // Kept for old Corefiles: a no-op in CoreDNS too.
        break;
      case 'fallthrough': {
        fallthrough = parseFallthrough(c);
        break;
      }
      case 'path':
        if (!c.nextArg()) throw c.argErr();
        path = c.val();
        if (c.nextArg()) throw c.argErr();
        break;
      case 'endpoint': {
        const list = c.remainingArgs();
        if (list.length === 0) throw c.argErr();
        try {
          endpoints = list.map(parseEndpoint);
        } catch (e) {
          if (e instanceof EndpointError) throw c.err(e.message);
          throw e;
        }
        break;
      }
      case 'upstream':
        c.remainingArgs();
        warnings.push(
          'upstream is ignored: CNAME targets outside the zones are always resolved through this server',
        );
        break;
      case 'tls':
        try {
          tls = tlsOptionsFromArgs(c.remainingArgs(), c.config.root);
        } catch (e) {
          if (e instanceof TlsArgsError) throw c.err(e.message);
          throw e;
        }
        break;
      case 'credentials': {
        const creds = c.remainingArgs();
        if (creds.length === 0) throw c.argErr();
        if (creds.length !== 2) throw c.err('credentials requires 2 arguments, username and password');
        [username, password] = creds;
        break;
      }
      case 'min-lease-ttl':
      case 'max-lease-ttl': {
        if (!c.nextArg()) throw c.argErr();
        let ttl: number;
        try {
          ttl = parseLeaseTtl(c.val());
        } catch (e) {
          throw c.err(`invalid ${option} value: ${(e as Error).message}`);
        }
        if (c.nextArg()) throw c.argErr();
        if (option === 'min-lease-ttl') minLeaseTtl = ttl;
        else maxLeaseTtl = ttl;
        break;
      }
      default:
        throw c.err(`unknown property '${option}'`);
    }
  }
  return {
    config: {
      zones,
      path,
      prefix: normalizePrefix(path),
      fallthrough,
      endpoints,
      tls,
      username,
      password,
      minLeaseTtl,
      maxLeaseTtl,
    },
    warnings,
  };
}
