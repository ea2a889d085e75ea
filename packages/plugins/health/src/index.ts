import { definePlugin } from '@tsdns/core';
import { HealthEndpoint } from './health.js';
import { parseHealth } from './setup.js';

export { HEALTH_PATH, HealthEndpoint, PROBE_INTERVAL_MS } from './health.js';
export { DEFAULT_ADDRESS, parseHealth, type HealthConfig } from './setup.js';
export { healthDuration, healthFailures } from './metrics.js';

export default definePlugin({
  name: 'health',
  setup(c) {
    const cfg = parseHealth(c);
    // Health is process-wide: one endpoint per address per instance, whichever blocks
    // name it. No handler: health is not part of the chain.
    const endpoint = c.shared(`health:endpoint:${cfg.address}`, () => {
      const ep = new HealthEndpoint(cfg.address);
      c.onStartup(() => ep.start());
      // Replaced by a reload: the new instance has taken the endpoint over already.
      c.onShutdown(() => (c.instance.state === 'replaced' ? ep.stop() : undefined));
      // Stopping: lameduck first (only for an instance that served; one whose reload
      // failed never did), then let go.
      c.onFinalShutdown(async () => {
        if (c.instance.state === 'running') await ep.lameduck();
        await ep.stop();
      });
      return ep;
    });
    endpoint.lameduckMs = Math.max(endpoint.lameduckMs, cfg.lameduckMs);
  },
});
