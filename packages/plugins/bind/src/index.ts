import { definePlugin } from '@tsdns/core';
import { parseBind } from './setup.js';

export { canonicalAddress, parseBind, type InterfaceTable } from './setup.js';

export default definePlugin({
  name: 'bind',
  setup(c) {
    c.config.listenHosts = parseBind(c);
  },
});
