import {
  HandlerError,
  Rcode,
  nextOrFailure,
  pluginLogger,
  type Handler,
  type Logger,
  type Request,
  type ResponseWriter,
} from '@tsdns/core';
import type { Consolidator } from './consolidate.js';

/** The errors plugin's settings for one server block key. */
export interface ErrorsOptions {
  /** Present when `consolidate` lines were given. */
  readonly consolidator?: Consolidator;
  /** Print the stack of unexpected exceptions (not HandlerErrors) with their line. */
  readonly stacktrace?: boolean;
}

/**
 * The text CoreDNS prints for an error: a HandlerError names its plugin
 * ("plugin/forward: ..."), unless its message already does.
 */
export function errorText(e: unknown): string {
  if (e instanceof HandlerError) {
    const prefix = `plugin/${e.plugin}: `;
    return e.message.startsWith(prefix) ? e.message : prefix + e.message;
  }
  if (e instanceof Error) return e.message;
  return String(e);
}

/**
 * Logs every error the rest of the chain raises (CoreDNS's errors plugin): a thrown error
 * or a rejected Promise is printed as `[ERROR] plugin/errors: RCODE NAME TYPE: MESSAGE`
 * (or counted by a consolidate pattern), then passed on unchanged so the server still
 * answers with the error's rcode.
 *
 * A synchronous chain stays synchronous: the handler only attaches to a Promise when the
 * rest of the chain returned one.
 */
export class ErrorsHandler implements Handler {
  readonly name = 'errors';

  constructor(
    private readonly next: Handler | undefined,
    private readonly options: ErrorsOptions = {},
    private readonly logger: Logger = pluginLogger('errors'),
  ) {}

  serveDNS(req: Request, w: ResponseWriter): number | Promise<number> {
    let result: number | Promise<number>;
    try {
      result = nextOrFailure(this.name, this.next, req, w);
    } catch (e) {
      this.report(req, e);
      throw e;
    }
    if (typeof result === 'number') return result;
    return result.catch((e: unknown) => {
      this.report(req, e);
      throw e;
    });
  }

  /** Prints (or counts) one error raised while answering `req`. */
  report(req: Request, e: unknown): void {
    const message = errorText(e);
    let level: 'warning' | 'error' | 'info' | 'debug' = 'error';
    const consolidator = this.options.consolidator;
    if (consolidator !== undefined) {
      const verdict = consolidator.offer(message);
      if (verdict === true) return;
      if (verdict !== undefined) level = verdict;
    }
    // The rcode the server will answer: a HandlerError's own, else SERVFAIL.
    const rcode = e instanceof HandlerError ? e.rcode : Rcode.SERVFAIL;
    let line = `${rcode} ${req.name} ${req.qtype}: ${message}`;
    if (this.options.stacktrace === true && !(e instanceof HandlerError) && e instanceof Error && e.stack) {
      line += '\n' + e.stack;
    }
    this.logger[level](line);
  }
}
