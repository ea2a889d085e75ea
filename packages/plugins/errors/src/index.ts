import { definePlugin, pluginLogger } from '@tsdns/core';
import { Consolidator } from './consolidate.js';
import { ErrorsHandler } from './errors.js';
import { parseErrors } from './setup.js';

export { ErrorsHandler, errorText, type ErrorsOptions } from './errors.js';
export { Consolidator, type ConsolidateLevel, type ConsolidateRule } from './consolidate.js';
export { MAX_REGEXP_LENGTH, compilePattern, parseErrors, type ErrorsConfig } from './setup.js';

export default definePlugin({
  name: 'errors',
  once: true,
  setup(c) {
    const config = parseErrors(c);
    const logger = pluginLogger('errors');
    let consolidator: Consolidator | undefined;
    if (config.consolidate.length > 0) {
      const created = new Consolidator(config.consolidate, logger);
      // Summaries still pending when this instance stops (shutdown or reload) are printed then.
      c.onShutdown(() => created.stop());
      consolidator = created;
    }
    const options = { consolidator, stacktrace: config.stacktrace };
    c.addHandler((next) => new ErrorsHandler(next, options, logger));
  },
});
