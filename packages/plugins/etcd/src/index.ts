import { definePlugin, pluginLogger } from '@tsdns/core';
import { EtcdConnection } from './connection.js';
import { Etcd } from './etcd.js';
import { parseEtcd } from './setup.js';

export { Etcd, DEFAULT_TTL, type CopySource, type EtcdSettings } from './etcd.js';
export { EtcdConnection, STARTUP_WAIT_MS, zoneRanges } from './connection.js';
export { EtcdMirror, coveringRanges, type KeyRange } from './mirror.js';
export { parseEtcd, parseLeaseTtl, DEFAULT_ENDPOINT, DEFAULT_PATH, type EtcdConfig } from './setup.js';
export { parseService, ServiceError, type Service } from './service.js';
export { KeyStore, type Entry } from './store.js';
export { keyOfName, domainOfKey, normalizePrefix } from './path.js';

const logger = pluginLogger('etcd');

export default definePlugin({
  name: 'etcd',
  once: true,
  setup(c) {
    const { config, warnings } = parseEtcd(c);
    // Setup runs once per key of the server block, with the same tokens: the keys share one
    // client and one copy of the zones.
    let created = false;
    const connection = c.shared(`etcd/block${c.serverBlockIndex}`, () => {
      created = true;
      return new EtcdConnection(config, logger);
    });
    if (created) {
      for (const w of warnings) logger.warning(w);
      c.onStartup(() => connection.start());
      c.onShutdown(() => connection.close());
    }
    c.addHandler((next) => new Etcd(config, connection, next));
  },
});
