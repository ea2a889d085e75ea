import type { Dispenser } from '@tsdns/core';

/**
 * `whoami` takes no arguments. A `{` after it counts as an argument too, so a block is
 * rejected by the same check.
 */
export function parseWhoami(c: Dispenser): void {
  while (c.next()) {
    if (c.nextArg()) throw c.argErr();
  }
}
