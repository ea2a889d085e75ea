import { definePlugin } from '@tsdns/core';
import { ReadinessList } from './readiness.js';
import { ReadyEndpoint } from './ready.js';
import { parseReady } from './setup.js';

export { READY_PATH, ReadyEndpoint } from './ready.js';
export { ReadinessList } from './readiness.js';
export { DEFAULT_ADDRESS, parseReady, type MonitorMode, type ReadyConfig } from './setup.js';

export default definePlugin({
  name: 'ready',
  once: true,
  setup(c) {
    const cfg = parseReady(c);
    // One list per instance: every endpoint reports the plugins of every block with ready.
    const list = c.shared('ready:list', () => new ReadinessList());
    list.monitor = cfg.monitor;
    list.addChain(() => c.handlers());
    c.shared(`ready:endpoint:${cfg.address}`, () => {
      const endpoint = new ReadyEndpoint(cfg.address, list);
      c.onStartup(() => endpoint.start());
      // Whether replaced or stopping, the instance is no longer ready to serve: let go at
      // once, before any lameduck (health's comes in the final shutdown).
      c.onShutdown(() => endpoint.stop());
      return endpoint;
    });
  },
});
