import type { PluginDefinition } from '../plugin/define.js';

/** A Corefile's text and the name errors should cite (a path, or e.g. "<flags>"). */
export interface CorefileSource {
  readonly text: string;
  readonly filename: string;
}

export interface StartOptions {
  /** Every plugin compiled in, in plugin.cfg order: that order is the chain order. */
  readonly plugins: readonly PluginDefinition[];
  /** Port for server block keys without one (CoreDNS's -dns.port); default "53". */
  readonly defaultPort?: string;
  /** Variables for `{$NAME}` substitution in the Corefile; default process.env. */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Suppresses the startup banner (CoreDNS's -quiet). */
  readonly quiet?: boolean;
  /**
   * Bound on waiting for in-flight queries when an instance stops or is replaced
   * (CoreDNS's graceful timeout); default 5000 ms.
   */
  readonly graceTimeoutMs?: number;
  /** TCP settings shared by every DNS-over-TCP listener. */
  readonly tcp?: TcpOptions;
  /**
   * Reads the Corefile again, for plugins that reload when it changes (reload); default:
   * the file the source's `filename` names, relative to the working directory.
   */
  readonly loadCorefile?: () => Promise<CorefileSource>;
}

export interface TcpOptions {
  /** Close a connection that has sent nothing for this long; default 10000 ms. */
  readonly idleTimeoutMs?: number;
  /** Concurrent connections per listener; further connections are closed at once. Default 1000. */
  readonly maxConnections?: number;
  /**
   * Queries of one connection being answered at once; reading pauses above it, so a
   * pipelining client cannot queue unbounded work. Default 128.
   */
  readonly maxInflightPerConnection?: number;
}

/** One bound socket. A dns:// listener is a pair: one 'udp' and one 'tcp' on the same port. */
export interface ListenerInfo {
  /** The Corefile scheme that asked for it. */
  readonly scheme: 'dns';
  readonly transport: 'udp' | 'tcp';
  /** The bound address ("::" or "0.0.0.0" for the wildcard). */
  readonly address: string;
  /** The bound port; differs from the Corefile's when it asked for port 0. */
  readonly port: number;
  /** The port as written (or defaulted) in the Corefile. */
  readonly configuredPort: string;
  /** Zones served on this listener, sorted. */
  readonly zones: readonly string[];
}

export type InstanceState = 'starting' | 'running' | 'replaced' | 'stopped';

export interface InstanceEvents {
  /** The instance was replaced by a successful reload. */
  reload: (next: ServerInstance) => void;
  /** A reload of this instance failed; it keeps serving. */
  reloadFailed: (error: Error) => void;
  /** The instance stopped (not emitted when it was replaced). */
  stop: () => void;
}

/**
 * One loaded Corefile serving on its listeners (Caddy's Instance). A reload produces a new
 * instance that takes over the listeners; the old one is then 'replaced'.
 */
export interface ServerInstance {
  readonly source: CorefileSource;
  /** 0 for the first instance of the process, +1 per successful reload. */
  readonly generation: number;
  readonly state: InstanceState;
  /** The bound sockets. */
  readonly listeners: readonly ListenerInfo[];
  /** The newest instance in this instance's reload chain (itself when not replaced). */
  readonly current: ServerInstance;
  /**
   * Graceful restart with a new Corefile (default: this instance's source again).
   * Runs this instance's onRestart hooks, builds the new instance (every setup, then its
   * onStartup hooks), hands unchanged listeners over without closing them, binds new
   * ones, closes the ones no longer wanted once in-flight queries finish, then runs this
   * instance's onShutdown hooks. On any failure this instance keeps serving untouched,
   * its onRestartFailed hooks run, and the error is logged and thrown.
   */
  reload(source?: CorefileSource): Promise<ServerInstance>;
  /**
   * Runs onShutdown then onFinalShutdown hooks, stops accepting queries, lets in-flight
   * ones finish (bounded by graceTimeoutMs) and closes every listener. Stopping a replaced
   * instance does nothing (stop `current`).
   */
  stop(): Promise<void>;
  on<E extends keyof InstanceEvents>(event: E, listener: InstanceEvents[E]): this;
  off<E extends keyof InstanceEvents>(event: E, listener: InstanceEvents[E]): this;
}
