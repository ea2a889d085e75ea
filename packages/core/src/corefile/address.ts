import { CorefileError } from './errors.js';
import { looksLikeCidr, reverseZonesOf } from './reverse.js';

/** Transports a server block can listen with (CoreDNS's set; `unix://` is for upstreams only). */
export type ServerScheme = 'dns' | 'tls' | 'quic' | 'grpc' | 'https' | 'https3';

/** Port used when a key names none, per scheme (CoreDNS's values). */
export const DEFAULT_PORTS: Readonly<Record<ServerScheme, string>> = {
  dns: '53',
  tls: '853',
  quic: '853',
  grpc: '443',
  https: '443',
  https3: '443',
};

const SCHEMES = Object.keys(DEFAULT_PORTS) as ServerScheme[];
const DIGITS = /^\d+$/;

/** One zone a server block answers for, on one transport and port. */
export interface ServerAddress {
  readonly scheme: ServerScheme;
  /** lowercase, fully qualified */
  readonly zone: string;
  /** decimal port number as text */
  readonly port: string;
  /** the server block key it came from, as written (a CIDR key yields several addresses) */
  readonly key: string;
  /** position of that key */
  readonly file: string;
  readonly line: number;
}

interface SplitKey {
  scheme: ServerScheme;
  zones: string[];
  port: string | undefined;
}

/** Go's dns.IsFqdn: ends in a dot that is not escaped. */
function isFqdn(name: string): boolean {
  if (!name.endsWith('.')) return false;
  let backslashes = 0;
  for (let i = name.length - 2; i >= 0 && name[i] === '\\'; i--) backslashes++;
  return backslashes % 2 === 0;
}

/** Octets of one code point in UTF-8 (a lone surrogate becomes the 3-octet U+FFFD). */
function utf8Length(cp: number): number {
  return cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
}

/**
 * Checks presentation-format name syntax (what CoreDNS's dns.IsDomainName checks): labels
 * of 1 to 63 octets, `\DDD` and `\X` escapes each one octet, at most 255 octets on the
 * wire, and only the root may be a lone dot. Returns an error text or undefined.
 */
function domainNameProblem(name: string): string | undefined {
  if (name === '') return 'zone is not a valid domain name: ';
  if (name === '.') return undefined;
  let wire = 1;
  let label = 0;
  for (let i = 0; i < name.length; i++) {
    const ch = name[i];
    if (ch === '.') {
      if (label === 0) return `zone is not a valid domain name: ${name}`;
      wire += label + 1;
      label = 0;
      continue;
    }
    if (ch === '\\') {
      if (i + 1 >= name.length) return `zone is not a valid domain name: ${name}`;
      const ddd = name.slice(i + 1, i + 4);
      if (DIGITS.test(ddd) && ddd.length === 3) {
        if (Number(ddd) > 255) return `zone is not a valid domain name: ${name}`;
        i += 3;
        label++;
      } else {
        const cp = name.codePointAt(i + 1) as number;
        label += utf8Length(cp);
        i += cp > 0xffff ? 2 : 1;
      }
      if (label > 63) return `zone is not a valid domain name: ${name}`;
      continue;
    }
    // A colon is a misplaced port or IPv6 prefix and a brace a misplaced block (`. {}`
    // is the keys `.` and `{}`): legal octets, but never what a Corefile means.
    if (ch === ':' || ch === '{' || ch === '}') return `zone is not a valid domain name: ${name}`;
    const cp = name.codePointAt(i) as number;
    label += utf8Length(cp);
    if (cp > 0xffff) i++;
    if (label > 63) return `zone is not a valid domain name: ${name}`;
  }
  if (label > 0) wire += label + 1;
  if (wire > 255) return `zone is not a valid domain name: ${name}`;
  return undefined;
}

/** Splits `[scheme://]zone[:port]`, expanding a CIDR zone; an error text on failure. */
function splitKey(key: string): SplitKey | string {
  let scheme: ServerScheme = 'dns';
  let rest = key;
  const sep = key.indexOf('://');
  if (sep >= 0) {
    const prefix = key.slice(0, sep);
    if (!(SCHEMES as string[]).includes(prefix)) return `unknown scheme '${prefix}://' in '${key}'`;
    scheme = prefix as ServerScheme;
    rest = key.slice(sep + 3);
    if (rest.includes('://')) return `invalid server address '${key}'`;
  }

  // The port is whatever follows the last colon if it is a number; an IPv6 prefix keeps
  // its colons because its mask (`/n`) always comes after them.
  let port: string | undefined;
  const colon = rest.lastIndexOf(':');
  if (colon >= 0 && colon === rest.length - 1) return `expecting data after last colon: '${key}'`;
  if (colon >= 0) {
    const tail = rest.slice(colon + 1);
    if (DIGITS.test(tail)) {
      const n = Number(tail);
      if (n > 65535) return `invalid port '${tail}' in '${key}'`;
      port = String(n);
      rest = rest.slice(0, colon);
    } else if (!tail.includes('/')) {
      return `invalid port '${tail}' in '${key}'`;
    }
  }

  if (rest.length > 255) return `specified zone is too long: ${rest.length} > 255`;
  if (looksLikeCidr(rest)) {
    const zones = reverseZonesOf(rest);
    if (zones === undefined) return `invalid CIDR ${rest}`;
    return { scheme, zones, port };
  }
  const problem = domainNameProblem(rest);
  if (problem !== undefined) return problem;
  return { scheme, zones: [normalizeZone(rest)], port };
}

/** Lowercase and fully qualified, as CoreDNS's plugin.Name(...).Normalize(). */
export function normalizeZone(name: string): string {
  const lower = name.toLowerCase();
  return isFqdn(lower) ? lower : lower + '.';
}

/**
 * The addresses a server block key stands for: `[scheme://]zone[:port]`, where the zone
 * may be a CIDR prefix (one address per reverse zone, see reverse.ts). Without a port the
 * scheme's default is used; `defaultDnsPort` replaces 53 for `dns` (the server's
 * `-dns.port` flag), and an explicit port always wins.
 */
export function parseServerKey(
  key: string,
  where: { readonly file: string; readonly line: number },
  defaultDnsPort: string = DEFAULT_PORTS.dns,
): ServerAddress[] {
  const split = splitKey(key);
  if (typeof split === 'string') throw new CorefileError(where.file, where.line, split);
  const port = split.port ?? (split.scheme === 'dns' ? defaultDnsPort : DEFAULT_PORTS[split.scheme]);
  return split.zones.map((zone) => ({
    scheme: split.scheme,
    zone,
    port,
    key,
    file: where.file,
    line: where.line,
  }));
}

/**
 * The zones a plugin argument names, CoreDNS's Host(...).NormalizeExact(): scheme and
 * port are dropped, a CIDR expands to its reverse zones, the rest is normalised. Invalid
 * text yields an empty list, so plugins can report it in their own words.
 */
export function zonesOf(text: string): string[] {
  const split = splitKey(text);
  return typeof split === 'string' ? [] : split.zones;
}

/** CoreDNS's text for an address: `dns://example.org.:53`, plus ` on 127.0.0.1` when bound. */
export function formatServerAddress(
  a: Pick<ServerAddress, 'scheme' | 'zone' | 'port'>,
  listenHost = '',
): string {
  const s = `${a.scheme}://${a.zone}:${a.port}`;
  return listenHost === '' ? s : `${s} on ${listenHost}`;
}

/**
 * CoreDNS's check that no two server blocks serve the same zone on the same transport,
 * port and listen address. It runs once plugins have been set up, because `bind` (listen
 * addresses) and views (filtered blocks) decide what counts as the same: an address bound
 * to nothing overlaps every bound address of the same zone and port; a filtered block
 * (a view) may share a zone with an unfiltered one but still may not overlap a bound one.
 */
export class ZoneOverlapChecker {
  // registered by zone + port + transport + host, and the same without the host
  readonly #registered = new Map<string, { address: ServerAddress; host: string }>();
  readonly #unbound = new Map<string, { address: ServerAddress; host: string }>();

  /** Registers one address on one listen host ('' = all); throws a CorefileError on conflict. */
  register(address: ServerAddress, listenHost = '', filtered = false): void {
    const unboundKey = formatServerAddress(address);
    const key = formatServerAddress(address, listenHost);
    const fail = (detail: string): never => {
      throw new CorefileError(address.file, address.line, `cannot serve ${key} - ${detail}`);
    };
    if (this.#registered.has(key)) {
      if (filtered) return;
      fail('it is already defined');
    }
    const already = this.#unbound.get(unboundKey);
    if (already !== undefined) {
      if (listenHost === '') {
        fail(`zone overlap listener capacity with ${formatServerAddress(already.address, already.host)}`);
      }
      if (this.#registered.has(unboundKey)) fail(`zone overlap listener capacity with ${unboundKey}`);
    }
    if (filtered) return;
    const entry = { address, host: listenHost };
    this.#registered.set(key, entry);
    this.#unbound.set(unboundKey, entry);
  }
}
