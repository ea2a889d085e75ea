import {
  collectProcessMetrics,
  definePlugin,
  pluginEnabled,
  recordBuildInfo,
  serverLabel,
  type Controller,
} from '@tsdns/core';
import { MetricsEndpoint } from './endpoint.js';
import { MetricsHandler } from './handler.js';
import { parsePrometheus } from './setup.js';

export { MetricsHandler } from './handler.js';
export { MetricsRecorder } from './recorder.js';
export { METRICS_PATH, MetricsEndpoint, serveMetrics } from './endpoint.js';
export { DEFAULT_ADDRESS, parsePrometheus, type PrometheusConfig } from './setup.js';

/** coredns_plugin_enabled{server, zone, view, name} = 1 for each handler of this key's chain. */
function markPluginsEnabled(c: Controller): void {
  const hosts = c.config.listenHosts.length === 0 ? [''] : c.config.listenHosts;
  for (const host of hosts) {
    const server = serverLabel(c.config.transport, host, c.config.port);
    for (const h of c.handlers()) pluginEnabled.labels(server, c.zone, '', h.name).set(1);
  }
}

export default definePlugin({
  name: 'prometheus',
  once: true,
  setup(c) {
    const cfg = parsePrometheus(c);
    collectProcessMetrics();
    recordBuildInfo();

    const zones = c.zones;
    c.addHandler((next) => new MetricsHandler(zones, next));

    // One endpoint per address per instance, whichever blocks name it. A replaced
    // instance lets go of it at once (the new one has attached); a stopping one only in
    // its final shutdown, after health's lameduck, so metrics stay up as in CoreDNS.
    c.shared(`prometheus:endpoint:${cfg.address}`, () => {
      const endpoint = new MetricsEndpoint(cfg.address);
      c.onStartup(() => endpoint.start());
      c.onShutdown(() => (c.instance.state === 'replaced' ? endpoint.stop() : undefined));
      c.onFinalShutdown(() => endpoint.stop());
      return endpoint;
    });

    c.onStartup(() => markPluginsEnabled(c));
    c.onRestartFailed(() => markPluginsEnabled(c));
    // The new instance marks its own plugins; those of blocks it drops must go.
    c.onRestart(() => pluginEnabled.reset());
  },
});
