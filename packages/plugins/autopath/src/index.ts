import { definePlugin, isAutoPathSource, pluginLogger } from '@tsdns/core';
import { AutoPath } from './autopath.js';
import { parseAutopath } from './setup.js';

export { AutoPath, type SearchPath, type SearchPathFunc } from './autopath.js';
export { withSearchCname } from './cname.js';
export { autopathSuccess } from './metrics.js';
export { SearchPathError, parseSearchPath, readSearchPath } from './resolv-conf.js';
export { parseAutopath, type AutopathConfig, type AutopathSetupContext } from './setup.js';

const log = pluginLogger('autopath');

export default definePlugin({
  name: 'autopath',
  setup(c) {
    const config = parseAutopath(c);
    const handler = new AutoPath(config.zones, config.search);
    c.addHandler((next) => {
      handler.next = next;
      return handler;
    });
    const source = config.source;
    if (source === undefined) return;
    // Made now, while the tokens still point at the directive's line.
    const notASource = c.err(`${source} does not implement the AutoPather interface`);
    // The chain exists only once every setup has run.
    c.onStartup(() => {
      const h = c.handlers().find((x) => x.name === source);
      if (h === undefined) {
        // CoreDNS carries on without completing search paths; say so rather than stay silent.
        log.warning(`no ${source} plugin in the server block of ${c.zone}: search paths are not completed`);
        return;
      }
      if (!isAutoPathSource(h)) throw notASource;
      handler.searchFunc = (req) => h.autoPath(req);
    });
  },
});
