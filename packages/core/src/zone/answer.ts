import { pluginLogger } from '../log.js';
import { Flag, Rcode, typeToNumber } from '../wire/constants.js';
import { getRcode, setRcode } from '../wire/header.js';
import type { Message, ResourceRecord } from '../wire/types.js';
import type { Fallthrough } from '../plugin/fallthrough.js';
import { nextOrFailure, type Handler } from '../plugin/handler.js';
import type { Request } from '../plugin/request.js';
import type { ResponseWriter } from '../plugin/writer.js';
import type { LookupResult } from './lookup.js';
import type { Zone } from './zone.js';

/** How a zone plugin (file, auto, secondary) answers from a Zone. */
export interface ZoneAnswerOptions {
  /** The plugin answering: names it in errors and log lines. */
  readonly plugin: string;
  /** `fallthrough [ZONES...]`: NXDOMAIN for these names goes to `next` instead. */
  readonly fallthrough?: Fallthrough;
  readonly next?: Handler;
}

/**
 * Answers a query from `zone` (RFC 1034 4.3.2 through Zone.lookup) and writes the
 * response: AA unless it is a referral, the lookup's sections, the OPT record last. Sets
 * the `zone/wildcard` metadata when a wildcard synthesized the answer. When the answer
 * ends in a CNAME whose target is outside the zone, the target is resolved through the
 * server's own chain (Request.upstream) and its answer appended, with its rcode (RFC
 * 6604); if that lookup cannot be made or fails, the CNAME alone is the answer, which a
 * client can follow itself. Returns the rcode written, synchronously unless a CNAME had to
 * be chased.
 */
export function answerFromZone(
  zone: Zone,
  req: Request,
  w: ResponseWriter,
  options: ZoneAnswerOptions,
): number | Promise<number> {
  const res = zone.lookup(req.qname, typeToNumber(req.qtype), { do: req.do });
  if (
    res.rcode === Rcode.NXDOMAIN &&
    res.answer.length === 0 &&
    options.fallthrough?.through(req.name) === true
  ) {
    return nextOrFailure(options.plugin, options.next, req, w);
  }
  if (res.wildcard !== undefined) {
    const wildcard = res.wildcard;
    req.setMetadata('zone/wildcard', () => wildcard);
  }
  const msg = req.reply(res.rcode);
  if (res.aa) msg.flags |= Flag.AA;
  msg.answers = res.answer;
  msg.authorities = res.authority;
  // The OPT record that reply() may have added stays last.
  if (res.additional.length > 0)
    msg.additionals = (res.additional as ResourceRecord[]).concat(msg.additionals);
  if (res.chase !== undefined) return chase(req, w, msg, res, res.chase, options.plugin);
  w.write(msg);
  return res.rcode;
}

/** Resolves an out-of-zone CNAME target through the chain and completes `msg` with it. */
async function chase(
  req: Request,
  w: ResponseWriter,
  msg: Message,
  res: LookupResult,
  target: string,
  plugin: string,
): Promise<number> {
  let found: Message;
  try {
    found = await req.upstream(target, req.qtype);
  } catch (e) {
    pluginLogger(plugin).debug(`Not following CNAME to ${target}: ${(e as Error).message}`);
    w.write(msg);
    return res.rcode;
  }
  const rcode = getRcode(found);
  // Anything but an answer or a denial (REFUSED when no block serves the target, SERVFAIL)
  // says nothing about the target: the CNAME alone stays the better answer.
  if (rcode !== Rcode.NOERROR && rcode !== Rcode.NXDOMAIN) {
    pluginLogger(plugin).debug(`Not following CNAME to ${target}: the chain answered rcode ${rcode}`);
    w.write(msg);
    return res.rcode;
  }
  msg.answers = (res.answer as ResourceRecord[]).concat(found.answers);
  // A denial of the target carries the target zone's SOA (and its proofs) for negative
  // caching (RFC 2308); the CNAME's zone has nothing to say there.
  if (found.authorities.some((rr) => rr.type === 'SOA')) msg.authorities = found.authorities;
  setRcode(msg, rcode);
  w.write(msg);
  return rcode;
}
