import {
  Flag,
  Rcode,
  getRcode,
  ResponseType,
  WrappingWriter,
  typifyResponse,
  type Message,
  type Request,
  type ResponseWriter,
} from '@tsdns/core';
import { isUsableAnswer } from './classify.js';
import type { CacheItem } from './item.js';
import type { CacheKey } from './store.js';

/** What the cache needs from its writers: storing a response and reading the wall clock. */
export interface ResponseStore {
  /**
   * Files `res` (the answer to `req`) under `key` if it may be cached; returns the
   * response to send (TTLs capped, AD cleared where it must be) and the item stored.
   */
  store(
    res: Message,
    req: Request,
    key: CacheKey,
    dnssecOk: boolean,
    authenticatedData: boolean,
  ): { response: Message; item: CacheItem | undefined };
  wallSeconds(): number;
  readonly preferPositive: boolean;
}

/**
 * The writer the cache hands to the rest of the chain (CoreDNS's cache ResponseWriter):
 * it stores the response, then passes it on. A background writer (prefetch, refreshing a
 * stale entry) has no client: it only stores.
 */
export class CachingWriter extends WrappingWriter {
  /** The last response as sent (after TTL capping), for callers that answer from it. */
  lastResponse: Message | undefined = undefined;
  /** The item the last response was stored as, if it was stored. */
  lastItem: CacheItem | undefined = undefined;
  /** While true, responses are stored but not sent (see VerifyStaleWriter). */
  background: boolean;

  constructor(
    readonly cache: ResponseStore,
    /** The query answered; a background refresh swaps in its own copy after construction. */
    public req: Request,
    /** The client's writer; background refreshes still carry one for its addresses. */
    inner: ResponseWriter,
    readonly key: CacheKey,
    readonly dnssecOk: boolean,
    readonly authenticatedData: boolean,
    background: boolean,
  ) {
    // A background refresh asks over a stream so that nothing comes back truncated (the
    // transport sets the response size budget downstream), as CoreDNS's prefetch does.
    super(inner, background ? 'tcp' : inner.transport);
    this.background = background;
  }

  write(res: Message): number | void {
    const { response, item } = this.cache.store(
      res,
      this.req,
      this.key,
      this.dnssecOk,
      this.authenticatedData,
    );
    this.lastResponse = response;
    this.lastItem = item;
    if (this.background) return;
    return this.inner.write(response);
  }
}

/**
 * Wraps a CachingWriter while an expired entry is being verified or refreshed (RFC 8767
 * section 4): only a matching, complete NOERROR or NXDOMAIN response replaces the stale
 * entry and reaches the client; anything else is dropped, so the stale entry can be
 * served instead. Under `prefer_positive`, only a usable positive answer goes to the
 * client; other matching responses are stored quietly.
 */
export class VerifyStaleWriter extends WrappingWriter {
  /** Whether the last response refreshed the entry (and was passed on). */
  refreshed = false;
  response: Message | undefined = undefined;
  item: CacheItem | undefined = undefined;

  constructor(override readonly inner: CachingWriter) {
    super(inner);
  }

  write(res: Message): number | void {
    this.refreshed = false;
    this.response = undefined;
    this.item = undefined;
    const inner = this.inner;
    if ((res.flags & Flag.TC) !== 0 || !inner.req.matches(res)) return;
    const now = inner.cache.wallSeconds();
    if (inner.cache.preferPositive) {
      if (isUsableAnswer(res, now)) return this.#pass(res);
      const background = inner.background;
      inner.background = true;
      inner.write(res);
      inner.background = background;
      return;
    }
    const kind = typifyResponse(res, now);
    if (kind === ResponseType.OtherError || kind === ResponseType.Meta || kind === ResponseType.Update)
      return;
    const rcode = getRcode(res);
    if (rcode !== Rcode.NOERROR && rcode !== Rcode.NXDOMAIN) return;
    return this.#pass(res);
  }

  #pass(res: Message): number | void {
    this.refreshed = true;
    const sent = this.inner.write(res);
    this.response = this.inner.lastResponse;
    this.item = this.inner.lastItem;
    return sent;
  }
}
