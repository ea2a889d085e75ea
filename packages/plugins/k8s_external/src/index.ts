import { definePlugin, isExternalSource } from '@tsdns/core';
import { K8sExternal } from './external.js';
import { parseK8sExternal } from './setup.js';

export { K8sExternal } from './external.js';
export { addressFromReverse } from './reverse.js';
export {
  DEFAULT_APEX,
  DEFAULT_TTL,
  parseK8sExternal,
  type K8sExternalConfig,
  type K8sExternalSetupContext,
} from './setup.js';

/** The plugin whose data is served: CoreDNS looks for it by this name too. */
const SOURCE = 'kubernetes';

export default definePlugin({
  name: 'k8s_external',
  setup(c) {
    const handler = new K8sExternal(parseK8sExternal(c));
    // Made now, while the tokens still point at the directive.
    const notLoaded = c.err(`${SOURCE} plugin not loaded`);
    const notASource = c.err(`${SOURCE} plugin does not implement the Externaler interface`);
    c.addHandler((next) => {
      handler.next = next;
      return handler;
    });
    // The chain exists only once every setup has run.
    c.onStartup(() => {
      const h = c.handlers().find((x) => x.name === SOURCE);
      if (h === undefined) throw notLoaded;
      if (!isExternalSource(h)) throw notASource;
      handler.source = h;
    });
  },
});
