export { run, EXIT_FATAL, EXIT_FORCED, EXIT_OK, EXIT_USAGE } from './cli.js';
export { pluginTable, type PluginTableEntry } from './generated/plugins.js';
export { parseFlags, usage, FlagError, DEFAULT_PORT, type Flags } from './flags.js';
export { defaultCorefile } from './corefile-source.js';
export { APP_NAME, APP_VERSION, pluginsText, versionText } from './version.js';
export { RUNTIME_FLAGS, runtimeFlagsFor, tuneRuntime } from './runtime.js';
