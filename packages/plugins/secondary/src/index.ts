import { definePlugin, type PluginDefinition } from '@tsdns/core';
import { DEFAULT_TIMING, type RefreshTiming } from './refresh.js';
import { SecondaryHandler } from './secondary.js';
import { parseSecondary } from './setup.js';
import { SecondaryZones } from './zones.js';

export { SecondaryHandler } from './secondary.js';
export { parseSecondary, type SecondaryDirective, type SecondarySetupContext } from './setup.js';
export { DEFAULT_TIMING, SecondaryZone, type RefreshTiming } from './refresh.js';
export { ZoneDirectory, zoneFileName, type PersistedZone } from './persist.js';
export { SecondaryGroup, SecondaryZones } from './zones.js';

/**
 * The plugin with its pacing set (retries of the first transfer, jitter, SOA query and
 * transfer timeouts): for programs that embed tsdns, and tests that cannot wait seconds.
 * The default export uses DEFAULT_TIMING.
 */
export function secondaryPlugin(timing: RefreshTiming = DEFAULT_TIMING): PluginDefinition {
  return definePlugin({
    name: 'secondary',
    async setup(c) {
      const directives = parseSecondary(c);
      // Setup runs once per key of the block; the zones are shared by all keys.
      const zones = await c.shared(`secondary/${c.serverBlockIndex}`, async () => {
        try {
          return await SecondaryZones.load(directives, timing);
        } catch (e) {
          throw c.err(`persist: ${(e as Error).message}`);
        }
      });
      c.onStartup(() => zones.start());
      c.onShutdown(() => zones.stop());
      c.addHandler((next) => new SecondaryHandler(zones, next));
    },
  });
}

export default secondaryPlugin();
