/**
 * Reverse zones for CIDR server keys (`10.0.0.0/24 { ... }`), computed as CoreDNS does:
 * a prefix on a label boundary (8 bits for IPv4, a 4-bit nibble for IPv6) gives one zone;
 * any other prefix is split into the subnets at the next boundary down, one zone each.
 * So 10.0.0.0/15 is 0.10.in-addr.arpa. and 1.10.in-addr.arpa., and 10.0.0.0/25 is the
 * 128 names 0.0.0.10.in-addr.arpa. to 127.0.0.10.in-addr.arpa.
 */

const IPV4_CIDR = /^(\d+)\.(\d+)\.(\d+)\.(\d+)\/(\d+)$/;
const IPV6_CIDR = /^([0-9A-Fa-f:.]+)\/(\d+)$/;
const HEX_GROUP = /^[0-9A-Fa-f]{1,4}$/;
const DECIMAL_OCTET = /^(0|[1-9]\d{0,2})$/;

/** True when the text has the shape of an IP prefix, valid or not. */
export function looksLikeCidr(text: string): boolean {
  return IPV4_CIDR.test(text) || (text.includes(':') && IPV6_CIDR.test(text));
}

function parseIPv4(parts: readonly string[]): number[] | undefined {
  const octets: number[] = [];
  for (const p of parts) {
    // Leading zeros are refused (as Go does): 010 reads as octal in some tools.
    if (!DECIMAL_OCTET.test(p)) return undefined;
    const v = Number(p);
    if (v > 255) return undefined;
    octets.push(v);
  }
  return octets;
}

/** 16 bytes of an IPv6 address in RFC 4291 text form (with an optional dotted IPv4 tail). */
export function parseIPv6(text: string): number[] | undefined {
  const halves = text.split('::');
  if (halves.length > 2) return undefined;
  const groups = (half: string): number[] | undefined => {
    if (half === '') return [];
    const out: number[] = [];
    const parts = half.split(':');
    for (let i = 0; i < parts.length; i++) {
      const p = parts[i];
      if (i === parts.length - 1 && p.includes('.')) {
        const dotted = p.split('.');
        const v4 = dotted.length === 4 ? parseIPv4(dotted) : undefined;
        if (v4 === undefined) return undefined;
        out.push((v4[0] << 8) | v4[1], (v4[2] << 8) | v4[3]);
      } else if (HEX_GROUP.test(p)) {
        out.push(parseInt(p, 16));
      } else {
        return undefined;
      }
    }
    return out;
  };
  const head = groups(halves[0]);
  const tail = halves.length === 2 ? groups(halves[1]) : [];
  if (head === undefined || tail === undefined) return undefined;
  let all: number[];
  if (halves.length === 2) {
    const missing = 8 - head.length - tail.length;
    if (missing < 1) return undefined;
    all = [...head, ...new Array<number>(missing).fill(0), ...tail];
  } else {
    if (head.length !== 8) return undefined;
    all = head;
  }
  const bytes: number[] = [];
  for (const g of all) bytes.push(g >> 8, g & 0xff);
  return bytes;
}

/**
 * Splits a network given as digits (octets or nibbles, most significant first) into the
 * networks at the next digit boundary, and names each one's reverse zone.
 */
function reverseZones(
  digits: number[],
  prefix: number,
  digitBits: number,
  suffix: string,
  radix: number,
): string[] {
  // Clear the host bits: 192.168.1.1/23 means 192.168.0.0/23.
  for (let i = 0; i < digits.length; i++) {
    const keep = Math.min(Math.max(prefix - i * digitBits, 0), digitBits);
    const mask = ((1 << keep) - 1) << (digitBits - keep);
    digits[i] &= mask;
  }
  const boundary = Math.ceil(prefix / digitBits) * digitBits;
  const labels = boundary / digitBits;
  const count = 1 << (boundary - prefix);
  const base = labels > 0 ? digits[labels - 1] : 0;
  const zones: string[] = [];
  for (let n = 0; n < count; n++) {
    if (labels > 0) digits[labels - 1] = base | n;
    let name = suffix;
    for (let i = 0; i < labels; i++) name = digits[i].toString(radix) + '.' + name;
    zones.push(name);
  }
  return zones;
}

/**
 * The reverse zones of an IPv4 or IPv6 prefix such as `10.0.0.0/24` or `2001:db8::/32`,
 * or undefined when the text is not a valid prefix. Like CoreDNS, prefixes written with a
 * leading `:` or as `0...:` (IPv4-mapped forms among them) are refused.
 */
export function reverseZonesOf(cidr: string): string[] | undefined {
  const v4 = IPV4_CIDR.exec(cidr);
  if (v4) {
    const octets = parseIPv4(v4.slice(1, 5));
    const prefix = Number(v4[5]);
    if (octets === undefined || prefix > 32) return undefined;
    return reverseZones(octets, prefix, 8, 'in-addr.arpa.', 10);
  }
  const v6 = IPV6_CIDR.exec(cidr);
  if (!v6 || !cidr.includes(':')) return undefined;
  if (cidr[0] === ':' || cidr[0] === '0') return undefined;
  const bytes = parseIPv6(v6[1]);
  const prefix = Number(v6[2]);
  if (bytes === undefined || prefix > 128) return undefined;
  const nibbles: number[] = [];
  for (const b of bytes) nibbles.push(b >> 4, b & 0x0f);
  return reverseZones(nibbles, prefix, 4, 'ip6.arpa.', 16);
}
