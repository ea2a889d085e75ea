import { definePlugin } from '@tsdns/core';
import { parseDebug } from './setup.js';

export { parseDebug } from './setup.js';

/**
 * Sets the block's `debug` flag. The server reads it: a handler's unexpected exception is
 * then not recovered (the process ends with its stack trace), and debug log lines are
 * printed for the whole process while any block of the running Corefile has `debug`.
 */
export default definePlugin({
  name: 'debug',
  setup(c) {
    parseDebug(c);
    c.config.debug = true;
  },
});
