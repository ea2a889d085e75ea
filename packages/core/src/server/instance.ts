import { EventEmitter } from 'node:events';
import { banner, log, pluginLogger, setDebugLogging, setQuiet } from '../log.js';
import { buildConfig, type BuiltConfig, type ListenerPlan } from './build.js';
import { readCorefileFile } from './corefile-file.js';
import type { InstanceView } from '../plugin/controller.js';
import type { HookKind, RegisteredHook } from './controller.js';
import { InflightTracker } from './inflight.js';
import { DnsListener, ListenError, type ListenerOptions } from './listener.js';
import { Router } from './router.js';
import type {
  CorefileSource,
  InstanceEvents,
  InstanceState,
  ListenerInfo,
  ServerInstance,
  StartOptions,
} from './types.js';

const DEFAULT_GRACE_MS = 5000;
const DEFAULT_IDLE_MS = 10_000;
const DEFAULT_MAX_CONNECTIONS = 1000;
const DEFAULT_MAX_INFLIGHT_PER_CONNECTION = 128;

/** Settings and the serialising lock shared by every generation of one server. */
class Lifecycle {
  readonly graceMs: number;
  readonly listenerOptions: ListenerOptions;
  #queue: Promise<unknown> = Promise.resolve();

  constructor(readonly options: StartOptions) {
    this.graceMs = options.graceTimeoutMs ?? DEFAULT_GRACE_MS;
    this.listenerOptions = {
      idleTimeoutMs: options.tcp?.idleTimeoutMs ?? DEFAULT_IDLE_MS,
      maxConnections: options.tcp?.maxConnections ?? DEFAULT_MAX_CONNECTIONS,
      maxInflight: options.tcp?.maxInflightPerConnection ?? DEFAULT_MAX_INFLIGHT_PER_CONNECTION,
    };
  }

  /** Runs reloads and stops one at a time, in call order. */
  exclusive<T>(task: () => Promise<T>): Promise<T> {
    const run = this.#queue.then(task, task);
    this.#queue = run.catch(() => undefined);
    return run;
  }

  build(source: CorefileSource, instance: InstanceView): Promise<BuiltConfig> {
    return buildConfig(source, { ...this.options, instance });
  }

  loadCorefile(current: CorefileSource): Promise<CorefileSource> {
    const load = this.options.loadCorefile;
    return load === undefined ? readCorefileFile(current.filename) : load();
  }
}

/**
 * Controller.instance: the instance as its plugins see it. It exists before the instance
 * (setup runs first), which is attached once built.
 */
class InstanceHandle implements InstanceView {
  instance: Instance | undefined;

  constructor(
    readonly corefile: CorefileSource,
    private readonly life: Lifecycle,
  ) {}

  get state(): InstanceState {
    return this.instance?.state ?? 'starting';
  }

  loadCorefile(): Promise<CorefileSource> {
    return this.life.loadCorefile(this.corefile);
  }

  async reload(source: CorefileSource): Promise<void> {
    if (this.instance === undefined) throw new Error('cannot reload: the server is starting');
    await this.instance.reload(source);
  }
}

/**
 * Parses the Corefile, runs every setup, then the onFirstStartup and onStartup hooks, binds
 * the listeners and starts serving. Rejects with a CorefileError (file:line) for a bad
 * Corefile, a ListenError when a socket cannot be bound, or a hook's error; in that case
 * anything already started is stopped again.
 */
export async function startServer(source: CorefileSource, options: StartOptions): Promise<ServerInstance> {
  if (options.quiet !== undefined) setQuiet(options.quiet);
  const life = new Lifecycle(options);
  const handle = new InstanceHandle(source, life);
  const built = await life.build(source, handle);
  const inst = new Instance(life, source, 0, built);
  handle.instance = inst;
  let startupRan = false;
  const bound: DnsListener[] = [];
  try {
    startupRan = true;
    await runHooks(built.hooks.firstStartup);
    await runHooks(built.hooks.startup);
    for (const plan of built.listeners.values()) bound.push(await bindListener(plan, inst, life));
  } catch (e) {
    await Promise.all(bound.map((l) => l.close(0)));
    if (startupRan) {
      await runHooksLogged(built.hooks.shutdown);
      await runHooksLogged(built.hooks.finalShutdown);
    }
    throw e;
  }
  inst.activate(bound);
  banner(startupBanner(bound));
  return inst;
}

async function bindListener(plan: ListenerPlan, inst: Instance, life: Lifecycle): Promise<DnsListener> {
  const router = new Router(plan.sites, inst.inflight);
  const listener = await DnsListener.bind(plan.address, router, life.listenerOptions);
  router.address = listener.name;
  return listener;
}

/** CoreDNS's startup lines: `zone:port`, plus ` on ADDRESS` for a listener bound to one. */
function startupBanner(listeners: readonly DnsListener[]): string {
  const lines: string[] = [];
  for (const l of listeners) {
    const zones = l.router.sites.map((s) => s.config.zone).sort();
    for (const zone of zones)
      lines.push(`${zone}:${l.localPort}${l.address.host === '' ? '' : ` on ${l.address.host}`}`);
  }
  return lines.join('\n');
}

async function runHooks(hooks: readonly RegisteredHook[]): Promise<void> {
  for (const h of hooks) {
    try {
      await h.fn();
    } catch (e) {
      throw hookError(h, e);
    }
  }
}

/** Runs every hook even when some fail (shutdown paths); failures are logged. */
async function runHooksLogged(hooks: readonly RegisteredHook[]): Promise<void> {
  for (const h of hooks) {
    try {
      await h.fn();
    } catch (e) {
      pluginLogger(h.plugin).error(errorText(e));
    }
  }
}

function hookError(h: RegisteredHook, e: unknown): Error {
  const message = errorText(e);
  const prefix = `plugin/${h.plugin}:`;
  if (e instanceof Error && message.startsWith(prefix)) return e;
  return new Error(`${prefix} ${message}`, { cause: e });
}

function errorText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

class Instance implements ServerInstance {
  readonly inflight = new InflightTracker();
  readonly #events = new EventEmitter();
  #state: InstanceState = 'starting';
  #listeners: DnsListener[] = [];
  #next: Instance | undefined;

  constructor(
    private readonly life: Lifecycle,
    readonly source: CorefileSource,
    readonly generation: number,
    readonly built: BuiltConfig,
  ) {}

  get state(): InstanceState {
    return this.#state;
  }

  get listeners(): readonly ListenerInfo[] {
    return this.#listeners.flatMap((l) => l.info());
  }

  get current(): ServerInstance {
    return this.#next === undefined ? this : this.#next.current;
  }

  /** Starts serving on `listeners` (bound with routers of this instance, not yet accepting). */
  activate(listeners: DnsListener[]): void {
    this.#listeners = listeners;
    this.#state = 'running';
    setDebugLogging(this.built.debug);
    for (const l of listeners) l.accepting = true;
  }

  hooks(kind: HookKind): readonly RegisteredHook[] {
    return this.built.hooks[kind];
  }

  reload(source: CorefileSource = this.source): Promise<ServerInstance> {
    return this.life.exclusive(async () => {
      const current = this.current as Instance;
      if (current.#state !== 'running') throw new Error(`cannot reload: the server is ${current.#state}`);
      return current.#reload(source);
    });
  }

  stop(): Promise<void> {
    return this.life.exclusive(async () => {
      const current = this.current as Instance;
      if (current.#state !== 'running') return;
      await current.#stop();
    });
  }

  on<E extends keyof InstanceEvents>(event: E, listener: InstanceEvents[E]): this {
    this.#events.on(event, listener);
    return this;
  }

  off<E extends keyof InstanceEvents>(event: E, listener: InstanceEvents[E]): this {
    this.#events.off(event, listener);
    return this;
  }

  /**
   * Caddy's Instance.Restart: this instance's onRestart hooks, the new instance's setups and
   * onStartup hooks, listeners handed over or bound; then the switch, after which this
   * instance drains and runs its onShutdown hooks.
   */
  async #reload(source: CorefileSource): Promise<Instance> {
    log.info('Reloading');
    let next: Instance | undefined;
    const fresh: DnsListener[] = [];
    const routers = new Map<DnsListener, Router>();
    const released: DnsListener[] = [];
    try {
      await runHooks(this.hooks('restart'));
      const handle = new InstanceHandle(source, this.life);
      const built = await this.life.build(source, handle);
      next = new Instance(this.life, source, this.generation + 1, built);
      handle.instance = next;
      await runHooks(built.hooks.startup);
      const existing = new Map(this.#listeners.map((l) => [l.key, l]));
      for (const plan of built.listeners.values()) {
        const old = existing.get(plan.key);
        if (old !== undefined) {
          const router = new Router(plan.sites, next.inflight);
          router.address = old.name;
          routers.set(old, router);
        } else {
          fresh.push(await this.#bindReleasing(plan, next, built, released));
        }
      }
    } catch (e) {
      await Promise.all(fresh.map((l) => l.close(0)));
      await this.#rebind(released);
      if (next !== undefined) {
        await runHooksLogged(next.hooks('shutdown'));
        await runHooksLogged(next.hooks('finalShutdown'));
      }
      await runHooksLogged(this.hooks('restartFailed'));
      const error = e instanceof Error ? e : new Error(String(e));
      log.error(`Restart failed: ${error.message}`);
      this.#events.emit('reloadFailed', error);
      throw error;
    }

    // The switch: synchronous, so every datagram and TCP message after it reaches the new chains.
    const kept: DnsListener[] = [];
    for (const [listener, router] of routers) {
      listener.router = router;
      kept.push(listener);
    }
    const dropped = this.#listeners.filter((l) => !routers.has(l) && !released.includes(l));
    this.#listeners = [];
    this.#next = next;
    this.#state = 'replaced';
    next.activate([...kept, ...fresh]);

    await Promise.all([
      ...dropped.map((l) => l.close(this.life.graceMs)),
      this.inflight.drained(this.life.graceMs),
    ]);
    await runHooksLogged(this.hooks('shutdown'));
    log.info('Reloading complete');
    this.#events.emit('reload', next);
    return next;
  }

  /**
   * Binds a listener the new Corefile adds. Node cannot bind an address and the wildcard on
   * one port at once (no SO_REUSEPORT), so when the port is held by a listener of this
   * instance that the new Corefile drops (a `bind` change), that one is closed first and
   * put in `released`, to be bound again if the reload fails.
   */
  async #bindReleasing(
    plan: ListenerPlan,
    next: Instance,
    built: BuiltConfig,
    released: DnsListener[],
  ): Promise<DnsListener> {
    try {
      return await bindListener(plan, next, this.life);
    } catch (e) {
      if (!(e instanceof ListenError) || e.code !== 'EADDRINUSE') throw e;
      const port = Number(plan.address.port);
      const blocking = this.#listeners.filter(
        (l) => port !== 0 && l.localPort === port && !built.listeners.has(l.key) && !released.includes(l),
      );
      if (blocking.length === 0) throw e;
      for (const l of blocking) {
        await l.close(this.life.graceMs);
        released.push(l);
      }
      return bindListener(plan, next, this.life);
    }
  }

  /** After a failed reload: listens again where listeners were released for it. */
  async #rebind(released: readonly DnsListener[]): Promise<void> {
    for (const old of released) {
      try {
        const again = await DnsListener.bind(old.address, old.router, this.life.listenerOptions);
        again.router.address = again.name;
        again.accepting = true;
        this.#listeners = this.#listeners.map((l) => (l === old ? again : l));
      } catch (e) {
        this.#listeners = this.#listeners.filter((l) => l !== old);
        log.error(`Could not listen again on ${old.name} after the failed reload: ${errorText(e)}`);
      }
    }
  }

  async #stop(): Promise<void> {
    await runHooksLogged(this.hooks('shutdown'));
    await runHooksLogged(this.hooks('finalShutdown'));
    const listeners = this.#listeners;
    this.#listeners = [];
    await Promise.all([
      ...listeners.map((l) => l.close(this.life.graceMs)),
      this.inflight.drained(this.life.graceMs),
    ]);
    this.#state = 'stopped';
    this.#events.emit('stop');
  }
}
