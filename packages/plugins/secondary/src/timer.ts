/** setTimeout's longest delay (2^31 - 1 ms, about 24.8 days); longer ones fire at once. */
const MAX_DELAY = 0x7fffffff;

/**
 * A one-shot timer for delays of any length: SOA expire values of four weeks and more
 * exceed what setTimeout takes, so long delays are waited out in steps. Unref'd, so a
 * pending refresh never keeps the process alive.
 */
export class LongTimer {
  #handle: NodeJS.Timeout | undefined;

  /** Fires `fn` after `ms` milliseconds, replacing whatever was pending. */
  set(ms: number, fn: () => void): void {
    this.clear();
    const due = Date.now() + Math.max(0, ms);
    const arm = (): void => {
      const left = due - Date.now();
      this.#handle = setTimeout(
        () => {
          this.#handle = undefined;
          if (left > MAX_DELAY) arm();
          else fn();
        },
        Math.min(Math.max(0, left), MAX_DELAY),
      );
      this.#handle.unref();
    };
    arm();
  }

  get pending(): boolean {
    return this.#handle !== undefined;
  }

  clear(): void {
    clearTimeout(this.#handle);
    this.#handle = undefined;
  }
}
