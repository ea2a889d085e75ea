import { networkInterfaces, type NetworkInterfaceInfo } from 'node:os';
import { CorefileError, formatIPv6, parseIPv4, parseIPv6, type Dispenser } from '@tsdns/core';

/** The host's interfaces as os.networkInterfaces() lists them. */
export type InterfaceTable = NodeJS.Dict<NetworkInterfaceInfo[]>;

const scratch = new Uint8Array(16);

/**
 * An IP address in one spelling per address, for comparing `except` entries and removing
 * duplicates: IPv4 as written (only the canonical dotted quad parses), IPv6 as RFC 5952
 * prints it, with its zone kept. Undefined for text that is not an address.
 */
export function canonicalAddress(text: string): string | undefined {
  if (parseIPv4(text, scratch, 0)) return text;
  const percent = text.indexOf('%');
  const bare = percent < 0 ? text : text.slice(0, percent);
  if (percent === text.length - 1) return undefined; // a '%' with no zone after it
  if (!parseIPv6(bare, scratch, 0)) return undefined;
  return percent < 0 ? formatIPv6(scratch, 0) : formatIPv6(scratch, 0) + text.slice(percent);
}

/** fe80::/10: such an address means something only together with its interface. */
function isLinkLocalV6(address: string): boolean {
  const c = address.toLowerCase();
  return c.startsWith('fe8') || c.startsWith('fe9') || c.startsWith('fea') || c.startsWith('feb');
}

/**
 * The addresses ADDRESS|IFACE arguments stand for: an interface name (tried first, as
 * CoreDNS does) gives all of that interface's addresses, IPv6 link-local ones with the
 * interface as zone ("fe80::1%eth0"); anything else must be an IP address.
 */
function addressesOf(c: Dispenser, args: readonly string[], interfaces: InterfaceTable): string[] {
  const out: string[] = [];
  for (const arg of args) {
    const iface = Object.hasOwn(interfaces, arg) ? interfaces[arg] : undefined;
    if (iface !== undefined) {
      for (const info of iface) {
        const address = info.family === 'IPv6' && isLinkLocalV6(info.address) ? `${info.address}%${arg}` : info.address;
        out.push(canonicalAddress(address) ?? address);
      }
      continue;
    }
    const address = canonicalAddress(arg);
    if (address === undefined) throw c.err(`not a valid IP address or interface name: '${arg}'`);
    out.push(address);
  }
  return out;
}

/**
 * Reads every `bind` line of a server block and returns the addresses to listen on, in
 * order and without duplicates:
 *
 *     bind ADDRESS|IFACE ... {
 *         except ADDRESS|IFACE ...
 *     }
 *
 * `except` removes addresses from its own line's list only. Interface names are looked up
 * now, so a reload picks up the interfaces' current addresses.
 */
export function parseBind(c: Dispenser, interfaces: InterfaceTable = networkInterfaces()): string[] {
  const hosts = new Set<string>();
  while (c.next()) {
    const file = c.file();
    const line = c.line();
    const args = c.remainingArgs();
    if (args.length === 0) throw c.err('at least one address or interface name is expected');
    const addresses = addressesOf(c, args, interfaces);
    const except = new Set<string>();
    while (c.nextBlock()) {
      const property = c.val();
      if (property !== 'except') throw c.err(`invalid option '${property}'`);
      const excluded = c.remainingArgs();
      if (excluded.length === 0) throw c.err('at least one address or interface must be given to except');
      for (const address of addressesOf(c, excluded, interfaces)) except.add(address);
    }
    const kept = addresses.filter((address) => !except.has(address));
    // Left empty, the list would mean the wildcard address: the opposite of what was asked for.
    if (kept.length === 0) {
      throw new CorefileError(file, line, 'every address is excluded by except, nothing is left to listen on');
    }
    for (const address of kept) hosts.add(address);
  }
  return [...hosts];
}
