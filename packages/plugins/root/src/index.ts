import { definePlugin, pluginLogger } from '@tsdns/core';
import { parseRoot } from './setup.js';

export { parseRoot, type RootConfig } from './setup.js';

export default definePlugin({
  name: 'root',
  once: true,
  setup(c) {
    const root = parseRoot(c);
    if (!root.exists) pluginLogger('root').warning(`Root path does not exist: ${root.path}`);
    c.config.root = root.path;
  },
});
