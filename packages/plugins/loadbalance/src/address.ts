import { formatIPv4, formatIPv6, parseIPv4, parseIPv6 } from '@tsdns/core';

/**
 * An IP address as 4 (IPv4) or 16 (IPv6) bytes. IPv4-mapped IPv6 addresses
 * (::ffff:a.b.c.d) count as IPv4, as Go's net.IP comparisons do, so a weight or subnet
 * written either way matches an A record.
 */
export function ipBytes(text: string): Uint8Array | undefined {
  const v4 = new Uint8Array(4);
  if (parseIPv4(text, v4, 0)) return v4;
  const v6 = new Uint8Array(16);
  if (!parseIPv6(text, v6, 0)) return undefined;
  for (let i = 0; i < 10; i++) if (v6[i] !== 0) return v6;
  if (v6[10] === 0xff && v6[11] === 0xff) return v6.slice(12);
  return v6;
}

/** The one text form of an address, for use as a Map key; undefined for non-addresses. */
export function canonicalIp(text: string): string | undefined {
  const b = ipBytes(text);
  if (b === undefined) return undefined;
  return b.length === 4 ? formatIPv4(b, 0) : formatIPv6(b, 0);
}

/** A network from CIDR text, like Go's net.ParseCIDR (host bits may be set; they are ignored). */
export class Subnet {
  private constructor(
    readonly text: string,
    private readonly network: Uint8Array,
    private readonly prefix: number,
  ) {}

  /** Parses "10.9.20.0/24" or "2001:db8::/32"; undefined when the text is not a CIDR. */
  static parse(text: string): Subnet | undefined {
    const slash = text.indexOf('/');
    if (slash < 0) return undefined;
    const addressText = text.slice(0, slash);
    const prefixText = text.slice(slash + 1);
    if (!/^\d{1,3}$/.test(prefixText)) return undefined;
    const prefix = Number(prefixText);
    const v4 = new Uint8Array(4);
    if (parseIPv4(addressText, v4, 0)) return prefix <= 32 ? new Subnet(text, v4, prefix) : undefined;
    const v6 = new Uint8Array(16);
    if (!parseIPv6(addressText, v6, 0) || prefix > 128) return undefined;
    // As in Go, an IPv4-mapped network (::ffff:10.0.0.0/104) is an IPv4 network.
    const mapped = ipBytes(addressText);
    if (mapped !== undefined && mapped.length === 4 && prefix >= 96)
      return new Subnet(text, mapped, prefix - 96);
    return new Subnet(text, v6, prefix);
  }

  /** Whether the address bytes (see ipBytes) lie in this network. */
  contains(ip: Uint8Array): boolean {
    if (ip.length !== this.network.length) return false;
    const net = this.network;
    const full = this.prefix >> 3;
    for (let i = 0; i < full; i++) if (ip[i] !== net[i]) return false;
    const rest = this.prefix & 7;
    if (rest === 0) return true;
    const mask = (0xff << (8 - rest)) & 0xff;
    return (ip[full] & mask) === (net[full] & mask);
  }
}
