import type { Dispenser } from '@tsdns/core';

/**
 * `any` takes no arguments and no block. A `{` after it counts as an argument, so a block
 * is rejected by the same check, citing the Corefile line.
 */
export function parseAny(c: Dispenser): void {
  while (c.next()) {
    if (c.nextArg()) throw c.argErr();
  }
}
