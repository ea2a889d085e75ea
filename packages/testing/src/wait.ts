/**
 * Polling for tests that wait on something outside their control (a peer process loading a
 * zone, a health check marking an upstream down, a reload taking effect).
 */
import { setTimeout as sleep } from 'node:timers/promises';

export interface WaitOptions {
  /** Milliseconds before giving up; default 5000. */
  timeout?: number;
  /** Milliseconds between checks; default 20. */
  interval?: number;
  /** What is awaited, for the error message ("the zone to load"). */
  what?: string;
  /** More text for the error message, read when the wait fails (a peer's log). */
  detail?: () => string;
}

const DEFAULT_WAIT = 5000;
const DEFAULT_INTERVAL = 20;

/** Polls `check` until it returns true; rejects after the timeout with what was awaited. */
export async function waitFor(
  check: () => boolean | Promise<boolean>,
  opts: WaitOptions = {},
): Promise<void> {
  const timeout = opts.timeout ?? DEFAULT_WAIT;
  const deadline = Date.now() + timeout;
  while (!(await check())) {
    if (Date.now() > deadline) {
      const detail = opts.detail === undefined ? '' : `\n${opts.detail()}`;
      throw new Error(`timed out after ${timeout} ms waiting for ${opts.what ?? 'a condition'}${detail}`);
    }
    await sleep(opts.interval ?? DEFAULT_INTERVAL);
  }
}

/**
 * Runs `assertion` until it stops throwing; after the timeout, rethrows its last error, so
 * the test fails with the assertion's own message.
 */
export async function eventually(
  assertion: () => void | Promise<void>,
  opts: Pick<WaitOptions, 'timeout' | 'interval'> = {},
): Promise<void> {
  const deadline = Date.now() + (opts.timeout ?? DEFAULT_WAIT);
  for (;;) {
    try {
      await assertion();
      return;
    } catch (e) {
      if (Date.now() > deadline) throw e;
      await sleep(opts.interval ?? DEFAULT_INTERVAL);
    }
  }
}
