import { definePlugin } from '@tsdns/core';
import { AutoHandler } from './auto.js';
import { parseAuto } from './setup.js';
import { AutoZones } from './zones.js';

export { AutoHandler } from './auto.js';
export { parseAuto, DEFAULT_RELOAD_MS, type AutoDirective, type AutoSetupContext } from './setup.js';
export { OriginPattern, OriginPatternError } from './pattern.js';
export { scanDirectory, type FoundZone, type ScanResult } from './walk.js';
export { AutoDirectory, AutoZones } from './zones.js';

export default definePlugin({
  name: 'auto',
  async setup(c) {
    const directives = parseAuto(c);
    // Setup runs once per key of the block; the directory is scanned once and shared by all keys.
    const zones = await c.shared(`auto/${c.serverBlockIndex}`, () => AutoZones.load(directives));
    c.onStartup(() => zones.start());
    c.onShutdown(() => zones.stop());
    c.addHandler((next) => new AutoHandler(zones, next));
  },
});
