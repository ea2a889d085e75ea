import { definePlugin, type PluginDefinition } from '@tsdns/core';
import { Cache, type CacheOptions } from '../cache.js';
import { cachePlugin } from '../index.js';

/**
 * The `cache` plugin, reporting the Cache handlers it created once the server has started,
 * so a test can read their counters.
 */
export function observedCache(found: Cache[], options: CacheOptions = {}): PluginDefinition {
  const base = cachePlugin(options);
  return definePlugin({
    name: 'cache',
    once: true,
    setup(c) {
      c.onStartup(() => {
        for (const h of c.handlers()) if (h instanceof Cache) found.push(h);
      });
      return base.setup(c);
    },
  });
}
