import {
  MAX_NAME_LENGTH,
  NonWriter,
  Rcode,
  getRcode,
  isSubdomain,
  matchZone,
  nameEquals,
  nameWireLength,
  nextOrFailure,
  wasWritten,
  type Handler,
  type Message,
  type Request,
  type ResponseWriter,
} from '@tsdns/core';
import { withSearchCname } from './cname.js';
import { autopathSuccess } from './metrics.js';

const NAME = 'autopath';

/**
 * A search path: absolute lowercased domains in the order a client tries them, where the
 * empty string stands for the name as asked, without a domain appended (CoreDNS's
 * sentinel). A client's path ends with it; so does one read from resolv.conf.
 */
export type SearchPath = readonly string[];

/** Gives the search path of the client that sent `req`, or undefined when it is not known. */
export type SearchPathFunc = (req: Request) => SearchPath | undefined;

/**
 * Server-side search path completion (CoreDNS's autopath). A query whose name lies below the
 * first domain of the client's search path is taken to be the first step of a search: the
 * name the client typed (the query name without that domain) is tried with each domain of
 * the path in turn, through the rest of the chain, and the first answer that is not
 * NXDOMAIN goes back to the client with a CNAME from the name it asked to the name that
 * answered. When every step is NXDOMAIN the client gets the first step's answer and goes on
 * searching itself.
 */
export class AutoPath implements Handler {
  readonly name = NAME;
  next: Handler | undefined = undefined;
  /** The per-query search path from another plugin (`@plugin`); set at startup. */
  searchFunc: SearchPathFunc | undefined = undefined;

  constructor(
    /** The zones whose queries are searched; others pass straight on. */
    readonly zones: readonly string[],
    /** The fixed search path read from a resolv.conf file; empty with `@plugin`. */
    readonly search: SearchPath,
  ) {}

  serveDNS(req: Request, w: ResponseWriter): number | Promise<number> {
    if (matchZone(this.zones, req.name) === undefined) return nextOrFailure(NAME, this.next, req, w);
    const search = this.searchFunc === undefined ? this.search : this.searchFunc(req);
    if (search === undefined || search.length === 0) return nextOrFailure(NAME, this.next, req, w);
    const first = search[0];
    // A query for the first domain itself names nothing to search for (CoreDNS fails it with
    // SERVFAIL; passing it on answers it as if autopath were not there).
    if (first === '' || nameEquals(req.name, first) || !isSubdomain(req.name, first))
      return nextOrFailure(NAME, this.next, req, w);
    const qname = req.qname;
    const base = first === '.' ? qname.slice(0, -1) : qname.slice(0, qname.length - first.length - 1);
    return new SearchWalk(this.next, req, w, base, search).run();
  }
}

/** One walk of a search path for one query; synchronous as long as the chain answers synchronously. */
class SearchWalk {
  #step = 0;
  #firstReply: Message | undefined = undefined;
  #firstRcode: number = Rcode.SERVFAIL;

  constructor(
    private readonly next: Handler | undefined,
    private readonly req: Request,
    private readonly w: ResponseWriter,
    private readonly base: string,
    private readonly search: SearchPath,
  ) {}

  run(): number | Promise<number> {
    while (this.#step < this.search.length) {
      const name = this.candidate(this.search[this.#step]);
      if (name === undefined) {
        // Too long to exist: that step is an NXDOMAIN nobody needs to be asked about.
        this.#step++;
        continue;
      }
      const nw = new NonWriter(this.w);
      const sub = this.req.withQuestion(name, this.req.qtype, nw);
      // The steps are part of this query: whoever watches its hops and writer watches them too.
      sub.tracker = this.req.tracker;
      sub.hops = this.req.hops;
      const rcode = nextOrFailure(NAME, this.next, sub, nw);
      if (rcode instanceof Promise) return rcode.then((r) => this.#settle(r, nw) ?? this.run());
      const done = this.#settle(rcode, nw);
      if (done !== undefined) return done;
    }
    if (wasWritten(this.#firstRcode) && this.#firstReply !== undefined) this.w.write(this.#firstReply);
    return this.#firstRcode;
  }

  /** The name of one step, or undefined when it would be longer than a name may be. */
  private candidate(domain: string): string | undefined {
    const name = domain === '' || domain === '.' ? `${this.base}.` : `${this.base}.${domain}`;
    return nameWireLength(name) > MAX_NAME_LENGTH ? undefined : name;
  }

  /** Looks at one step's answer: the rcode to return when the walk is over, else undefined. */
  #settle(rcode: number, nw: NonWriter): number | undefined {
    const step = this.#step++;
    const msg = nw.msg;
    if (step === 0) {
      this.#firstReply = msg;
      this.#firstRcode = rcode;
    }
    if (!wasWritten(rcode) || msg === undefined || getRcode(msg) === Rcode.NXDOMAIN) return undefined;
    this.w.write(withSearchCname(msg, this.req.qname));
    autopathSuccess(this.req.server).inc();
    return rcode;
  }
}
