import {
  classToNumber,
  Flag,
  getRcode,
  nameEquals,
  nameKey,
  Rcode,
  ResponseType,
  typeToNumber,
  typifyResponse,
  type Message,
  type ResourceRecord,
} from '@tsdns/core';

const TYPE_ANY = 255;
const TYPE_CNAME = 5;
const CLASS_ANY = 255;

/** A type or class number, or -1 for a mnemonic that names none (a hand-built record). */
function typeNumber(type: string): number {
  try {
    return typeToNumber(type);
  } catch {
    return -1;
  }
}

function classNumber(cls: string): number {
  try {
    return classToNumber(cls);
  } catch {
    return -1;
  }
}

export function hasSoa(msg: Message): boolean {
  const auth = msg.authorities;
  for (let i = 0; i < auth.length; i++) if (auth[i].type === 'SOA') return true;
  return false;
}

/**
 * The kind the cache files a response under (core's typifyResponse, CoreDNS's
 * response.Typify), except that a NOERROR answer whose records do not answer the question
 * (a CNAME chain that ends elsewhere) but that carries an SOA is NODATA (RFC 2308 section
 * 2.2), cached with the negative TTL.
 */
export function cacheKind(msg: Message, nowSeconds: number): ResponseType {
  const kind = typifyResponse(msg, nowSeconds);
  if (kind === ResponseType.NoError && hasSoa(msg) && isNoData(msg)) return ResponseType.NoData;
  return kind;
}

/**
 * Whether a response of `kind` may be cached at all (CoreDNS's key() conditions):
 * never truncated answers, errors, transfers or updates; NXDOMAIN only with an SOA to
 * bound its TTL (RFC 2308 section 5); and not a NOERROR answer whose records miss the
 * question and which has no SOA (an incomplete CNAME chain from a forwarder: RFC 2308
 * says such SOA-less NODATA should not be cached). An empty NOERROR stays cacheable: it
 * cannot be told from a positive answer with its data outside the answer section.
 */
export function isCacheable(msg: Message, kind: ResponseType): boolean {
  if ((msg.flags & Flag.TC) !== 0) return false;
  if (kind === ResponseType.OtherError || kind === ResponseType.Meta || kind === ResponseType.Update)
    return false;
  if (kind === ResponseType.NameError && !hasSoa(msg)) return false;
  if (kind === ResponseType.NoError && !hasSoa(msg) && isNoData(msg)) return false;
  return true;
}

/**
 * Whether a NOERROR response with records in its answer section fails to answer its
 * question. An empty answer section is not NODATA here (see isCacheable).
 */
export function isNoData(msg: Message): boolean {
  return msg.answers.length > 0 && !answersQuestion(msg);
}

/**
 * Whether a NOERROR response holds an answer to its question: a record of the asked type
 * at the name the CNAME chain from the question name ends at (RFC 1034 section 3.6.2).
 * CNAME questions are answered by a CNAME at the name; ANY questions by any record there.
 * A malformed chain (an alias with two targets, a loop) answers nothing.
 */
export function answersQuestion(msg: Message): boolean {
  const q = msg.questions[0];
  if (q === undefined || msg.answers.length === 0 || getRcode(msg) !== Rcode.NOERROR) return false;
  return answerHasType(msg.answers, q.name, typeNumber(q.type), classNumber(q.class));
}

function classMatches(rrClass: string, qclass: number): boolean {
  return qclass === CLASS_ANY || classNumber(rrClass) === qclass;
}

function answerHasType(
  answers: readonly ResourceRecord[],
  name: string,
  qtype: number,
  qclass: number,
): boolean {
  if (qtype === TYPE_ANY) {
    for (const rr of answers) {
      if (rr.type !== 'OPT' && classMatches(rr.class, qclass) && nameEquals(rr.name, name)) return true;
    }
    return false;
  }
  if (qtype === TYPE_CNAME) {
    const target = cnameTarget(answers, name, qclass);
    return typeof target === 'string' && target !== '';
  }
  const terminal = canonicalName(answers, name, qclass);
  if (terminal === undefined) return false;
  for (const rr of answers) {
    if (rr.type === 'OPT') continue;
    if (typeNumber(rr.type) === qtype && classMatches(rr.class, qclass) && nameEquals(rr.name, terminal))
      return true;
  }
  return false;
}

/**
 * The name the CNAME chain from `name` ends at, or undefined for a malformed chain (an
 * owner with two different targets, RFC 2181 section 10.1, or a loop). Each step visits a
 * new owner, so the walk ends after at most as many steps as there are records.
 */
function canonicalName(answers: readonly ResourceRecord[], name: string, qclass: number): string | undefined {
  const visited = new Set<string>();
  for (;;) {
    const key = nameKey(name);
    if (visited.has(key)) return undefined;
    visited.add(key);
    const target = cnameTarget(answers, name, qclass);
    if (target === undefined) return undefined;
    if (target === '') return name;
    name = target;
  }
}

/**
 * The target of the CNAME owned by `owner`: '' when it has none, undefined when it has
 * two different ones. Duplicates naming the same target are tolerated.
 */
function cnameTarget(answers: readonly ResourceRecord[], owner: string, qclass: number): string | undefined {
  let target = '';
  for (const rr of answers) {
    if (rr.type !== 'CNAME' || !classMatches(rr.class, qclass) || !nameEquals(rr.name, owner)) continue;
    if (target !== '' && !nameEquals(target, rr.data)) return undefined;
    target = rr.data;
  }
  return target;
}

/**
 * Whether a response answers its question usefully enough to refresh a stale positive
 * entry under `serve_stale_policy prefer_positive`: complete, positive and on topic.
 */
export function isUsableAnswer(msg: Message, nowSeconds: number): boolean {
  if ((msg.flags & Flag.TC) !== 0) return false;
  if (cacheKind(msg, nowSeconds) !== ResponseType.NoError) return false;
  return answersQuestion(msg);
}
