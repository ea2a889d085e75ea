import type { Dispenser } from '../corefile/dispenser.js';
import type { Handler, HandlerFactory } from './handler.js';
import type { CorefileSource, InstanceState } from '../server/types.js';

export type LifecycleHook = () => void | Promise<void>;

/**
 * Per-key server settings that some plugins change during setup (CoreDNS's
 * dnsserver.Config): `bind` sets listenHosts, `root` sets root, `debug` sets debug.
 * The server reads it after every setup of the key has run.
 */
export interface SiteConfig {
  readonly zone: string;
  readonly port: string;
  readonly transport: 'dns' | 'tls' | 'grpc' | 'https';
  /** Addresses to listen on; empty means the wildcard address. */
  listenHosts: string[];
  /** Base directory for relative file names in plugin arguments; default the process's cwd. */
  root: string;
  /** When true, a handler's unexpected exception is not recovered (chapter 8, debug). */
  debug: boolean;
}

/**
 * What a plugin sees of the server instance its setup belongs to (one Corefile load):
 * for plugins that reload the server (reload) or act on how it ends (health's lameduck).
 */
export interface InstanceView {
  /** The Corefile the instance is built from. */
  readonly corefile: CorefileSource;
  /**
   * 'starting' while it is set up and its startup hooks run, 'running' once it serves,
   * then 'replaced' (by a reload) or 'stopped'. An instance whose start or reload failed
   * stays 'starting': it never served.
   */
  readonly state: InstanceState;
  /**
   * Reads the Corefile again from where the server got it (StartOptions.loadCorefile; by
   * default the file `corefile.filename` names). Rejects when it cannot be read.
   */
  loadCorefile(): Promise<CorefileSource>;
  /**
   * Gracefully reloads the server with `source` (ServerInstance.reload). Rejects, with
   * the running instance still serving, when the new Corefile fails.
   */
  reload(source: CorefileSource): Promise<void>;
}

/**
 * What a plugin's setup function receives (chapter 9's caddy.Controller): a token walker
 * over this directive's occurrences in one server block (next, nextArg, nextBlock, val,
 * remainingArgs, argErr, err — from the Corefile Dispenser), the block's context, and the
 * registration points for handlers and lifecycle hooks.
 */
export interface Controller extends Dispenser {
  /** The directive being set up. */
  readonly directive: string;
  /** The server block's keys as written in the Corefile ("example.org:1053", "dns://.:53"). */
  readonly serverBlockKeys: readonly string[];
  /** Index of the key this setup call is for (setup runs once per key). */
  readonly serverBlockKeyIndex: number;
  /** Index of the server block in the Corefile. */
  readonly serverBlockIndex: number;
  /** Normalised zones (lowercase FQDN) of every key in this block, in key order. */
  readonly zones: readonly string[];
  /** The zone of the key this setup call is for. */
  readonly zone: string;
  /** The port of the key this setup call is for. */
  readonly port: string;
  /** The Corefile path (or the name given to a Corefile string). */
  readonly corefilePath: string;
  /** This key's server settings, which setup may change (bind, root, debug). */
  readonly config: SiteConfig;
  /** The server instance being set up. */
  readonly instance: InstanceView;

  /** Adds this plugin's handler to the chain; the server orders handlers by plugin.cfg. */
  addHandler(factory: HandlerFactory): void;

  /**
   * The handlers of this key's chain, first to last (CoreDNS's Config.Handlers), for
   * plugins that work with others of the chain (ready, metadata, transfer). The chain is
   * built after every setup has run, so call this from a lifecycle hook (onStartup);
   * during setup it returns an empty list.
   */
  handlers(): readonly Handler[];

  /** Table 9-1 of the book: each is called in the documented order, awaited in turn. */
  onFirstStartup(fn: LifecycleHook): void;
  onStartup(fn: LifecycleHook): void;
  onRestart(fn: LifecycleHook): void;
  onRestartFailed(fn: LifecycleHook): void;
  onShutdown(fn: LifecycleHook): void;
  onFinalShutdown(fn: LifecycleHook): void;

  /**
   * State shared by every setup call of one server instance (one Corefile load), keyed by
   * name: lets a plugin share one resource between blocks (one metrics endpoint per
   * address, one log writer). `create` runs on first use.
   */
  shared<T>(key: string, create: () => T): T;
}
