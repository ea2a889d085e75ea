import { definePlugin, pluginLogger, type PluginDefinition } from '@tsdns/core';
import { Loop } from './loop.js';
import { DEFAULT_TIMING, LoopProbe, probeTarget, type ProbeTiming } from './probe.js';
import { probeName } from './qname.js';
import { parseLoop } from './setup.js';

export { Loop } from './loop.js';
export { LoopProbe, DEFAULT_TIMING, probeTarget, type ProbeTiming } from './probe.js';
export { probeName } from './qname.js';
export { parseLoop } from './setup.js';

export interface LoopPluginOptions {
  /**
   * Called with the message when a loop is found. The default logs it at FATAL and ends the
   * process (exit code 1), as CoreDNS does; tests pass a function that records it.
   */
  fatal?: (message: string) => void;
  /** Probe timing (default: 30 s deadline, a try per second, 2 s per try). */
  timing?: Partial<ProbeTiming>;
}

const log = pluginLogger('loop');

/** Go's net.JoinHostPort: how CoreDNS names the probed address (":53" when unbound). */
function joinHostPort(host: string, port: string): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}

/** The loop plugin with its way out made explicit. */
export function createLoopPlugin(options: LoopPluginOptions = {}): PluginDefinition {
  const fatal = options.fatal ?? ((message: string) => log.fatal(message));
  const timing: ProbeTiming = { ...DEFAULT_TIMING, ...options.timing };
  return definePlugin({
    name: 'loop',
    once: true,
    setup(c) {
      const zone = parseLoop(c, c.serverBlockKeys);
      const loop = new Loop(zone, probeName(zone), fatal);
      c.addHandler((next) => {
        loop.next = next;
        return loop;
      });
      let probe: LoopProbe | undefined;
      c.onStartup(() => {
        // Read now: `bind` may have set the listen addresses after this setup ran.
        const listenHost = c.config.listenHosts[0];
        loop.address = joinHostPort(listenHost ?? '', c.port);
        probe = new LoopProbe(loop, probeTarget(listenHost), Number(c.port), timing);
        probe.start();
      });
      c.onShutdown(() => probe?.stop());
    },
  });
}

export default createLoopPlugin();
