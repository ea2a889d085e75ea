import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { captureLog, type CorefileSource, type LogCapture, type ServerInstance } from '@tsdns/core';
import type { CorefileLoader } from './corefile-source.js';
import { SignalTrap } from './signals.js';

/**
 * A stand-in for core's ServerInstance that records calls; reloads finish when the test
 * says so. The signals are delivered with process.emit, which runs the trap's listeners
 * without sending a real signal to the test process.
 */
class FakeInstance {
  readonly calls: string[] = [];
  current: FakeInstance = this;
  private releases: (() => void)[] = [];
  failNext = false;

  reload(source: CorefileSource): Promise<FakeInstance> {
    this.calls.push(`reload ${source.text}`);
    return new Promise((resolve, reject) => {
      const fail = this.failNext;
      this.failNext = false;
      this.releases.push(() => (fail ? reject(new Error('broken')) : resolve(this)));
    });
  }

  /** Lets the oldest pending reload finish. */
  finishReload(): void {
    this.releases.shift()?.();
  }

  get pendingReloads(): number {
    return this.releases.length;
  }

  stop(): Promise<void> {
    this.calls.push('stop');
    return Promise.resolve();
  }
}

const tick = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

function loader(): CorefileLoader & { version: number } {
  return {
    version: 0,
    async load() {
      this.version++;
      return { text: `v${this.version}`, filename: 'Corefile' };
    },
  };
}

let logs: LogCapture;
let trap: SignalTrap | undefined;
let stopped: number;
let forced: string[];

beforeEach(() => {
  logs = captureLog();
  stopped = 0;
  forced = [];
});

afterEach(() => {
  trap?.dispose();
  trap = undefined;
  logs.restore();
});

function newTrap(): SignalTrap {
  trap = new SignalTrap({
    onStopped: () => stopped++,
    onForceQuit: (signal) => {
      forced.push(signal);
      throw new Error('force quit');
    },
  });
  return trap;
}

const emit = (signal: NodeJS.Signals): boolean => process.emit(signal as 'SIGINT', signal);

describe('SignalTrap', () => {
  it('reloads on SIGUSR1 and SIGHUP, one at a time, coalescing signals that come during a reload', async () => {
    const t = newTrap();
    const inst = new FakeInstance();
    t.attach(inst as unknown as ServerInstance, loader());
    emit('SIGUSR1');
    await tick();
    expect(inst.calls).toEqual(['reload v1']);
    emit('SIGHUP');
    emit('SIGUSR1');
    emit('SIGUSR1');
    await tick();
    expect(inst.pendingReloads).toBe(1);
    inst.finishReload();
    await tick();
    // Three signals during the first reload make exactly one more, with the newest file.
    expect(inst.calls).toEqual(['reload v1', 'reload v2']);
    inst.finishReload();
    await tick();
    expect(inst.pendingReloads).toBe(0);
    expect(logs.lines).toEqual(['[INFO] SIGUSR1: Reloading', '[INFO] SIGUSR1: Reloading']);
  });

  it('keeps going after a failed reload or an unreadable Corefile', async () => {
    const t = newTrap();
    const inst = new FakeInstance();
    let broken = true;
    t.attach(inst as unknown as ServerInstance, {
      async load() {
        if (broken) throw new Error('open Corefile: no such file or directory');
        return { text: 'ok', filename: 'Corefile' };
      },
    });
    emit('SIGHUP');
    await tick();
    expect(logs.lines).toContain('[ERROR] SIGHUP: open Corefile: no such file or directory');
    broken = false;
    inst.failNext = true;
    emit('SIGUSR1');
    await tick();
    inst.finishReload();
    await tick();
    emit('SIGUSR1');
    await tick();
    expect(inst.calls).toEqual(['reload ok', 'reload ok']);
  });

  it('stops on SIGTERM after the running reload, then ignores reloads', async () => {
    const listeners = process.listenerCount('SIGTERM');
    const t = newTrap();
    const inst = new FakeInstance();
    t.attach(inst as unknown as ServerInstance, loader());
    emit('SIGUSR1');
    await tick();
    emit('SIGTERM');
    await tick();
    expect(inst.calls).toEqual(['reload v1']);
    expect(logs.lines).toContain('[INFO] SIGTERM: Shutting down servers then terminating');
    emit('SIGUSR1');
    inst.finishReload();
    await t.done;
    expect(inst.calls).toEqual(['reload v1', 'stop']);
    expect(stopped).toBe(1);
    // The handlers are gone once stopped.
    expect(process.listenerCount('SIGTERM')).toBe(listeners);
  });

  it('force-quits on a second stop signal during shutdown', async () => {
    const t = newTrap();
    const inst = new FakeInstance();
    t.attach(inst as unknown as ServerInstance, loader());
    emit('SIGUSR1');
    await tick();
    emit('SIGINT');
    expect(() => emit('SIGINT')).toThrow('force quit');
    expect(forced).toEqual(['SIGINT']);
    expect(logs.lines).toContain('[INFO] SIGINT: Force quit');
    inst.finishReload();
    await t.done;
  });

  it('remembers a stop signal that comes before the server runs', async () => {
    const t = newTrap();
    emit('SIGTERM');
    emit('SIGUSR1');
    const inst = new FakeInstance();
    t.attach(inst as unknown as ServerInstance, loader());
    await t.done;
    expect(inst.calls).toEqual(['stop']);
  });

  it('remembers a reload signal that comes before the server runs', async () => {
    const t = newTrap();
    emit('SIGHUP');
    const inst = new FakeInstance();
    t.attach(inst as unknown as ServerInstance, loader());
    await tick();
    expect(inst.calls).toEqual(['reload v1']);
    inst.finishReload();
  });

  it('dispose removes its handlers', () => {
    const before = process.listenerCount('SIGUSR1');
    const t = newTrap();
    expect(process.listenerCount('SIGUSR1')).toBe(before + 1);
    t.dispose();
    expect(process.listenerCount('SIGUSR1')).toBe(before);
  });
});
