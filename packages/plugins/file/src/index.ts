import { definePlugin } from '@tsdns/core';
import { FileHandler } from './file.js';
import { parseFile } from './setup.js';
import { FileZones } from './zones.js';

export { FileHandler } from './file.js';
export { parseFile, DEFAULT_RELOAD_MS, type FileConfig, type FileDirective } from './setup.js';
export { FileGroup, FileZones } from './zones.js';

export default definePlugin({
  name: 'file',
  async setup(c) {
    const config = parseFile(c);
    // Setup runs once per key of the block; the zones are read once and shared by all keys.
    const zones = await c.shared(`file/${c.serverBlockIndex}`, async () => {
      try {
        return await FileZones.load(config);
      } catch (e) {
        throw c.err((e as Error).message);
      }
    });
    c.onStartup(() => zones.start());
    c.onShutdown(() => zones.stop());
    c.addHandler((next) => new FileHandler(zones, next));
  },
});
