import { definePlugin } from '@tsdns/core';
import { HostsHandler } from './hosts.js';
import { parseHosts } from './setup.js';
import { HostsStore } from './store.js';

export { HostsHandler } from './hosts.js';
export {
  parseHosts,
  DEFAULT_HOSTS_FILE,
  DEFAULT_RELOAD_MS,
  DEFAULT_TTL,
  type HostsConfig,
  type HostsSetupContext,
} from './setup.js';
export { HostsStore } from './store.js';
export { HostsTable, type HostsEntry } from './table.js';
export { HostsSource, parseHostsText, type HostsLineProblem, type HostsParseOptions } from './hostsfile.js';
export { addressFromReverse, parseHostAddress, type HostAddress } from './address.js';

export default definePlugin({
  name: 'hosts',
  once: true,
  setup(c) {
    const config = parseHosts(c);
    // Setup runs once per key of the block; the file is read and watched once for all keys.
    const store = c.shared(`hosts/${c.serverBlockIndex}`, () => new HostsStore(config));
    c.onStartup(() => store.start());
    c.onShutdown(() => store.stop());
    c.addHandler((next) => new HostsHandler(store, next));
  },
});
