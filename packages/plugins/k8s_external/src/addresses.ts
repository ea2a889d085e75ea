import { isIP } from 'node:net';
import { networkInterfaces } from 'node:os';

function isLoopback(ip: string): boolean {
  return ip === '::1' || (isIP(ip) === 4 && ip.startsWith('127.'));
}

/**
 * The addresses this server answers on, for the name server records of the zone when the
 * cluster does not say (CoreDNS's boundIPs): the `bind` addresses, or without them every
 * address of the machine's interfaces; loopback addresses never, as no one outside could
 * use them. Interface names in `listenHosts` or addresses with a zone (`%eth0`) are dropped.
 */
export function serverAddresses(listenHosts: readonly string[]): string[] {
  const hosts =
    listenHosts.length > 0
      ? listenHosts
      : Object.values(networkInterfaces()).flatMap((list) => (list ?? []).map((i) => i.address));
  const out: string[] = [];
  for (const h of hosts) {
    if (isIP(h) !== 0 && !isLoopback(h) && !out.includes(h)) out.push(h);
  }
  return out;
}
