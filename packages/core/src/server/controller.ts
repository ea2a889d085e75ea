import { Dispenser } from '../corefile/dispenser.js';
import type { Token } from '../corefile/token.js';
import type { Controller, InstanceView, LifecycleHook, SiteConfig } from '../plugin/controller.js';
import { readCorefileFile } from './corefile-file.js';
import type { CorefileSource } from './types.js';
import type { Handler, HandlerFactory } from '../plugin/handler.js';

export type HookKind =
  | 'firstStartup'
  | 'startup'
  | 'restart'
  | 'restartFailed'
  | 'shutdown'
  | 'finalShutdown';

/** A lifecycle hook and the directive that registered it (for error messages). */
export interface RegisteredHook {
  readonly plugin: string;
  readonly fn: LifecycleHook;
}

/** Every hook one instance's setups registered, per kind, in registration order. */
export type HookSet = Record<HookKind, RegisteredHook[]>;

export function emptyHookSet(): HookSet {
  return { firstStartup: [], startup: [], restart: [], restartFailed: [], shutdown: [], finalShutdown: [] };
}

/** What setup fills in for one server block key before its chain is built. */
export interface SiteDraft {
  readonly config: SiteConfig;
  /** handler factories per directive, in the order setup added them */
  readonly factories: Map<string, HandlerFactory[]>;
  /** filled once the chain is built */
  handlers: readonly Handler[];
}

/** Where a Controller sits: the block, the key and the instance-wide state. */
export interface ControllerContext {
  readonly directive: string;
  readonly tokens: readonly Token[];
  readonly corefilePath: string;
  readonly serverBlockIndex: number;
  readonly serverBlockKeys: readonly string[];
  readonly serverBlockKeyIndex: number;
  readonly zones: readonly string[];
  readonly site: SiteDraft;
  readonly hooks: HookSet;
  readonly shared: Map<string, unknown>;
  /** The instance being set up; by default one that never runs (a build outside a server). */
  readonly instance?: InstanceView;
}

/** The view of an instance for a build outside a server: it never runs and cannot reload. */
export function unstartedInstance(source: CorefileSource): InstanceView {
  return {
    corefile: source,
    state: 'starting',
    loadCorefile: () => readCorefileFile(source.filename),
    reload: () => Promise.reject(new Error('no running server to reload')),
  };
}

/**
 * The Controller a plugin's setup receives: the Corefile Dispenser over the directive's
 * tokens in one server block, plus that block's context and the registration points.
 */
export class SetupController extends Dispenser implements Controller {
  readonly directive: string;
  readonly serverBlockKeys: readonly string[];
  readonly serverBlockKeyIndex: number;
  readonly serverBlockIndex: number;
  readonly zones: readonly string[];
  readonly corefilePath: string;
  readonly config: SiteConfig;
  readonly instance: InstanceView;
  readonly #ctx: ControllerContext;

  constructor(ctx: ControllerContext) {
    super(ctx.tokens, ctx.corefilePath);
    this.#ctx = ctx;
    this.directive = ctx.directive;
    this.serverBlockKeys = ctx.serverBlockKeys;
    this.serverBlockKeyIndex = ctx.serverBlockKeyIndex;
    this.serverBlockIndex = ctx.serverBlockIndex;
    this.zones = ctx.zones;
    this.corefilePath = ctx.corefilePath;
    this.config = ctx.site.config;
    this.instance = ctx.instance ?? unstartedInstance({ text: '', filename: ctx.corefilePath });
  }

  get zone(): string {
    return this.config.zone;
  }

  get port(): string {
    return this.config.port;
  }

  addHandler(factory: HandlerFactory): void {
    const factories = this.#ctx.site.factories;
    const list = factories.get(this.directive);
    if (list === undefined) factories.set(this.directive, [factory]);
    else list.push(factory);
  }

  handlers(): readonly Handler[] {
    return this.#ctx.site.handlers;
  }

  onFirstStartup(fn: LifecycleHook): void {
    this.#hook('firstStartup', fn);
  }
  onStartup(fn: LifecycleHook): void {
    this.#hook('startup', fn);
  }
  onRestart(fn: LifecycleHook): void {
    this.#hook('restart', fn);
  }
  onRestartFailed(fn: LifecycleHook): void {
    this.#hook('restartFailed', fn);
  }
  onShutdown(fn: LifecycleHook): void {
    this.#hook('shutdown', fn);
  }
  onFinalShutdown(fn: LifecycleHook): void {
    this.#hook('finalShutdown', fn);
  }

  shared<T>(key: string, create: () => T): T {
    const shared = this.#ctx.shared;
    if (shared.has(key)) return shared.get(key) as T;
    const value = create();
    shared.set(key, value);
    return value;
  }

  #hook(kind: HookKind, fn: LifecycleHook): void {
    this.#ctx.hooks[kind].push({ plugin: this.directive, fn });
  }
}
