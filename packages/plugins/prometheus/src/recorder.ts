import { getRcode, type Message, type PluginTracker, type ResponseWriter, type Transport } from '@tsdns/core';

/**
 * The prometheus handler's view of the response (CoreDNS's metrics.Recorder): what was
 * written, its size, when the query came in, and, as the query's PluginTracker, which
 * plugin wrote it. The handler passes it straight to the first plugin after it, so a
 * write that passed no PluginWriter on its way here is that plugin's. It reads the
 * connection facts through, rather than copying them, as most queries never ask.
 */
export class MetricsRecorder implements ResponseWriter, PluginTracker {
  /** The response written, once written. */
  msg: Message | undefined = undefined;
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
    readonly inner: ResponseWriter,
    /** The plugin this recorder is handed to: the writer when no PluginWriter names another. */
    private readonly first: string,
  ) {}

  get transport(): Transport {
    return this.inner.transport;
  }
  get remoteAddress(): string {
    return this.inner.remoteAddress;
  }
  get remotePort(): number {
    return this.inner.remotePort;
  }
  get localAddress(): string {
    return this.inner.localAddress;
  }
  get localPort(): number {
    return this.inner.localPort;
  }

  write(msg: Message): number | void {
    if (this.msg === undefined) {
      this.plugin = this.writer ?? this.first;
      this.msg = msg;
      this.rcode = getRcode(msg);
    }
    const sent = this.inner.write(msg);
    if (typeof sent === 'number') this.len += sent;
    return sent;
  }

  whenWritable(): boolean | Promise<boolean> {
    return this.inner.whenWritable?.() ?? true;
  }
}
