import {
  HandlerError,
  Rcode,
  Recorder,
  ResponseType,
  classifyResponse,
  encodeMessage,
  isSubdomain,
  log,
  nextOrFailure,
  typifyResponse,
  wasWritten,
  type Handler,
  type Logger,
  type MetadataFunc,
  type ResponseClass,
  type Request,
  type ResponseWriter,
} from '@tsdns/core';
import { renderLine, type LoggedResponse } from './render.js';
import type { LogRule } from './setup.js';

function constant(value: string): MetadataFunc {
  return () => value;
}

// One function per value, made once: publishing metadata then allocates nothing per query.
const TYPE_METADATA: Readonly<Record<ResponseType, MetadataFunc>> = {
  NOERROR: constant('NOERROR'),
  NXDOMAIN: constant('NXDOMAIN'),
  SERVERERROR: constant('SERVERERROR'),
  NODATA: constant('NODATA'),
  DELEGATION: constant('DELEGATION'),
  META: constant('META'),
  UPDATE: constant('UPDATE'),
  OTHERERROR: constant('OTHERERROR'),
};
const CLASS_METADATA: Readonly<Record<ResponseClass, MetadataFunc>> = {
  success: constant('success'),
  denial: constant('denial'),
  error: constant('error'),
};

/** The rcode a failed chain ends with: the HandlerError's, else SERVFAIL (as the server answers). */
function failureRcode(e: unknown): number {
  return e instanceof HandlerError ? e.rcode : Rcode.SERVFAIL;
}

/**
 * The query log (CoreDNS's log plugin): for a query under one of its names, watches the
 * rest of the chain through a Recorder and prints one `[INFO]` line about the query and
 * its response, if the response's class is selected. It also publishes the response's
 * type and class as the metadata `log/type` and `log/class`.
 *
 * A synchronous chain stays synchronous; a Promise is only chained when the rest of the
 * chain returned one. A failing chain is logged with the rcode the server will answer,
 * then the failure is passed on unchanged.
 */
export class QueryLogger implements Handler {
  readonly name = 'log';

  constructor(
    private readonly rules: readonly LogRule[],
    private readonly next: Handler | undefined,
    /** Where lines go; CoreDNS prints them with no plugin prefix. */
    private readonly out: Logger = log,
  ) {}

  serveDNS(req: Request, w: ResponseWriter): number | Promise<number> {
    const name = req.name;
    const rules = this.rules;
    for (let i = 0; i < rules.length; i++) {
      if (isSubdomain(name, rules[i].scope)) return this.serveLogged(rules[i], req, w);
    }
    return nextOrFailure(this.name, this.next, req, w);
  }

  private serveLogged(rule: LogRule, req: Request, w: ResponseWriter): number | Promise<number> {
    const rec = new Recorder(w);
    let result: number | Promise<number>;
    try {
      result = nextOrFailure(this.name, this.next, req, rec);
    } catch (e) {
      this.report(rule, req, rec, failureRcode(e));
      throw e;
    }
    if (typeof result === 'number') {
      this.report(rule, req, rec, result);
      return result;
    }
    return result.then(
      (rcode) => {
        this.report(rule, req, rec, rcode);
        return rcode;
      },
      (e: unknown) => {
        this.report(rule, req, rec, failureRcode(e));
        throw e;
      },
    );
  }

  private report(rule: LogRule, req: Request, rec: Recorder, rcode: number): void {
    const res = rec.msg === undefined && !wasWritten(rcode) ? serverAnswer(req, rec, rcode) : rec;
    const type = res.msg === undefined ? ResponseType.OtherError : typifyResponse(res.msg, Date.now() / 1000);
    const cls = classifyResponse(type);
    req.setMetadata('log/type', TYPE_METADATA[type]);
    req.setMetadata('log/class', CLASS_METADATA[cls]);
    if (rule.classes !== undefined && !rule.classes.has(cls)) return;
    this.out.info(renderLine(rule.format, req, res, performance.now()));
  }
}

/**
 * The error response the server is about to write for a chain that wrote nothing, so the
 * line shows its rcode, flags and size rather than dashes.
 */
function serverAnswer(req: Request, rec: Recorder, rcode: number): LoggedResponse {
  try {
    const msg = req.reply(rcode);
    return { msg, rcode, len: encodeMessage(msg).length, start: rec.start };
  } catch {
    // An extended rcode cannot be sent to a client without EDNS: the server cannot write it either.
    return rec;
  }
}
