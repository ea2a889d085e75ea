import { pluginLogger } from '../log.js';
import { Flag, Rcode, typeToNumber } from '../wire/constants.js';
import { getRcode, setRcode } from '../wire/header.js';
import type { Message, ResourceRecord } from '../wire/types.js';
import type { Fallthrough } from '../plugin/fallthrough.js';
import { nextOrFailure, type Handler } from '../plugin/handler.js';
import { encodePacked } from '../plugin/packed.js';
import type { MetadataFunc, Request } from '../plugin/request.js';
import type { ResponseWriter } from '../plugin/writer.js';
import type { LookupResult } from './lookup.js';
import type { Zone } from './zone.js';
import { memoOf, NOT_HELD, type AnswerMemo } from './answer-memo.js';

/** How a zone plugin (file, auto, secondary) answers from a Zone. */
export interface ZoneAnswerOptions {
  /** The plugin answering: names it in errors and log lines. */
  readonly plugin: string;
  /** `fallthrough [ZONES...]`: NXDOMAIN for these names goes to `next` instead. */
  readonly fallthrough?: Fallthrough;
  readonly next?: Handler;
}

const WILDCARD_METADATA = 'zone/wildcard';
const RCODE_MASK = 0xf;

/**
 * Answers a query from `zone` (RFC 1034 4.3.2 through Zone.lookup) and writes the
 * response: AA unless it is a referral, the lookup's sections, the OPT record last. Sets
 * the `zone/wildcard` metadata when a wildcard synthesized the answer. When the answer
 * ends in a CNAME whose target is outside the zone, the target is resolved through the
 * server's own chain (Request.upstream) and its answer appended, with its rcode (RFC
 * 6604); if that lookup cannot be made or fails, the CNAME alone is the answer, which a
 * client can follow itself. Returns the rcode written, synchronously unless a CNAME had to
 * be chased.
 *
 * To a writer that takes bytes (the server's own, or one that passes bytes on), answers
 * are given from a memo of the zone's answers in wire form (see answer-memo.ts), filled
 * from a name's second query on: a repeated question costs a probe of the memo's table
 * and a copy of the bytes with the query's ID and flags, instead of a lookup and an
 * encoding. The bytes
 * are exactly what writing the Message would send; where they cannot be (the question in
 * other letter case than first asked, an answer the writer would have to truncate), the
 * Message is written. Chased answers depend on another zone and are never memoized.
 */
export function answerFromZone(
  zone: Zone,
  req: Request,
  w: ResponseWriter,
  options: ZoneAnswerOptions,
): number | Promise<number> {
  // The memo finds questions by their octets as they arrived.
  const wire = req.wire;
  if (w.writeBytes === undefined || wire === undefined)
    return answerByLookup(zone, req, w, options, undefined);
  const memo = memoOf(zone);
  const hit = memo.find(wire, req.do);
  if (hit < 0) {
    // A name's first query is answered as without a memo, and nothing is kept for it:
    // answers are kept from a name's second query on (see SeenNames). A question held in
    // other letter case (OTHER_CASE) takes the Message path and adds nothing.
    const keep = hit === NOT_HELD && memo.seen.seenBefore(req.name);
    return answerByLookup(zone, req, w, options, keep ? memo : undefined);
  }
  if (memo.fallsThrough(hit) && options.fallthrough?.through(req.name) === true) {
    return nextOrFailure(options.plugin, options.next, req, w);
  }
  const bytes = memo.answer(hit, req, req.replyFlags());
  if (bytes === undefined) return answerByLookup(zone, req, w, options, undefined);
  const wildcard = memo.wildcard(hit);
  if (wildcard !== undefined) req.setMetadata(WILDCARD_METADATA, wildcard);
  w.writeBytes(bytes);
  return memo.rcode(hit);
}

/**
 * Answers through Zone.lookup. With `memo` (for a name asked before), a complete answer is
 * packed, kept there and written as bytes (one encoding, instead of the writer's).
 */
function answerByLookup(
  zone: Zone,
  req: Request,
  w: ResponseWriter,
  options: ZoneAnswerOptions,
  memo: AnswerMemo | undefined,
): number | Promise<number> {
  const res = zone.lookup(req.qname, typeToNumber(req.qtype), { do: req.do });
  const fallsThrough = res.rcode === Rcode.NXDOMAIN && res.answer.length === 0;
  if (fallsThrough && options.fallthrough?.through(req.name) === true) {
    return nextOrFailure(options.plugin, options.next, req, w);
  }
  let wildcard: MetadataFunc | undefined;
  if (res.wildcard !== undefined) {
    const name = res.wildcard;
    wildcard = () => name;
    req.setMetadata(WILDCARD_METADATA, wildcard);
  }
  const question = req.question;
  // Extended rcodes live in the OPT record, which is per query; a zone gives none anyway.
  if (
    memo !== undefined &&
    res.chase === undefined &&
    res.rcode <= RCODE_MASK &&
    question !== undefined &&
    w.writeBytes !== undefined
  ) {
    const packed = encodePacked({
      id: 0,
      flags: 0,
      questions: [question],
      answers: res.answer,
      authorities: res.authority,
      additionals: res.additional,
    });
    if (packed !== undefined) {
      const flags = (res.aa ? Flag.AA : 0) | res.rcode;
      const entry = memo.add(packed, flags, req.do, fallsThrough, wildcard);
      const bytes = memo.answer(entry, req, req.replyFlags());
      if (bytes !== undefined) {
        w.writeBytes(bytes);
        return res.rcode;
      }
    }
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
