import { definePlugin } from '@tsdns/core';
import { MetadataCollector } from './metadata.js';
import { parseMetadata } from './setup.js';

export { MetadataCollector } from './metadata.js';
export { parseMetadata } from './setup.js';

export default definePlugin({
  name: 'metadata',
  setup(c) {
    const zones = parseMetadata(c, c.zones);
    let collector: MetadataCollector | undefined;
    c.addHandler((next) => (collector = new MetadataCollector(zones, next)));
    c.onStartup(() => collector?.collectProviders(c.handlers()));
  },
});
