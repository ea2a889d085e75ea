import { definePlugin } from '@tsdns/core';
import { jitteredIntervalMs, parseReload } from './setup.js';
import { CorefileWatcher } from './watcher.js';

export { CorefileWatcher } from './watcher.js';
export { corefileDigest } from './digest.js';
export { reloadFailed, reloadVersionInfo } from './metrics.js';
export {
  DEFAULT_INTERVAL_NS,
  DEFAULT_JITTER_NS,
  MIN_INTERVAL_NS,
  MIN_JITTER_NS,
  jitteredIntervalMs,
  parseReload,
  type ReloadConfig,
} from './setup.js';

export default definePlugin({
  name: 'reload',
  once: true,
  setup(c) {
    const cfg = parseReload(c);
    // One watcher per instance, however many blocks have reload (it is process-wide).
    const watcher = c.shared('reload:watcher', () => {
      const w = new CorefileWatcher(c.instance);
      c.onStartup(() => w.start());
      c.onShutdown(() => w.stop());
      return w;
    });
    watcher.intervalMs = jitteredIntervalMs(cfg);
  },
});
