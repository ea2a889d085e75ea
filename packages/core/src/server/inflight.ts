/**
 * Counts queries whose chain is still running asynchronously, so that a stopping instance
 * or a closing listener can wait for them. Synchronous answers never touch it.
 */
export class InflightTracker {
  #count = 0;
  #waiters: (() => void)[] = [];

  get count(): number {
    return this.#count;
  }

  begin(): void {
    this.#count++;
  }

  end(): void {
    if (--this.#count === 0 && this.#waiters.length > 0) {
      const waiters = this.#waiters;
      this.#waiters = [];
      for (const resolve of waiters) resolve();
    }
  }

  /**
   * Resolves when nothing is in flight, or after `timeoutMs`; the result says which
   * (true: drained).
   */
  drained(timeoutMs: number): Promise<boolean> {
    if (this.#count === 0) return Promise.resolve(true);
    return new Promise((resolve) => {
      let timer: NodeJS.Timeout | undefined = undefined;
      const onDrained = (): void => {
        clearTimeout(timer);
        resolve(true);
      };
      timer = setTimeout(() => {
        this.#waiters = this.#waiters.filter((w) => w !== onDrained);
        resolve(false);
      }, timeoutMs);
      timer.unref();
      this.#waiters.push(onDrained);
    });
  }
}
