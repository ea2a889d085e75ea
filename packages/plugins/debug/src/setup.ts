import type { Dispenser } from '@tsdns/core';

/** `debug` takes no arguments; it may be repeated harmlessly. */
export function parseDebug(c: Dispenser): void {
  while (c.next()) {
    if (c.nextArg()) throw c.argErr();
  }
}
