import {
  getRcode,
  wireRcode,
  WrappingWriter,
  type Message,
  type PluginTracker,
  type ResponseWriter,
} from '@tsdns/core';

/**
 * The prometheus handler's view of the response (CoreDNS's metrics.Recorder): whether and
 * with which rcode a response was written, its size, when the query came in, and, as the
 * query's PluginTracker, which plugin wrote it. The handler passes it straight to the first
 * plugin after it, so a write that passed no PluginWriter on its way here is that
 * plugin's. Responses sent as bytes (a cache hit) pass through as bytes: the rcode is read
 * from their header.
 */
export class MetricsRecorder extends WrappingWriter implements PluginTracker {
  /** Whether a response was written. */
  written = false;
  /** Its rcode, extended rcode included; 0 until written. */
  rcode = 0;
  /** Bytes sent; 0 until written (or when the writer does not say). */
  len = 0;
  /** When the query reached the handler, from performance.now(). */
  readonly start = performance.now();
  /** The plugin whose PluginWriter a write in progress passed first (core's tracker.ts). */
  writer: string | undefined = undefined;
  /** The plugin that wrote the response; empty until one does. */
  plugin = '';

  constructor(
    inner: ResponseWriter,
    /** The plugin this recorder is handed to: the writer when no PluginWriter names another. */
    private readonly first: string,
  ) {
    super(inner, inner.transport, true);
  }

  write(msg: Message): number | void {
    if (!this.written) this.#record(getRcode(msg));
    const sent = this.inner.write(msg);
    if (typeof sent === 'number') this.len += sent;
    return sent;
  }

  protected override forwardBytes(bytes: Uint8Array): number {
    if (!this.written) this.#record(wireRcode(bytes));
    const sent = this.inner.writeBytes!(bytes);
    this.len += sent;
    return sent;
  }

  #record(rcode: number): void {
    this.written = true;
    this.plugin = this.writer ?? this.first;
    this.rcode = rcode;
  }
}
