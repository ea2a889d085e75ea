import { Recorder, type PluginTracker } from '@tsdns/core';

/**
 * The prometheus handler's view of the response (CoreDNS's metrics.Recorder): what was
 * written, its size, when the query came in, and, as the query's PluginTracker, which
 * plugin wrote it.
 */
export class MetricsRecorder extends Recorder implements PluginTracker {
  /** The plugin whose PluginWriter a write in progress passed first (see core's tracker.ts). */
  writer: string | undefined = undefined;
  /** The plugin that wrote the response; empty until one does. */
  plugin = '';

  override write(msg: Parameters<Recorder['write']>[0]): number | void {
    if (this.msg === undefined) this.plugin = this.writer ?? '';
    return super.write(msg);
  }
}
