import { readFile } from 'node:fs/promises';
import { pluginLogger } from '@tsdns/core';
import type { WeightSource } from './policies.js';
import { parseWeights, WeightFileError, type WeightTable } from './weights.js';

const log = pluginLogger('loadbalance');

/** Thrown at startup when the weight file cannot be read and no reload would retry. */
export class WeightFileOpenError extends Error {
  override readonly name = 'WeightFileOpenError';
}

/**
 * The weights of the weighted policy, read from WEIGHTFILE at startup and, every `reloadMs`
 * (0: never), again when its contents changed. A file that fails to parse at a reload is
 * logged and the previous weights stay in force.
 */
export class WeightFile implements WeightSource {
  weights: WeightTable = new Map();
  #text: string | undefined;
  #timer: ReturnType<typeof setInterval> | undefined;

  constructor(
    readonly path: string,
    readonly reloadMs: number,
  ) {}

  /** Reads the file; true when the weights changed. Throws WeightFileError or the read error. */
  async update(): Promise<boolean> {
    const text = await readFile(this.path, 'utf8');
    if (text === this.#text) return false;
    const weights = parseWeights(text, this.path);
    this.#text = text;
    this.weights = weights;
    log.info(`Successfully reloaded weight file ${this.path}`);
    return true;
  }

  /**
   * The first read. An unreadable file is fatal unless a reload will try again; a file
   * that does not parse is always fatal.
   */
  async start(): Promise<void> {
    try {
      await this.update();
    } catch (e) {
      if (e instanceof WeightFileError) throw e;
      const reason = e instanceof Error ? e.message : String(e);
      if (this.reloadMs === 0)
        throw new WeightFileOpenError(`weight file open error: ${reason}`, { cause: e });
      log.warning(`Failed to open weight file: ${reason}. Will try again in ${this.reloadMs / 1000}s`);
    }
    if (this.reloadMs > 0 && this.#timer === undefined) {
      this.#timer = setInterval(() => {
        this.update().catch((e: unknown) => log.error(e instanceof Error ? e.message : String(e)));
      }, this.reloadMs);
      this.#timer.unref();
    }
  }

  stop(): void {
    if (this.#timer !== undefined) clearInterval(this.#timer);
    this.#timer = undefined;
  }
}
