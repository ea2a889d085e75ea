import { parseIPv4, parseIPv6 } from '../wire/ip.js';

/** A `transfer to` (or similar) address list entry that is not an address, network or `*`. */
export class AclEntryError extends Error {
  override readonly name = 'AclEntryError';
  constructor(readonly entry: string) {
    super(`'${entry}' is not an IP address, IP:port, CIDR network or *`);
  }
}

/** A server to talk to: one address and port. */
export interface PeerAddress {
  /** The address without brackets ("192.0.2.1", "2001:db8::1", "fe80::1%eth0"). */
  readonly host: string;
  readonly port: number;
}

/** Where NOTIFY messages go. */
export type NotifyTarget = PeerAddress;

/**
 * One entry of an address list (the book's `transfer to` arguments, chapter 3):
 *  - `any`: `*`, every IPv4 and IPv6 client;
 *  - `host`: one address, optionally with a port (`192.0.2.1`, `192.0.2.1:5300`,
 *    `2001:db8::1`, `[2001:db8::1]:5300`); the port only says where NOTIFY goes;
 *  - `network`: a CIDR prefix (`10.0.0.0/8`, `2001:db8::/32`); host bits are ignored.
 * IPv4-mapped IPv6 forms are stored as IPv4, the form clients are reported in.
 */
export type AclEntry =
  | { readonly kind: 'any'; readonly text: string }
  | {
      readonly kind: 'host';
      readonly text: string;
      readonly family: 4 | 6;
      readonly bytes: Uint8Array;
      readonly host: string;
      /** The port written after the address, if any. */
      readonly port: number | undefined;
    }
  | {
      readonly kind: 'network';
      readonly text: string;
      readonly family: 4 | 6;
      readonly bytes: Uint8Array;
      readonly prefix: number;
    };

const PORT_TEXT = /^\d{1,5}$/;
const PREFIX_TEXT = /^\d{1,3}$/;
const V4_MAPPED = [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff];

/** An address as bytes: 4 for IPv4 (and IPv4-mapped IPv6), 16 for IPv6; undefined if not one. */
export function addressBytes(text: string): Uint8Array | undefined {
  const percent = text.indexOf('%');
  // Link-local addresses carry a zone index ("fe80::1%eth0") that is not part of the address.
  const bare = percent >= 0 ? text.slice(0, percent) : text;
  if (bare.includes(':')) {
    const b = new Uint8Array(16);
    if (!parseIPv6(bare, b, 0)) return undefined;
    return isV4Mapped(b) ? b.slice(12) : b;
  }
  const b = new Uint8Array(4);
  return parseIPv4(bare, b, 0) ? b : undefined;
}

function isV4Mapped(b: Uint8Array): boolean {
  for (let i = 0; i < 12; i++) if (b[i] !== V4_MAPPED[i]) return false;
  return true;
}

/** Parses one entry; throws AclEntryError for anything else (host names included). */
export function parseAclEntry(text: string): AclEntry {
  if (text === '*') return { kind: 'any', text };
  const slash = text.indexOf('/');
  if (slash >= 0) {
    const addr = text.slice(0, slash);
    const bits = text.slice(slash + 1);
    const bytes = addr.includes('%') ? undefined : addressBytes(addr);
    if (bytes === undefined || !PREFIX_TEXT.test(bits)) throw new AclEntryError(text);
    let prefix = Number(bits);
    const mapped = bytes.length === 4 && addr.includes(':');
    // An IPv4-mapped network (::ffff:10.0.0.0/104) is the IPv4 network it maps.
    if (mapped) prefix -= 96;
    if (prefix < 0 || prefix > bytes.length * 8) throw new AclEntryError(text);
    return {
      kind: 'network',
      text,
      family: bytes.length === 4 ? 4 : 6,
      bytes: masked(bytes, prefix),
      prefix,
    };
  }
  let host = text;
  let port: number | undefined;
  if (text.startsWith('[')) {
    const close = text.indexOf(']');
    if (close < 0) throw new AclEntryError(text);
    host = text.slice(1, close);
    const rest = text.slice(close + 1);
    if (rest !== '') {
      if (!rest.startsWith(':')) throw new AclEntryError(text);
      port = parsePort(rest.slice(1), text);
    }
    if (!host.includes(':')) throw new AclEntryError(text);
  } else {
    const colon = text.indexOf(':');
    // One colon is IPv4:port; more are an IPv6 address without a port.
    if (colon >= 0 && colon === text.lastIndexOf(':')) {
      host = text.slice(0, colon);
      port = parsePort(text.slice(colon + 1), text);
    }
  }
  const bytes = addressBytes(host);
  if (bytes === undefined) throw new AclEntryError(text);
  // The zone index of a link-local address stays: NOTIFY needs it to pick the interface.
  return { kind: 'host', text, family: bytes.length === 4 ? 4 : 6, bytes, host, port };
}

function parsePort(text: string, entry: string): number {
  if (!PORT_TEXT.test(text)) throw new AclEntryError(entry);
  const port = Number(text);
  if (port < 1 || port > 65535) throw new AclEntryError(entry);
  return port;
}

function masked(bytes: Uint8Array, prefix: number): Uint8Array {
  const out = bytes.slice();
  for (let bit = prefix; bit < out.length * 8; bit++) out[bit >> 3] &= ~(0x80 >> (bit & 7));
  return out;
}

function inNetwork(addr: Uint8Array, net: Uint8Array, prefix: number): boolean {
  const whole = prefix >> 3;
  for (let i = 0; i < whole; i++) if (addr[i] !== net[i]) return false;
  const rest = prefix & 7;
  if (rest === 0) return true;
  const mask = (0xff << (8 - rest)) & 0xff;
  return (addr[whole] & mask) === net[whole];
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/**
 * A list of addresses, networks and `*` that says which clients may do something (the
 * book's `transfer to`, chapter 3: "IPv4 addresses, IPv6 addresses, networks in CIDR
 * notation, or the wildcard *"). Single addresses are also where NOTIFY goes.
 */
export class AddressAcl {
  readonly #any: boolean;

  private constructor(readonly entries: readonly AclEntry[]) {
    this.#any = entries.some((e) => e.kind === 'any');
  }

  /** Parses every entry; throws AclEntryError naming the first bad one. */
  static parse(texts: readonly string[]): AddressAcl {
    return new AddressAcl(texts.map(parseAclEntry));
  }

  /** An empty list, which allows nobody. */
  static readonly none = new AddressAcl([]);

  /** This list followed by `other`'s entries. */
  concat(other: AddressAcl): AddressAcl {
    return new AddressAcl([...this.entries, ...other.entries]);
  }

  get isEmpty(): boolean {
    return this.entries.length === 0;
  }

  /**
   * Whether a client at `ip` is on the list. An IPv4 client reported as IPv4-mapped IPv6
   * (a dual-stack socket) counts as IPv4; an address that does not parse is never allowed.
   */
  allows(ip: string): boolean {
    if (this.#any) return true;
    const addr = addressBytes(ip);
    if (addr === undefined) return false;
    for (const e of this.entries) {
      if (e.kind === 'host') {
        if (sameBytes(e.bytes, addr)) return true;
      } else if (e.kind === 'network') {
        if (e.bytes.length === addr.length && inNetwork(addr, e.bytes, e.prefix)) return true;
      }
    }
    return false;
  }

  /**
   * The single addresses of the list, each once, with `defaultPort` where none was
   * written: the secondaries to NOTIFY. Networks and `*` name no one to notify.
   */
  notifyTargets(defaultPort = 53): NotifyTarget[] {
    const seen = new Set<string>();
    const out: NotifyTarget[] = [];
    for (const e of this.entries) {
      if (e.kind !== 'host') continue;
      const port = e.port ?? defaultPort;
      const key = `${e.host}#${port}`;
      if (seen.has(key)) continue;
      seen.add(key);
      out.push({ host: e.host, port });
    }
    return out;
  }
}
