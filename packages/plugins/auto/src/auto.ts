import {
  Rcode,
  ZoneSets,
  answerFromZone,
  isTransferQuery,
  nextOrFailure,
  type Handler,
  type Request,
  type ResponseWriter,
} from '@tsdns/core';
import type { AutoDirectory, AutoZones } from './zones.js';

/**
 * Answers authoritatively from the zones the `auto` directives of its block loaded
 * (through core's answerFromZone, as file does); names outside them go to the next
 * plugin. It is the zones' Transferer (over every directory's ZoneSet), so the `transfer`
 * plugin can serve them too.
 */
export class AutoHandler extends ZoneSets implements Handler {
  readonly name = 'auto';

  constructor(
    readonly zones: AutoZones,
    readonly next: Handler | undefined,
  ) {
    super(zones.directories.map((dir) => dir.zones));
  }

  /** The directory serving the zone `name` is in, and that zone: the longest match over all. */
  #find(name: string): { dir: AutoDirectory; origin: string } | undefined {
    let best: { dir: AutoDirectory; origin: string } | undefined;
    for (const dir of this.zones.directories) {
      const origin = dir.zones.match(name);
      if (origin !== undefined && (best === undefined || origin.length > best.origin.length))
        best = { dir, origin };
    }
    return best;
  }

  serveDNS(req: Request, w: ResponseWriter): number | Promise<number> {
    const found = this.#find(req.name);
    if (found === undefined) return nextOrFailure(this.name, this.next, req, w);
    const zone = found.dir.zones.get(found.origin);
    if (zone === undefined) return Rcode.SERVFAIL;
    // Without `transfer to` nobody may transfer here; the transfer plugin, earlier in the chain, may.
    if (isTransferQuery(req)) return found.dir.transfer?.serve(req, w) ?? Rcode.REFUSED;
    return answerFromZone(zone, req, w, { plugin: this.name, next: this.next });
  }
}
