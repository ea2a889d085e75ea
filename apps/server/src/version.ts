/**
 * What `tsdns -version` and `tsdns -plugins` print, in the shapes of `coredns -version`
 * ("CoreDNS-1.11.1" then "linux/amd64, go1.21.1, ae2bbc2") and `coredns -plugins`.
 */
import { readFileSync } from 'node:fs';
import type { PluginTableEntry } from './generated/plugins.js';

export const APP_NAME = 'tsdns';

/** The version of this package (read at run time: the same file serves src/ and dist/). */
export const APP_VERSION: string = (
  JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }
).version;

/** "tsdns-0.1.0\nlinux/x64, node v20.19.5\n": the name and version, then the platform and runtime. */
export function versionText(): string {
  return `${APP_NAME}-${APP_VERSION}\n${process.platform}/${process.arch}, node ${process.version}\n`;
}

/**
 * The compiled-in plugins the way Caddy's DescribePlugins lists them for CoreDNS: the server
 * type, the Corefile loaders (the -conf flag, then the default), then each plugin as
 * `dns.NAME`, sorted by name.
 */
export function pluginsText(table: readonly PluginTableEntry[]): string {
  const names = table.map((p) => `dns.${p.directive}`).sort();
  let out = 'Server types:\n  dns\n\nCaddyfile loaders:\n  flag\n  default\n\nOther plugins:\n';
  for (const name of names) out += `  ${name}\n`;
  return out;
}
