import { definePlugin } from '@tsdns/core';
import { QueryLogger } from './log.js';
import { parseLog } from './setup.js';

export { QueryLogger } from './log.js';
export { parseLog, type LogRule } from './setup.js';
export {
  COMBINED_LOG_FORMAT,
  COMMON_LOG_FORMAT,
  compileFormat,
  expandShorthands,
  type CompiledFormat,
  type FormatPart,
} from './format.js';

export default definePlugin({
  name: 'log',
  setup(c) {
    const rules = parseLog(c);
    c.addHandler((next) => new QueryLogger(rules, next));
  },
});
