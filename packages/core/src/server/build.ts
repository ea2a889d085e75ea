import { isIP } from 'node:net';
import { CorefileError } from '../corefile/errors.js';
import { ZoneOverlapChecker, formatServerAddress, type ServerAddress } from '../corefile/address.js';
import { parseCorefile, type DirectiveTokens, type ServerBlockConfig } from '../corefile/parser.js';
import { isBare, onSameLine, type Token } from '../corefile/token.js';
import type { InstanceView, SiteConfig } from '../plugin/controller.js';
import type { PluginDefinition } from '../plugin/define.js';
import type { Handler } from '../plugin/handler.js';
import { log } from '../log.js';
import {
  SetupController,
  emptyHookSet,
  unstartedInstance,
  type HookSet,
  type SiteDraft,
} from './controller.js';
import { listenerKey, type ListenAddress } from './listener.js';
import type { Site } from './router.js';
import type { CorefileSource } from './types.js';

/** One listener's worth of sites, before anything is bound. */
export interface ListenerPlan {
  readonly key: string;
  readonly address: ListenAddress;
  readonly sites: Site[];
}

/** A Corefile set up: every key's site with its chain, the hooks, the listeners wanted. */
export interface BuiltConfig {
  readonly sites: readonly Site[];
  readonly hooks: HookSet;
  readonly listeners: ReadonlyMap<string, ListenerPlan>;
  readonly debug: boolean;
}

export interface BuildOptions {
  readonly plugins: readonly PluginDefinition[];
  readonly defaultPort?: string;
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** The instance the setups belong to (Controller.instance); by default one that never runs. */
  readonly instance?: InstanceView;
}

/** CoreDNS's plugin.ErrOnce text. */
export const ONCE_MESSAGE = 'this plugin can only be used once per Server Block';

/**
 * Parses a Corefile and runs the plugins' setups (chapter 9, "executeDirectives"): for each
 * plugin in plugin.cfg order, for each server block where it appears, once per key of the
 * block (every zone gets its own Controller, config and chain). Then builds each chain in
 * plugin.cfg order, whatever the order in the Corefile, and groups the keys by listener.
 * Nothing is bound and no hook runs here. Every error is a CorefileError with file:line.
 */
export async function buildConfig(source: CorefileSource, options: BuildOptions): Promise<BuiltConfig> {
  const plugins = options.plugins;
  const byName = new Map<string, PluginDefinition>();
  for (const p of plugins) byName.set(p.name, p);

  const blocks = parseCorefile(source.text, {
    filename: source.filename,
    env: options.env,
    knownDirectives: new Set(byName.keys()),
    defaultDnsPort: options.defaultPort,
    onWarning: (message) => log.warning(message),
  });

  const drafts: SiteDraft[][] = [];
  const positions: ServerAddress[][] = [];
  for (const block of blocks) {
    checkSupportedTransports(block);
    checkOnce(block, byName);
    positions.push([...block.addresses]);
    drafts.push(
      block.addresses.map((a) => ({
        config: newSiteConfig(a),
        factories: new Map(),
        handlers: [],
      })),
    );
  }

  const hooks = emptyHookSet();
  const shared = new Map<string, unknown>();
  const instance = options.instance ?? unstartedInstance(source);
  for (const plugin of plugins) {
    for (let b = 0; b < blocks.length; b++) {
      const block = blocks[b];
      const tokens = block.directives.get(plugin.name);
      if (tokens === undefined) continue;
      const zones = block.addresses.map((a) => a.zone);
      const keys = block.addresses.map((a) => a.key);
      for (let k = 0; k < block.addresses.length; k++) {
        const c = new SetupController({
          directive: plugin.name,
          tokens: tokens.tokens,
          corefilePath: source.filename,
          serverBlockIndex: b,
          serverBlockKeys: keys,
          serverBlockKeyIndex: k,
          zones,
          site: drafts[b][k],
          hooks,
          shared,
          instance,
        });
        try {
          await plugin.setup(c);
        } catch (e) {
          throw pluginError(plugin.name, tokens, e);
        }
      }
    }
  }

  const sites: Site[] = [];
  for (let b = 0; b < blocks.length; b++) {
    for (let k = 0; k < drafts[b].length; k++) {
      sites.push(buildSite(drafts[b][k], positions[b][k], plugins, blocks[b]));
    }
  }
  return {
    sites,
    hooks,
    listeners: planListeners(sites, positions.flat()),
    debug: sites.some((s) => s.config.debug),
  };
}

function newSiteConfig(a: ServerAddress): SiteConfig {
  return {
    zone: a.zone,
    port: a.port,
    // checkSupportedTransports let only dns:// through
    transport: 'dns',
    listenHosts: [],
    root: process.cwd(),
    debug: false,
  };
}

/** Only plain DNS (UDP and TCP) is served so far; anything else must fail loudly, not be ignored. */
function checkSupportedTransports(block: ServerBlockConfig): void {
  for (const a of block.addresses) {
    if (a.scheme !== 'dns') {
      throw new CorefileError(
        a.file,
        a.line,
        `${formatServerAddress(a)}: the ${a.scheme}:// transport is not supported yet`,
      );
    }
  }
}

/** A directive marked `once` that occurs twice in a block gets CoreDNS's plugin.ErrOnce. */
function checkOnce(block: ServerBlockConfig, plugins: ReadonlyMap<string, PluginDefinition>): void {
  for (const [name, tokens] of block.directives) {
    if (plugins.get(name)?.once !== true) continue;
    const starts = occurrenceStarts(tokens.tokens);
    if (starts.length > 1) {
      const second = starts[1];
      throw new CorefileError(second.file, second.line, `plugin/${name}: ${ONCE_MESSAGE}`);
    }
  }
}

/** The first token of each occurrence: a token on a new line outside any `{ }` block. */
function occurrenceStarts(tokens: readonly Token[]): Token[] {
  const starts: Token[] = [];
  let depth = 0;
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i];
    if (depth === 0 && (i === 0 || !onSameLine(tokens[i - 1], t))) starts.push(t);
    if (isBare(t, '{')) depth++;
    else if (isBare(t, '}')) depth--;
  }
  return starts;
}

function pluginError(name: string, at: DirectiveTokens, e: unknown): CorefileError {
  if (e instanceof CorefileError) return e;
  const message = e instanceof Error ? e.message : String(e);
  const prefix = `plugin/${name}:`;
  return new CorefileError(at.file, at.line, message.startsWith(prefix) ? message : `${prefix} ${message}`);
}

/** Chains the key's handlers in plugin.cfg order: the first plugin of the list sees the query first. */
function buildSite(
  draft: SiteDraft,
  at: ServerAddress,
  plugins: readonly PluginDefinition[],
  block: ServerBlockConfig,
): Site {
  let next: Handler | undefined;
  const handlers: Handler[] = [];
  for (let i = plugins.length - 1; i >= 0; i--) {
    const name = plugins[i].name;
    const factories = draft.factories.get(name);
    if (factories === undefined) continue;
    for (let f = factories.length - 1; f >= 0; f--) {
      try {
        next = factories[f](next);
      } catch (e) {
        throw pluginError(name, block.directives.get(name) as DirectiveTokens, e);
      }
      handlers.push(next);
    }
  }
  handlers.reverse();
  draft.handlers = handlers;
  return { config: draft.config, chain: next, handlers, file: at.file, line: at.line };
}

/**
 * Groups the sites by the listener they need: one per (address, port) for dns://, where
 * the addresses come from `bind` (none means the wildcard). Rejects a zone served twice
 * on the same listener, CoreDNS's "it is already defined" / "zone overlap" check.
 */
function planListeners(
  sites: readonly Site[],
  positions: readonly ServerAddress[],
): Map<string, ListenerPlan> {
  const plans = new Map<string, ListenerPlan>();
  const checker = new ZoneOverlapChecker();
  for (let i = 0; i < sites.length; i++) {
    const site = sites[i];
    const hosts = site.config.listenHosts.length === 0 ? [''] : site.config.listenHosts;
    for (const raw of hosts) {
      const host = normalizeHost(raw, positions[i]);
      checker.register(positions[i], host);
      const address: ListenAddress = { host, port: site.config.port };
      const key = listenerKey(address);
      let plan = plans.get(key);
      if (plan === undefined) {
        plan = { key, address, sites: [] };
        plans.set(key, plan);
      }
      plan.sites.push(site);
    }
  }
  return plans;
}

function normalizeHost(host: string, at: ServerAddress): string {
  if (host === '') return '';
  const bare = host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
  if (isIP(bare) === 0)
    throw new CorefileError(at.file, at.line, `cannot listen on '${host}': not an IP address`);
  return bare.toLowerCase();
}
