import { definePlugin, type PluginDefinition } from '@tsdns/core';
import { Cache, type CacheOptions } from './cache.js';
import { parseCache } from './setup.js';

export { Cache, type CacheOptions } from './cache.js';
export { CacheItem } from './item.js';
export { CacheMetrics } from './metrics.js';
export { cacheBits, effectiveCapacity, type CacheKey } from './store.js';
export {
  DEFAULT_CAPACITY,
  defaultCacheConfig,
  parseCache,
  type CacheConfig,
  type CacheTypeConfig,
  type PrefetchConfig,
  type ServeStaleConfig,
} from './setup.js';

/**
 * The `cache` plugin definition with its clocks replaceable, for programs and tests that
 * need to control time. The default export uses the real clocks.
 */
export function cachePlugin(options: CacheOptions = {}): PluginDefinition {
  return definePlugin({
    name: 'cache',
    once: true,
    setup(c) {
      const config = parseCache(c, c.zones);
      c.addHandler((next) => new Cache(config, next, options));
    },
  });
}

export default cachePlugin();
