/**
 * The process's signal handling, after Caddy's (which CoreDNS uses): SIGUSR1 and SIGHUP
 * reload the Corefile gracefully, SIGTERM and SIGINT stop the server gracefully, a second
 * stop signal during shutdown quits at once.
 *
 * The trap is installed before the server starts, as CoreDNS traps signals first thing: a
 * signal sent the moment startup output appears (or during startup) must find a handler,
 * not the default action that kills the process. Signals that arrive before the server runs
 * are remembered and acted on once it does.
 */
import { log, type ServerInstance } from '@tsdns/core';
import type { CorefileLoader } from './corefile-source.js';

const RELOAD_SIGNALS = ['SIGUSR1', 'SIGHUP'] as const;
const STOP_SIGNALS = ['SIGTERM', 'SIGINT'] as const;

export interface SignalTrapOptions {
  /** Runs once the server has stopped (gracefully), just before `done` resolves. */
  onStopped(): void;
  /** Runs on a second stop signal, instead of waiting for the graceful stop. */
  onForceQuit(signal: NodeJS.Signals): never;
}

export class SignalTrap {
  private instanceRef: ServerInstance | undefined;
  private loader: CorefileLoader | undefined;
  private pendingReload: NodeJS.Signals | undefined;
  private pendingStop: NodeJS.Signals | undefined;
  private stopping = false;
  private reloading: Promise<void> | undefined;
  private reloadAgain: NodeJS.Signals | undefined;
  private resolveDone!: () => void;
  /** Resolves when a stop signal has stopped the server. */
  readonly done: Promise<void> = new Promise((resolve) => (this.resolveDone = resolve));

  private readonly onReload = (signal: NodeJS.Signals): void => this.reload(signal);
  private readonly onStop = (signal: NodeJS.Signals): void => this.stop(signal);

  constructor(private readonly options: SignalTrapOptions) {
    for (const s of RELOAD_SIGNALS) process.on(s, this.onReload);
    for (const s of STOP_SIGNALS) process.on(s, this.onStop);
  }

  /** The running server is there: act on signals (and on any that came during startup). */
  attach(instance: ServerInstance, loader: CorefileLoader): void {
    this.instanceRef = instance;
    this.loader = loader;
    if (this.pendingStop !== undefined) this.stop(this.pendingStop);
    else if (this.pendingReload !== undefined) this.reload(this.pendingReload);
  }

  /** Removes the handlers (after a failed startup, or once stopped). */
  dispose(): void {
    for (const s of RELOAD_SIGNALS) process.off(s, this.onReload);
    for (const s of STOP_SIGNALS) process.off(s, this.onStop);
  }

  private get instance(): ServerInstance | undefined {
    return this.instanceRef?.current;
  }

  private stop(signal: NodeJS.Signals): void {
    if (this.stopping) {
      log.info(`${signal}: Force quit`);
      this.options.onForceQuit(signal);
    }
    const instance = this.instance;
    if (instance === undefined) {
      this.pendingStop = signal;
      return;
    }
    this.stopping = true;
    log.info(`${signal}: Shutting down servers then terminating`);
    const reloading = this.reloading ?? Promise.resolve();
    void reloading
      .then(() => this.instance!.stop())
      .catch((err: unknown) => log.error(`${signal}: ${(err as Error).message}`))
      .finally(() => {
        this.dispose();
        this.options.onStopped();
        this.resolveDone();
      });
  }

  /** One reload at a time; a signal during one schedules exactly one more. */
  private reload(signal: NodeJS.Signals): void {
    if (this.stopping) return;
    if (this.instance === undefined) {
      this.pendingReload = signal;
      return;
    }
    if (this.reloading !== undefined) {
      this.reloadAgain = signal;
      return;
    }
    this.reloading = this.reloadLoop(signal).finally(() => {
      this.reloading = undefined;
    });
  }

  private async reloadLoop(first: NodeJS.Signals): Promise<void> {
    for (let signal: NodeJS.Signals | undefined = first; signal !== undefined && !this.stopping; ) {
      this.reloadAgain = undefined;
      log.info(`${signal}: Reloading`);
      try {
        const source = await this.loader!.load();
        // The instance logs "Reloading", then "Reloading complete" or why it failed, in
        // which case it keeps serving with the previous Corefile.
        await this.instance!.reload(source).catch(() => undefined);
      } catch (err) {
        log.error(`${signal}: ${(err as Error).message}`);
      }
      signal = this.reloadAgain;
    }
  }
}
