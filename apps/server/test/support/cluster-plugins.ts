/**
 * The plugins of this build (the generated plugin table, in chain order), for tests that run
 * cluster Corefiles in the test process.
 */
import type { PluginDefinition } from '@tsdns/core';
import { pluginTable } from '../../src/generated/plugins.js';

export const clusterPlugins: readonly PluginDefinition[] = pluginTable.map((p) => p.definition);

/** Which of `directives` this build does not compile in. */
export function missingPlugins(directives: readonly string[]): string[] {
  const have = new Set(pluginTable.map((p) => p.directive));
  return directives.filter((d) => !have.has(d));
}
