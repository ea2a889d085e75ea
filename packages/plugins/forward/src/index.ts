import { definePlugin, isMessageTap, pluginLogger } from '@tsdns/core';
import { Forward } from './forward.js';
import { parseForward } from './setup.js';

export { Forward } from './forward.js';
export { parseForward, type ParseContext } from './setup.js';
export { DEFAULTS, type ForwardConfig } from './config.js';
export {
  parseUpstream,
  UpstreamAddressError,
  type UpstreamAddress,
  type UpstreamProtocol,
} from './address.js';
export { parseResolvConf, type ResolvConfNameserver } from './resolv-conf.js';
export { Upstream } from './upstream.js';
export { DurationHistogram, ForwardStats, TIME_BUCKETS, UpstreamStats, type ConnProto } from './stats.js';
export type { PolicyName } from './policy.js';
export {
  CachedConnectionClosedError,
  NoHealthyUpstreamError,
  UpstreamError,
  UpstreamTimeoutError,
} from './errors.js';

const log = pluginLogger('forward');

export default definePlugin({
  name: 'forward',
  setup(c) {
    const configs = parseForward(c, { root: c.config.root, warn: (m) => log.warning(m) });
    // Several forward lines in one block chain in Corefile order: each one's next is the
    // following forward, the last one's the next plugin (what `next RCODE` relies on).
    for (const config of configs) {
      const f = new Forward(config);
      c.addHandler((next) => {
        f.next = next;
        return f;
      });
      c.onStartup(() => {
        f.publishMetadata = c.handlers().some((h) => h.name === 'metadata');
        f.taps = c.handlers().filter(isMessageTap);
      });
      c.onShutdown(() => f.stop());
    }
  },
});
