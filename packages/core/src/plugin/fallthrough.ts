import { zonesOf } from '../corefile/address.js';
import type { Dispenser } from '../corefile/dispenser.js';
import { matchZone } from './zones.js';

/**
 * A plugin's `fallthrough [ZONES...]` setting (CoreDNS's fall.F): for which names a
 * negative answer is passed down the chain instead of being written.
 */
export class Fallthrough {
  /** No fallthrough at all: the default when the option is absent. */
  static readonly none = new Fallthrough([]);
  /** Fallthrough for every name: `fallthrough` without zones. */
  static readonly all = new Fallthrough(['.']);

  private constructor(
    /** Normalised zones; empty means never. */
    readonly zones: readonly string[],
  ) {}

  /**
   * From the option's arguments: none means every zone; each argument may be a name or
   * a reverse CIDR (expanded to its in-addr.arpa/ip6.arpa zones). Returns undefined
   * when an argument is not a valid zone, so the caller reports it at its position.
   */
  static fromArgs(args: readonly string[]): Fallthrough | undefined {
    if (args.length === 0) return Fallthrough.all;
    const zones: string[] = [];
    for (const arg of args) {
      const z = zonesOf(arg);
      if (z.length === 0) return undefined;
      zones.push(...z);
    }
    return new Fallthrough(zones);
  }

  /** Whether a query for `qname` falls through to the next plugin. */
  through(qname: string): boolean {
    return this.zones.length > 0 && matchZone(this.zones, qname) !== undefined;
  }
}

/**
 * Reads the arguments of a `fallthrough` option from the Controller or Dispenser
 * (positioned on the `fallthrough` token) and returns the setting. Throws its
 * CorefileError for an argument that is not a zone.
 */
export function parseFallthrough(c: Pick<Dispenser, 'remainingArgs' | 'err'>): Fallthrough {
  const args = c.remainingArgs();
  const f = Fallthrough.fromArgs(args);
  if (f === undefined) throw c.err(`fallthrough: invalid zone in '${args.join(' ')}'`);
  return f;
}
