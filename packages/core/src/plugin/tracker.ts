import type { Message } from '../wire/types.js';
import type { Request } from './request.js';
import type { ResponseWriter } from './writer.js';
import { WrappingWriter } from './recorder.js';

/**
 * Learns which plugin wrote a query's response (CoreDNS's plugin.PluginTracker), for the
 * `plugin` label of coredns_dns_responses_total. A handler that wants to know (the
 * prometheus plugin) puts one on the Request; from then on `nextOrFailure` hands each
 * next handler a PluginWriter naming it, and the first PluginWriter a response passes
 * through on its way out names the writer.
 *
 * "First on the way out" is what makes a mutator the writer: when cache captures
 * forward's answer and writes it itself, forward's write ends in cache's capturing writer,
 * while cache's own write passes cache's PluginWriter first; and a plugin that only
 * watches (log, wrapping the writer it was given) does not take the credit for a write
 * that passed through a PluginWriter below it.
 */
export interface PluginTracker {
  /** The plugin whose PluginWriter a write currently in progress passed first. */
  writer: string | undefined;
}

/**
 * The writer `nextOrFailure` gives a handler while a tracker is watching the query. It
 * passes bytes through as it passes Messages, so a tracked chain keeps the bytes path.
 */
export class PluginWriter extends WrappingWriter {
  constructor(
    inner: ResponseWriter,
    readonly plugin: string,
    readonly tracker: PluginTracker,
  ) {
    super(inner, inner.transport, true);
  }

  write(msg: Message): number | void {
    const tracker = this.tracker;
    if (tracker.writer !== undefined) return this.inner.write(msg);
    tracker.writer = this.plugin;
    try {
      return this.inner.write(msg);
    } finally {
      tracker.writer = undefined;
    }
  }

  protected override forwardBytes(bytes: Uint8Array): number {
    const tracker = this.tracker;
    if (tracker.writer !== undefined) return this.inner.writeBytes!(bytes);
    tracker.writer = this.plugin;
    try {
      return this.inner.writeBytes!(bytes);
    } finally {
      tracker.writer = undefined;
    }
  }
}

/** The writer to hand `next`: `w` itself unless a tracker watches the query. */
export function trackedWriter(req: Request, w: ResponseWriter, next: string): ResponseWriter {
  const tracker = req.tracker;
  return tracker === undefined ? w : new PluginWriter(w, next, tracker);
}
