import { formatIPv4, formatIPv6, parseIPv4, parseIPv6 } from '@tsdns/core';

/** An address from a hosts file, in the text the A/AAAA rdata and the reverse table use. */
export interface HostAddress {
  readonly family: 4 | 6;
  /** Canonical text: dotted quad, or RFC 5952 IPv6. Also the key of the reverse table. */
  readonly text: string;
}

// Scratch space for the parsers: addresses are parsed one at a time, never re-entrantly.
const scratch = new Uint8Array(16);

/** Whether the 16 bytes hold an IPv4-mapped IPv6 address (::ffff:a.b.c.d). */
function isV4Mapped(b: Uint8Array): boolean {
  for (let i = 0; i < 10; i++) if (b[i] !== 0) return false;
  return b[10] === 0xff && b[11] === 0xff;
}

/**
 * Parses the address field of a hosts-file line. An IPv6 zone (`fe80::1%eth0`) is dropped,
 * and an IPv4-mapped IPv6 address counts as the IPv4 address it maps, both as CoreDNS (Go's
 * net.ParseIP and To4) treats them. IPv4 must be a strict dotted quad (no leading zeros, as
 * Go has required since 1.17). Returns undefined for anything else.
 */
export function parseHostAddress(field: string): HostAddress | undefined {
  const percent = field.indexOf('%');
  const text = percent >= 0 ? field.slice(0, percent) : field;
  if (parseIPv4(text, scratch, 0)) return { family: 4, text: formatIPv4(scratch, 0) };
  if (!parseIPv6(text, scratch, 0)) return undefined;
  if (isV4Mapped(scratch)) return { family: 4, text: formatIPv4(scratch, 12) };
  return { family: 6, text: formatIPv6(scratch, 0) };
}

const IP4_ARPA = '.in-addr.arpa.';
const IP6_ARPA = '.ip6.arpa.';
/** 32 nibble labels of one character, each followed by a dot. */
const IP6_NIBBLE_TEXT_LENGTH = 64;

function hexDigit(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  if (c >= 0x61 && c <= 0x66) return c - 0x61 + 10;
  return -1;
}

/** The dotted quad of a full in-addr.arpa name ("4.3.2.1.in-addr.arpa." -> "1.2.3.4"). */
function fromIp4Arpa(prefix: string): string | undefined {
  const labels = prefix.split('.');
  if (labels.length !== 4) return undefined;
  const text = labels[3] + '.' + labels[2] + '.' + labels[1] + '.' + labels[0];
  return parseIPv4(text, scratch, 0) ? text : undefined;
}

/** The address of a full ip6.arpa name: 32 single-nibble labels, least significant first. */
function fromIp6Arpa(prefix: string): string | undefined {
  if (prefix.length !== IP6_NIBBLE_TEXT_LENGTH - 1) return undefined;
  for (let i = 0; i < 16; i++) {
    // Byte i is made of the nibbles at label positions 31-2i (high) and 30-2i (low).
    const hiAt = (31 - 2 * i) * 2;
    const loAt = (30 - 2 * i) * 2;
    const hi = hexDigit(prefix.charCodeAt(hiAt));
    const lo = hexDigit(prefix.charCodeAt(loAt));
    if (hi < 0 || lo < 0) return undefined;
    scratch[i] = (hi << 4) | lo;
  }
  for (let i = 1; i < IP6_NIBBLE_TEXT_LENGTH - 1; i += 2) if (prefix.charCodeAt(i) !== 0x2e) return undefined;
  // A mapped address has the same key as its IPv4 address, as in the forward direction.
  return isV4Mapped(scratch) ? formatIPv4(scratch, 12) : formatIPv6(scratch, 0);
}

/**
 * The address a reverse-lookup name stands for, in HostAddress.text form, or undefined when
 * the name is not a complete in-addr.arpa or ip6.arpa address name. `name` is lowercase.
 */
export function addressFromReverse(name: string): string | undefined {
  if (name.endsWith(IP4_ARPA)) return fromIp4Arpa(name.slice(0, -IP4_ARPA.length));
  if (name.endsWith(IP6_ARPA)) return fromIp6Arpa(name.slice(0, -IP6_ARPA.length));
  return undefined;
}
