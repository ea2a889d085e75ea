import { zonesOf, type Dispenser } from '@tsdns/core';

/**
 * `loop` takes no arguments. The zone it probes is the first of the server block (CoreDNS
 * checks only that one), "." when the key names none.
 */
export function parseLoop(c: Dispenser, serverBlockKeys: readonly string[]): string {
  while (c.next()) {
    if (c.nextArg()) throw c.argErr();
  }
  const zones = serverBlockKeys.length > 0 ? zonesOf(serverBlockKeys[0]) : [];
  return zones[0] ?? '.';
}
