import { isAbsolute, join } from 'node:path';
import { DurationError, parseGoDuration, type Dispenser } from '@tsdns/core';
import { Subnet } from './address.js';

export interface LoadBalanceConfig {
  readonly policy: 'round_robin' | 'weighted';
  /** weighted: the weight file, made absolute against the server block's root. */
  readonly weightFile: string | undefined;
  /** weighted: how often to re-read the weight file, ms; 0 never. */
  readonly reloadMs: number;
  /** round_robin: `prefer` subnets, in priority order. */
  readonly prefer: readonly Subnet[];
}

/** CoreDNS's default weight file reload interval. */
export const DEFAULT_RELOAD_MS = 30_000;
/** The longest interval a Node.js timer supports. */
const MAX_RELOAD_MS = 2 ** 31 - 1;

/**
 * Reads the `loadbalance` directive (CoreDNS's syntax):
 *
 *     loadbalance [round_robin | weighted WEIGHTFILE] {
 *         reload DURATION        (weighted only)
 *         prefer CIDR [CIDR...]  (round_robin only)
 *     }
 *
 * `root` is the server block's root directory (the *root* plugin), for a relative
 * WEIGHTFILE. Errors are CorefileErrors at the offending line.
 */
export function parseLoadBalance(c: Dispenser, root: string): LoadBalanceConfig {
  let config: LoadBalanceConfig | undefined;
  while (c.next()) {
    if (config !== undefined) throw c.err('this plugin can only be used once per Server Block');
    config = parseOne(c, root);
  }
  return config ?? { policy: 'round_robin', weightFile: undefined, reloadMs: 0, prefer: [] };
}

function parseOne(c: Dispenser, root: string): LoadBalanceConfig {
  const args = c.remainingArgs();
  const policy = args[0] ?? 'round_robin';
  if (policy === 'weighted') {
    if (args.length < 2) throw c.err('missing weight file argument');
    if (args.length > 2) throw c.err('unexpected argument(s)');
    const file = isAbsolute(args[1]) ? args[1] : join(root, args[1]);
    let reloadMs = DEFAULT_RELOAD_MS;
    while (c.nextBlock()) {
      const property = c.val();
      if (property !== 'reload') throw c.err(`unknown property '${property}'`);
      const t = c.remainingArgs();
      if (t.length < 1) throw c.err('reload duration value is missing');
      if (t.length > 1) throw c.err('unexpected argument');
      let ns: number;
      try {
        ns = parseGoDuration(t[0]);
      } catch (e) {
        if (e instanceof DurationError) throw c.err(`invalid reload duration '${t[0]}'`);
        throw e;
      }
      if (ns < 0) throw c.err(`invalid reload duration '${t[0]}'`);
      reloadMs = ns / 1e6;
      if (reloadMs > MAX_RELOAD_MS)
        throw c.err(`reload duration '${t[0]}' is longer than the longest supported, 596h31m23.647s`);
    }
    return { policy, weightFile: file, reloadMs, prefer: [] };
  }
  if (policy !== 'round_robin') throw c.err(`unknown policy: ${policy}`);
  if (args.length > 1) throw c.err(`unknown property for ${policy}`);
  const prefer: Subnet[] = [];
  while (c.nextBlock()) {
    const property = c.val();
    if (property !== 'prefer') throw c.err(`unknown property '${property}'`);
    const cidrs = c.remainingArgs();
    if (cidrs.length === 0) throw c.argErr();
    for (const cidr of cidrs) {
      const subnet = Subnet.parse(cidr);
      if (subnet === undefined) throw c.err(`invalid CIDR "${cidr}"`);
      prefer.push(subnet);
    }
  }
  return { policy: 'round_robin', weightFile: undefined, reloadMs: 0, prefer };
}
