import { definePlugin } from '@tsdns/core';
import { Any } from './any.js';
import { parseAny } from './setup.js';

export { Any, ANY_CPU, ANY_OS, ANY_TTL } from './any.js';
export { parseAny } from './setup.js';

export default definePlugin({
  name: 'any',
  setup(c) {
    parseAny(c);
    c.addHandler((next) => new Any(next));
  },
});
