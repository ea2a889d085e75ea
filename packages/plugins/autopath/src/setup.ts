import { resolve } from 'node:path';
import { zonesOf, type Controller, type Dispenser } from '@tsdns/core';
import type { SearchPath } from './autopath.js';
import { SearchPathError, readSearchPath } from './resolv-conf.js';

export interface AutopathConfig {
  /** The zones whose queries are searched: ZONES, else the server block's zones. */
  readonly zones: readonly string[];
  /** From RESOLV-CONF: its search domains followed by '' (the bare name); empty with `@plugin`. */
  readonly search: SearchPath;
  /** With `@plugin`: the directive of the plugin that gives each query's search path. */
  readonly source: string | undefined;
}

/** What parseAutopath needs of the Controller: its token walker, the block's zones and `root`. */
export type AutopathSetupContext = Dispenser &
  Pick<Controller, 'zones'> & { readonly config: Pick<Controller['config'], 'root'> };

/**
 * Reads `autopath [ZONE...] RESOLV-CONF`: the last argument is a resolv.conf file (relative
 * to `root`) whose `search` line is the path, or `@plugin` for a plugin that knows each
 * client's path (`@kubernetes`). When the directive appears more than once in a block the
 * last one counts, as in CoreDNS.
 */
export function parseAutopath(c: AutopathSetupContext): AutopathConfig {
  let config: AutopathConfig | undefined;
  while (c.next()) {
    const args = c.remainingArgs();
    if (args.length === 0) throw c.err('no resolv-conf specified');
    const resolvConf = args[args.length - 1];
    let search: SearchPath = [];
    let source: string | undefined;
    if (resolvConf.startsWith('@')) {
      source = resolvConf.slice(1);
      if (source === '') throw c.err(`no plugin named after '@' in ${JSON.stringify(resolvConf)}`);
    } else {
      search = [...readResolvConf(c, resolvConf), ''];
    }
    if (c.nextBlock()) throw c.err(`unknown property ${JSON.stringify(c.val())}`);
    config = { zones: parseZones(c, args.slice(0, -1)), search, source };
  }
  if (config === undefined) throw c.argErr();
  return config;
}

function readResolvConf(c: AutopathSetupContext, file: string): string[] {
  try {
    return readSearchPath(resolve(c.config.root, file));
  } catch (e) {
    const detail =
      e instanceof SearchPathError
        ? `line ${e.line}: ${e.message}`
        : e instanceof Error
          ? e.message
          : String(e);
    throw c.err(`failed to parse ${JSON.stringify(file)}: ${detail}`);
  }
}

function parseZones(c: AutopathSetupContext, args: readonly string[]): string[] {
  if (args.length === 0) return [...c.zones];
  const zones: string[] = [];
  for (const arg of args) {
    const z = zonesOf(arg);
    if (z.length === 0) throw c.err(`invalid zone ${JSON.stringify(arg)}`);
    zones.push(...z);
  }
  return zones;
}
