import { definePlugin, type PluginDefinition } from '@tsdns/core';
import { LoadBalance, type WireReorder } from './loadbalance.js';
import { roundRobinWire } from './wire.js';
import { preferSubnets, randomShuffle, weightedShuffle, type Reorder } from './policies.js';
import { mathRandomInt, type RandomInt } from './sections.js';
import { parseLoadBalance } from './setup.js';
import { WeightFile } from './weight-file.js';

export { LoadBalance, type WireReorder } from './loadbalance.js';
export { roundRobinWire } from './wire.js';
export { Subnet, canonicalIp } from './address.js';
export {
  preferSubnets,
  randomShuffle,
  roundRobin,
  topAddressIndex,
  weightedShuffle,
  type Reorder,
  type WeightSource,
} from './policies.js';
export { parseLoadBalance, DEFAULT_RELOAD_MS, type LoadBalanceConfig } from './setup.js';
export { WeightFile, WeightFileOpenError } from './weight-file.js';
export { parseWeights, WeightFileError, type WeightTable } from './weights.js';
export type { RandomInt } from './sections.js';

/**
 * The `loadbalance` plugin definition with its random source replaceable (for tests that
 * need a known order). The default export uses Math.random.
 */
export function loadBalancePlugin(random: RandomInt = mathRandomInt): PluginDefinition {
  return definePlugin({
    name: 'loadbalance',
    once: true,
    setup(c) {
      const config = parseLoadBalance(c, c.config.root);
      let reorder: Reorder;
      let reorderWire: WireReorder | undefined;
      if (config.policy === 'weighted' && config.weightFile !== undefined) {
        const file = new WeightFile(config.weightFile, config.reloadMs);
        c.onStartup(() => file.start());
        c.onShutdown(() => file.stop());
        reorder = weightedShuffle(file, random);
      } else {
        const shuffle = randomShuffle(random);
        if (config.prefer.length === 0) {
          reorder = shuffle;
          reorderWire = (bytes) => roundRobinWire(bytes, random);
        } else {
          const prefer = preferSubnets(config.prefer);
          reorder = (msg) => prefer(shuffle(msg));
        }
      }
      c.addHandler((next) => new LoadBalance(reorder, next, reorderWire));
    },
  });
}

export default loadBalancePlugin();
