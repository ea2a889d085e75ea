import {
  Flag,
  Opcode,
  Rcode,
  ZoneSets,
  answerFromZone,
  getOpcode,
  isTransferQuery,
  nextOrFailure,
  pluginLogger,
  type Handler,
  type Readiness,
  type Request,
  type ResponseWriter,
} from '@tsdns/core';
import type { SecondaryGroup, SecondaryZones } from './zones.js';

const log = pluginLogger('secondary');

/** RFC 2136's NOTAUTH: this server is not authoritative for the zone named. */
const NOTAUTH = 9;

/**
 * Answers from the zones its `secondary` directives transferred in (through core's
 * answerFromZone, as file does): SERVFAIL while a zone has no data yet or has expired;
 * names outside the zones go to the next plugin (or are refused when there is none).
 * Takes NOTIFY messages for its zones from their primaries. It is the zones' Transferer
 * (over every group's ZoneSet: the `transfer` plugin can pass them on) and reports
 * readiness: ready once every zone has data.
 */
export class SecondaryHandler extends ZoneSets implements Handler, Readiness {
  readonly name = 'secondary';

  constructor(
    readonly zones: SecondaryZones,
    readonly next: Handler | undefined,
  ) {
    super(zones.groups.map((g) => g.zones));
  }

  #find(name: string): { group: SecondaryGroup; origin: string } | undefined {
    let best: { group: SecondaryGroup; origin: string } | undefined;
    for (const group of this.zones.groups) {
      const origin = group.zones.match(name);
      if (origin !== undefined && (best === undefined || origin.length > best.origin.length))
        best = { group, origin };
    }
    return best;
  }

  serveDNS(req: Request, w: ResponseWriter): number | Promise<number> {
    const found = this.#find(req.name);
    if (found === undefined) {
      return this.next === undefined ? Rcode.REFUSED : nextOrFailure(this.name, this.next, req, w);
    }
    if (getOpcode(req.msg) === Opcode.NOTIFY) return this.#notify(req, w, found.group, found.origin);
    const zone = found.group.zones.get(found.origin);
    if (zone === undefined) return Rcode.SERVFAIL;
    // Without `transfer to` nobody may transfer here; the transfer plugin, earlier in the chain, may.
    if (isTransferQuery(req)) return found.group.transfer?.serve(req, w) ?? Rcode.REFUSED;
    return answerFromZone(zone, req, w, {
      plugin: this.name,
      fallthrough: found.group.directive.fallthrough,
      next: this.next,
    });
  }

  /**
   * RFC 1996: a NOTIFY for one of the zones, from one of its primaries, is answered and
   * starts a check of the primaries; from anyone else it is refused (RFC 1996 3.10 says
   * to ignore it; an answer stops the sender's retries). A NOTIFY for a name below a zone
   * is for a zone this server does not serve.
   */
  #notify(req: Request, w: ResponseWriter, group: SecondaryGroup, origin: string): number {
    if (req.name !== origin) {
      w.write(req.reply(NOTAUTH));
      return NOTAUTH;
    }
    const zone = group.members.get(origin);
    if (zone === undefined || !zone.notify(req.ip)) {
      log.info(`Dropping notify from ${req.ip} for ${origin}: not a primary of the zone`);
      return Rcode.REFUSED;
    }
    const msg = req.reply();
    msg.flags |= Flag.AA;
    w.write(msg);
    return Rcode.NOERROR;
  }

  ready(): boolean {
    return this.zones.ready();
  }
}
