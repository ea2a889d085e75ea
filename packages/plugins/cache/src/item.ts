import {
  Flag,
  PackedResponse,
  getRcode,
  type Message,
  type Question,
  type Request,
  type ResourceRecord,
} from '@tsdns/core';
import { answersQuestion } from './classify.js';

type Section = readonly ResourceRecord[];

// Never handed out (answers get copies), so it needs no freezing; a frozen array would also
// make every copy take V8's slow path.
const EMPTY: Section = [];

/** Records without the hop-by-hop OPT pseudo-record. */
function withoutOpt(records: Section): Section {
  let n = 0;
  for (let i = 0; i < records.length; i++) if (records[i].type !== 'OPT') n++;
  if (n === 0) return EMPTY;
  if (n === records.length) return records;
  const out: ResourceRecord[] = [];
  for (let i = 0; i < records.length; i++) if (records[i].type !== 'OPT') out.push(records[i]);
  return out;
}

/** Frozen copies of `records` that all carry `ttl`, in an array private to the item. */
function atTtl(records: Section, ttl: number): Section {
  if (records.length === 0) return EMPTY;
  const out = new Array<ResourceRecord>(records.length);
  for (let i = 0; i < records.length; i++) out[i] = Object.freeze({ ...records[i], ttl } as ResourceRecord);
  return out;
}

/**
 * One cached response (CoreDNS's cache item): the header bits and sections of the
 * response, the duration it may be served for and when it was stored.
 *
 * Served answers give every record the same, remaining TTL, as CoreDNS does. The records
 * for one TTL value are built once and shared by every answer served in that second;
 * they are frozen, so a plugin that would change a record in place fails loudly instead
 * of corrupting later answers. Each answer gets its own section arrays.
 */
export class CacheItem {
  /** The question name as the response stored it (for metadata and tests). */
  readonly name: string;
  readonly rcode: number;
  readonly authenticatedData: boolean;
  readonly recursionAvailable: boolean;
  readonly answers: Section;
  readonly authorities: Section;
  readonly additionals: Section;
  /** Whether the response answers its question (see classify.ts): fixed at store time. */
  readonly answering: boolean;
  /**
   * Under `serve_stale_policy prefer_positive`: the answering entry this one replaced when
   * a refresh brought a NOERROR that answers nothing, kept so it can still be served.
   */
  lastKnownGood: CacheItem | undefined = undefined;
  /** The wildcard that synthesized the answer (metadata `zone/wildcard`), or ''. */
  wildcard = '';
  /** The `zone/wildcard` metadata function for answers from this item, made once. */
  readonly wildcardMetadata = (): string => this.wildcard;

  /** Prefetch popularity: queries seen with no gap of the prefetch DURATION between them. */
  hits = 0;
  lastHit = Number.NEGATIVE_INFINITY;

  /** At most one background refresh per item; a failed one may block retries until retryAfter. */
  refreshing = false;
  retryAfter = Number.NEGATIVE_INFINITY;

  /** The question of the stored response (for the packed form). */
  readonly #question: Question | undefined;
  /** The stored response in wire form, made on the first answer to a writer that takes bytes; null if it cannot be. */
  #packed: PackedResponse | null | undefined = undefined;

  #viewTtl = -1;
  #viewAnswers: Section = EMPTY;
  #viewAuthorities: Section = EMPTY;
  #viewAdditionals: Section = EMPTY;

  constructor(
    msg: Message,
    /** The clock reading (ms) when it was stored. */
    readonly stored: number,
    /** Seconds it may be served for: every record's TTL when stored. */
    readonly origTtl: number,
  ) {
    this.#question = msg.questions[0];
    this.name = this.#question?.name ?? '.';
    this.rcode = getRcode(msg);
    this.authenticatedData = (msg.flags & Flag.AD) !== 0;
    this.recursionAvailable = (msg.flags & Flag.RA) !== 0;
    this.answers = msg.answers;
    this.authorities = msg.authorities;
    this.additionals = withoutOpt(msg.additionals);
    this.answering = answersQuestion(msg);
  }

  /** Seconds left at clock reading `now` (ms); zero or less once expired. */
  ttl(now: number): number {
    return this.origTtl - Math.floor((now - this.stored) / 1000);
  }

  /** The item itself when it answers its question, else its last known good answer, if any. */
  answeringItem(): CacheItem | undefined {
    if (this.answering) return this;
    return this.lastKnownGood?.answering === true ? this.lastKnownGood : undefined;
  }

  /**
   * The clock-driven popularity count behind prefetch (CoreDNS's freq): a query within
   * `windowMs` of the previous one adds a hit, a later one starts the count again at 1.
   */
  recordHit(now: number, windowMs: number): number {
    this.hits = this.lastHit < now - windowMs ? 1 : this.hits + 1;
    this.lastHit = now;
    return this.hits;
  }

  /** Starts a refresh unless one is running or a failed one asked to wait. */
  beginRefresh(now: number, failureRecheckMs: number): boolean {
    if (failureRecheckMs > 0 && now < this.retryAfter) return false;
    if (this.refreshing) return false;
    this.refreshing = true;
    return true;
  }

  endRefresh(now: number, failureRecheckMs: number, refreshed: boolean): void {
    this.retryAfter = failureRecheckMs > 0 && !refreshed ? now + failureRecheckMs : Number.NEGATIVE_INFINITY;
    this.refreshing = false;
  }

  #view(ttl: number): void {
    if (ttl === this.#viewTtl) return;
    this.#viewAnswers = atTtl(this.answers, ttl);
    this.#viewAuthorities = atTtl(this.authorities, ttl);
    this.#viewAdditionals = atTtl(this.additionals, ttl);
    this.#viewTtl = ttl;
  }

  /**
   * The answer to `query` from this item, every record with TTL `ttl` (CoreDNS's toMsg):
   * the query's ID, opcode, RD and CD and its question exactly as asked (letter case
   * included); AA set, because some stub resolvers drop non-authoritative answers; RA as
   * stored; AD as stored, but only for a query that set DO or AD (RFC 6840 5.7-5.8).
   * The server's writer adds the OPT record an EDNS query needs.
   */
  toMessage(query: Message, ttl: number, dnssecOk: boolean): Message {
    this.#view(ttl);
    return {
      id: query.id,
      flags: this.#flags(query.flags, dnssecOk),
      questions: query.questions.slice(0, 1),
      answers: this.#viewAnswers.slice(),
      authorities: this.#viewAuthorities.slice(),
      additionals: this.#viewAdditionals.slice(),
    };
  }

  /**
   * The answer of toMessage in wire form, for a writer that takes bytes (writeBytes), or
   * undefined where the Message must be written instead (see PackedResponse.bytesFor: a
   * question in other letter case, an answer to truncate).
   */
  toBytes(req: Request, ttl: number, dnssecOk: boolean): Uint8Array | undefined {
    let packed = this.#packed;
    if (packed === undefined) {
      const question = this.#question;
      packed = this.#packed =
        (question !== undefined &&
          // pack only reads the sections
          PackedResponse.pack({
            id: 0,
            flags: 0,
            questions: [question],
            answers: this.answers as ResourceRecord[],
            authorities: this.authorities as ResourceRecord[],
            additionals: this.additionals as ResourceRecord[],
          })) ||
        null;
    }
    return packed === null ? undefined : packed.bytesFor(req, this.#flags(req.msg.flags, dnssecOk), ttl);
  }

  /** The header flags of an answer to a query with flags `qflags` (see toMessage). */
  #flags(qflags: number, dnssecOk: boolean): number {
    let flags = Flag.QR | Flag.AA | (qflags & (Flag.RD | Flag.CD)) | (this.rcode & 0xf);
    if (this.recursionAvailable) flags |= Flag.RA;
    if (this.authenticatedData && (dnssecOk || (qflags & Flag.AD) !== 0)) flags |= Flag.AD;
    return flags;
  }

  /**
   * The response `res` this item was made from as it goes to the client that asked:
   * header, question and EDNS as the upstream sent them, records with the cached TTL
   * (so the first answer and later ones from the cache agree).
   */
  asFirstResponse(res: Message): Message {
    this.#view(this.origTtl);
    const additionals = this.#viewAdditionals.slice();
    for (const rr of res.additionals) if (rr.type === 'OPT') additionals.push(rr);
    return {
      ...res,
      answers: this.#viewAnswers.slice(),
      authorities: this.#viewAuthorities.slice(),
      additionals,
    };
  }
}
