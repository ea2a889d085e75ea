/**
 * The plugins of this build (the generated plugin table, in chain order) for tests that run
 * cluster Corefiles in the test process. While plugin.cfg does not list `kubernetes`, its
 * package is added at CoreDNS's position in the chain (after k8s_external, before file), so
 * the Corefiles a cluster runs can be tested before the plugin is compiled in.
 */
import type { PluginDefinition } from '@tsdns/core';
import kubernetes from '@tsdns/plugin-kubernetes';
import { pluginTable } from '../../src/generated/plugins.js';

/** Whether plugin.cfg compiles the kubernetes plugin in. */
export const kubernetesCompiledIn = pluginTable.some((p) => p.directive === 'kubernetes');

function withKubernetes(): PluginDefinition[] {
  const plugins = pluginTable.map((p) => p.definition);
  if (kubernetesCompiledIn) return plugins;
  const after = pluginTable.findIndex((p) => p.directive === 'k8s_external');
  const before = pluginTable.findIndex((p) => p.directive === 'file');
  const at = after !== -1 ? after + 1 : before !== -1 ? before : plugins.length;
  plugins.splice(at, 0, kubernetes);
  return plugins;
}

export const clusterPlugins: readonly PluginDefinition[] = withKubernetes();

/** Which of `directives` these plugins lack. */
export function missingPlugins(directives: readonly string[]): string[] {
  const have = new Set(clusterPlugins.map((p) => p.name));
  return directives.filter((d) => !have.has(d));
}
