import { ROOT_CONTEXT, SpanKind, SpanStatusCode, trace, type Span, type Tracer } from '@opentelemetry/api';
import {
  HandlerError,
  Rcode,
  Recorder,
  nextOrFailure,
  rcodeToString,
  wasWritten,
  type Handler,
  type HopObserver,
  type Request,
  type ResponseWriter,
} from '@tsdns/core';

const PLUGIN = 'trace';
/** CoreDNS's name for the span of a whole query. */
export const ROOT_SPAN_NAME = 'servedns';
/** The metadata label of the trace ID of a traced query. */
export const TRACE_ID_METADATA = 'trace/traceid';

/** CoreDNS's span tags. */
export const Tag = {
  Name: 'coredns.io/name',
  Type: 'coredns.io/type',
  Rcode: 'coredns.io/rcode',
  Proto: 'coredns.io/proto',
  Remote: 'coredns.io/remote',
} as const;

/** Picks one query in every `every` (the every-th, the 2·every-th, ...); none for 0. */
export class EveryN {
  #count = 0;

  constructor(readonly every: number) {}

  sample(): boolean {
    return this.every !== 0 && ++this.#count % this.every === 0;
  }
}

/**
 * The trace handler (CoreDNS's trace): one query in every `every` gets a "servedns" span,
 * tagged with its name, type, transport, client address and rcode, and a child span for
 * each plugin that nextOrFailure passes it to, named after the plugin, nested as the calls
 * nest. Other queries only count: no span, no context, no allocation.
 */
export class Trace implements Handler {
  readonly name = PLUGIN;
  next: Handler | undefined = undefined;
  /** Set while the server runs (the exporter starts with it). */
  tracer: Tracer | undefined = undefined;

  /** `sampler` may be shared by the handlers of several keys: they count together. */
  constructor(readonly sampler: EveryN) {}

  serveDNS(req: Request, w: ResponseWriter): number | Promise<number> {
    const tracer = this.tracer;
    // A query whose hops something else already watches is left to it.
    if (tracer === undefined || !this.sampler.sample() || req.hops !== undefined)
      return nextOrFailure(PLUGIN, this.next, req, w);
    return this.#traced(tracer, req, w);
  }

  #traced(tracer: Tracer, req: Request, w: ResponseWriter): number | Promise<number> {
    const root = tracer.startSpan(ROOT_SPAN_NAME, {
      kind: SpanKind.SERVER,
      attributes: {
        [Tag.Name]: req.name,
        [Tag.Type]: req.qtype,
        [Tag.Proto]: req.transport === 'udp' ? 'udp' : 'tcp',
        [Tag.Remote]: req.ip,
      },
    });
    req.setMetadata(TRACE_ID_METADATA, () => root.spanContext().traceId);
    req.hops = new QuerySpans(tracer, root);
    const rec = new Recorder(w);
    let result: number | Promise<number>;
    try {
      result = nextOrFailure(PLUGIN, this.next, req, rec);
    } catch (e) {
      finishRoot(root, rec, undefined, e);
      throw e;
    }
    if (typeof result === 'number') {
      finishRoot(root, rec, result, undefined);
      return result;
    }
    return result.then(
      (rcode) => {
        finishRoot(root, rec, rcode, undefined);
        return rcode;
      },
      (e: unknown) => {
        finishRoot(root, rec, undefined, e);
        throw e;
      },
    );
  }
}

/**
 * The rcode the client gets: the written response's, or when nothing was written the one
 * the server will write (the returned rcode, a HandlerError's, or SERVFAIL).
 */
function finishRoot(span: Span, rec: Recorder, status: number | undefined, error: unknown): void {
  let rcode: number;
  if (rec.msg !== undefined) rcode = rec.rcode;
  else if (status !== undefined && !wasWritten(status)) rcode = status;
  else if (error instanceof HandlerError) rcode = error.rcode;
  else rcode = status ?? Rcode.SERVFAIL;
  span.setAttribute(Tag.Rcode, rcodeToString(rcode));
  if (error !== undefined) markError(span, error);
  span.end();
}

function markError(span: Span, error: unknown): void {
  const e = error instanceof Error ? error : new Error(String(error));
  span.recordException(e);
  span.setStatus({ code: SpanStatusCode.ERROR, message: e.message });
}

/**
 * The spans of one traced query, as its HopObserver: each call to a next plugin opens a
 * child of the innermost open span and closes it when that plugin's result is in, so
 * asynchronous plugins nest correctly too.
 */
class QuerySpans implements HopObserver {
  #current: Span;

  constructor(
    readonly tracer: Tracer,
    root: Span,
  ) {
    this.#current = root;
  }

  hop(next: Handler, req: Request, w: ResponseWriter): number | Promise<number> {
    const parent = this.#current;
    const span = this.tracer.startSpan(next.name, undefined, trace.setSpan(ROOT_CONTEXT, parent));
    this.#current = span;
    let result: number | Promise<number>;
    try {
      result = next.serveDNS(req, w);
    } catch (e) {
      this.#end(span, parent, e);
      throw e;
    }
    if (typeof result === 'number') {
      this.#end(span, parent, undefined);
      return result;
    }
    return result.then(
      (rcode) => {
        this.#end(span, parent, undefined);
        return rcode;
      },
      (e: unknown) => {
        this.#end(span, parent, e);
        throw e;
      },
    );
  }

  #end(span: Span, parent: Span, error: unknown): void {
    if (error !== undefined) markError(span, error);
    span.end();
    this.#current = parent;
  }
}
