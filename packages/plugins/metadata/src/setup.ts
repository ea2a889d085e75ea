import { zonesOf, type Dispenser } from '@tsdns/core';

/**
 * `metadata [ZONES...]`: the zones to collect metadata for, default the server block's
 * (a CIDR stands for its reverse zones). No block, and one occurrence per server block,
 * as CoreDNS requires.
 */
export function parseMetadata(c: Dispenser, serverZones: readonly string[]): string[] {
  c.next();
  const args = c.remainingArgs();
  if (c.nextBlock() || c.next()) throw c.argErr();
  if (args.length === 0) return [...serverZones];
  const zones: string[] = [];
  for (const arg of args) {
    const z = zonesOf(arg);
    if (z.length === 0) throw c.err(`invalid zone '${arg}'`);
    zones.push(...z);
  }
  return zones;
}
