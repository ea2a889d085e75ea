import { definePlugin } from '@tsdns/core';
import { parseWhoami } from './setup.js';
import { Whoami } from './whoami.js';

export { Whoami } from './whoami.js';
export { parseWhoami } from './setup.js';

export default definePlugin({
  name: 'whoami',
  setup(c) {
    parseWhoami(c);
    // One stateless handler serves every query; it ignores the rest of the chain.
    const handler = new Whoami();
    c.addHandler(() => handler);
  },
});
