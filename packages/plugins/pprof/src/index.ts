import { definePlugin, pluginLogger } from '@tsdns/core';
import { PprofEndpoint } from './endpoint.js';
import { parsePprof } from './setup.js';

export {
  DEFAULT_PROFILE_SECONDS,
  HEAP_PATH,
  INDEX_PATH,
  MAX_PROFILE_SECONDS,
  PROFILE_PATH,
  PprofEndpoint,
  serveHeap,
  serveIndex,
  serveProfile,
} from './endpoint.js';
export { ProfileBusyError, takeCpuProfile, writeHeapSnapshot } from './profiles.js';
export { DEFAULT_ADDRESS, parsePprof, type PprofConfig, type PprofParseOptions } from './setup.js';

const log = pluginLogger('pprof');

export default definePlugin({
  name: 'pprof',
  once: true,
  setup(c) {
    const config = parsePprof(c, { warn: (m) => log.warning(m) });
    // One endpoint per address per server instance, whichever blocks name it.
    c.shared(`pprof:${config.address}`, () => {
      const endpoint = new PprofEndpoint(config.address);
      c.onStartup(() => endpoint.start());
      c.onShutdown(() => endpoint.stop());
      return endpoint;
    });
  },
});
