import type { Message } from '../wire/types.js';
import { Flag, Opcode, Rcode, rcodeToString } from '../wire/constants.js';
import { decodeMessage, HEADER_LENGTH } from '../wire/decode.js';
import { HandlerError, wasWritten } from '../plugin/handler.js';
import { Request } from '../plugin/request.js';
import { log } from '../log.js';
import { DROPPED_ZONE, familyLabel, panics, protoLabel, qtypeLabel, reportQuery } from '../metrics/dns.js';
import type { Router, Site } from './router.js';
import type { ServerWriter } from './writer.js';

/** Told when a query's chain goes asynchronous and when it settles (listener, connection). */
export interface QueryTracker {
  begin(): void;
  end(): void;
}
const OPCODE_MASK = 0x7800;

/**
 * Answers one DNS message that arrived on a listener (CoreDNS's Server.ServeDNS plus the
 * message checks miekg/dns does before it):
 *  - shorter than a header, or a response (QR set): dropped without an answer;
 *  - an opcode other than QUERY or NOTIFY: NOTIMP;
 *  - undecodable, not exactly one question, or more than one OPT record: FORMERR;
 *  - EDNS version above 0: BADVERS (RFC 6891 section 6.1.3);
 *  - a class other than IN when no handler on the listener serves other classes, or no
 *    server block for the name: REFUSED;
 *  - otherwise the chain of the most specific server block answers. A returned rcode that
 *    means "nothing written" makes the server write that rcode; a thrown HandlerError
 *    writes its rcode; any other exception is logged and answered SERVFAIL, unless the
 *    block has `debug`, where it is rethrown (CoreDNS's debug disables recover).
 *
 * A synchronous chain is handled synchronously: no Promise is made for it, and nothing is
 * returned. For an asynchronous chain the Promise that settles after the answer is
 * returned (it rejects only in debug mode, when nobody is meant to catch it).
 */
export function dispatch(
  router: Router,
  tracker: QueryTracker,
  buf: Uint8Array,
  w: ServerWriter,
): Promise<void> | undefined {
  if (buf.length < HEADER_LENGTH) return undefined;
  const flags = (buf[2] << 8) | buf[3];
  if ((flags & Flag.QR) !== 0) return undefined;

  let msg: Message;
  try {
    msg = decodeMessage(buf);
  } catch {
    // The decoder's contract is to throw WireError only; anything it throws means the bytes are bad.
    w.writeRaw(formerrFor(buf, flags));
    return undefined;
  }

  const req = new Request(msg, w);
  req.resolver = router;
  req.server = router.address;
  req.wireSize = buf.length;
  req.wire = buf;
  w.req = req;
  const opcode = (flags & OPCODE_MASK) >> 11;
  if (opcode !== Opcode.QUERY && opcode !== Opcode.NOTIFY) {
    w.write(req.reply(Rcode.NOTIMP));
    return undefined;
  }
  if (msg.questions.length !== 1 || countOpt(msg) > 1) {
    w.write(req.reply(Rcode.FORMERR));
    return undefined;
  }
  const opt = req.edns;
  if (opt !== undefined && opt.ednsVersion > 0) {
    w.write(req.reply(Rcode.BADVERS));
    return undefined;
  }

  if (!router.anyClass && req.qclass !== 'IN') {
    refuse(req, w);
    return undefined;
  }

  const site = router.route(req);
  if (site === undefined || site.chain === undefined) {
    refuse(req, w);
    return undefined;
  }
  req.zone = site.config.zone;

  let result: number | Promise<number>;
  try {
    result = site.chain.serveDNS(req, w);
  } catch (e) {
    chainFailed(router, site, req, w, e);
    return undefined;
  }
  if (typeof result === 'number') {
    if (!wasWritten(result) && !w.written) w.write(req.reply(result));
    return undefined;
  }

  const instanceInflight = router.instanceInflight;
  instanceInflight.begin();
  tracker.begin();
  return result.then(
    (rcode) => {
      instanceInflight.end();
      tracker.end();
      if (!wasWritten(rcode) && !w.written) w.write(req.reply(rcode));
    },
    (e: unknown) => {
      instanceInflight.end();
      tracker.end();
      // In debug mode this rethrows: an unhandled rejection ends the process, as a panic would.
      chainFailed(router, site, req, w, e);
    },
  );
}

function chainFailed(router: Router, site: Site, req: Request, w: ServerWriter, e: unknown): void {
  if (e instanceof HandlerError) {
    if (!w.written) w.write(req.reply(e.rcode));
    return;
  }
  if (site.config.debug) throw e;
  panics.labels().inc();
  log.error(`Recovered from panic in server: "${router.address}" ${errorText(e)}`);
  if (!w.written) answerUnchained(req, w, Rcode.SERVFAIL);
}

function refuse(req: Request, w: ServerWriter): void {
  answerUnchained(req, w, Rcode.REFUSED);
}

/**
 * The server's own answer to a query no chain answered (none takes it, or one panicked),
 * counted as CoreDNS's errorAndMetricsFunc counts it: under the zone "dropped", whether
 * or not any block has the prometheus plugin.
 */
function answerUnchained(req: Request, w: ServerWriter, rcode: number): void {
  const sent = w.write(req.reply(rcode));
  reportQuery({
    server: req.server,
    zone: DROPPED_ZONE,
    view: '',
    proto: protoLabel(req.transport),
    family: familyLabel(req.family),
    type: qtypeLabel(req.qtype),
    do: req.do,
    requestSize: req.wireSize ?? 0,
    responseSize: sent,
    rcode: rcodeToString(rcode),
    plugin: '',
    durationSeconds: 0,
  });
}

/** One line, like CoreDNS's `%v` of the recovered value. */
function errorText(e: unknown): string {
  return e instanceof Error ? `${e.name}: ${e.message}` : String(e);
}

function countOpt(msg: Message): number {
  let n = 0;
  for (const rr of msg.additionals) if (rr.type === 'OPT') n++;
  return n;
}

/**
 * FORMERR for bytes that do not decode: the header's ID, opcode and RD, and the question
 * when the bytes up to the end of the question section are sound.
 */
function formerrFor(buf: Uint8Array, flags: number): Message {
  const reply: Message = {
    id: (buf[0] << 8) | buf[1],
    flags: Flag.QR | (flags & (OPCODE_MASK | Flag.RD)) | Rcode.FORMERR,
    questions: [],
    answers: [],
    authorities: [],
    additionals: [],
  };
  const question = questionOf(buf);
  if (question !== undefined) reply.questions.push(question);
  return reply;
}

/** The single question of a message whose later sections are broken, if it can be read. */
function questionOf(buf: Uint8Array): Message['questions'][number] | undefined {
  if (((buf[4] << 8) | buf[5]) !== 1) return undefined;
  const headerAndQuestion = Uint8Array.from(buf);
  // Zero the answer, authority and additional counts: what remains is header + question.
  headerAndQuestion.fill(0, 6, HEADER_LENGTH);
  try {
    return decodeMessage(headerAndQuestion).questions[0];
  } catch {
    return undefined;
  }
}
