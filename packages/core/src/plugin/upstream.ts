/**
 * Upstream resolution (CoreDNS's plugin/pkg/upstream; DESIGN 3.4): a plugin asks the
 * server to resolve a name through its own full plugin chain, as if the client had asked
 * for it, e.g. the file plugin following a CNAME whose target is outside its zone, or
 * kubernetes answering an ExternalName service.
 *
 *     const answer = await req.upstream('target.example.net.', 'A');
 *     msg.answers.push(...answer.answers);
 *
 * The server attaches a ChainResolver to every Request it dispatches (the router of the
 * listener the query came in on). The lookup is a new query: a fresh ID, the one
 * question, the client's EDNS (OPT) record and RD/CD bits, no other sections. It goes
 * through the server block its name routes to, like a query from the same client (same
 * addresses and transport, through a NonWriter so nothing reaches the client), and
 * resolves with the response that chain wrote, or the error response the server would
 * have written. A lookup from inside a lookup counts one level deeper; past
 * MAX_UPSTREAM_DEPTH levels it fails with UpstreamError, so a CNAME loop between
 * plugins ends instead of recursing forever.
 */
import { randomInt } from 'node:crypto';
import type { Message } from '../wire/types.js';
import { NonWriter } from './recorder.js';
import { Request } from './request.js';

/** How many lookups may nest (a lookup made while answering a lookup, and so on). */
export const MAX_UPSTREAM_DEPTH = 8;

/** Serves a Request through the server's chains; implemented by the server's router. */
export interface ChainResolver {
  /**
   * Serves `req` as the server serves a query, with `w` (req's writer) capturing the
   * response; resolves with the response message.
   */
  resolve(req: Request, w: NonWriter): Promise<Message>;
}

/** An upstream lookup that cannot be made: no server behind the request, or too deep. */
export class UpstreamError extends Error {
  override readonly name = 'UpstreamError';
}

const FLAGS_KEPT = 0x0100 | 0x0010; // RD and CD

/** The query an upstream lookup of `name`/`type` sends on behalf of `req`. */
export function upstreamQuery(req: Request, name: string, type: string): Message {
  const q = req.msg;
  const opt = req.edns;
  return {
    id: randomInt(0, 0x10000),
    flags: q.flags & FLAGS_KEPT,
    questions: [{ name, type, class: req.qclass || 'IN' }],
    answers: [],
    authorities: [],
    // A lookup through ourselves is no new hop (RFC 6891 does not apply): the client's EDNS stays.
    additionals: opt === undefined ? [] : [opt],
  };
}

/** See the module comment; `Request.upstream` calls this. */
export function upstreamLookup(req: Request, name: string, type: string): Promise<Message> {
  const resolver = req.resolver;
  if (resolver === undefined) {
    return Promise.reject(new UpstreamError(`no server to resolve ${name} ${type} through`));
  }
  if (req.depth >= MAX_UPSTREAM_DEPTH) {
    return Promise.reject(
      new UpstreamError(`upstream lookup of ${name} ${type} nested more than ${MAX_UPSTREAM_DEPTH} deep`),
    );
  }
  const w = new NonWriter(req.w);
  const inner = new Request(upstreamQuery(req, name, type), w, req.zone);
  inner.resolver = resolver;
  inner.depth = req.depth + 1;
  inner.server = req.server;
  return resolver.resolve(inner, w);
}
