import { isReadiness, type Handler, type Readiness } from '@tsdns/core';
import type { MonitorMode } from './setup.js';

interface Entry {
  readonly name: string;
  readonly plugin: Readiness;
}

/**
 * The plugins whose readiness one server instance reports (CoreDNS's ready list): every
 * handler implementing Readiness in the chains of the blocks that have *ready*. Chains are
 * read on the first check, when they are all built.
 */
export class ReadinessList {
  /** How plugins that said they are ready are treated: asked again, or not. */
  monitor: MonitorMode = 'until-ready';
  readonly #chains: (() => readonly Handler[])[] = [];
  #entries: Entry[] | undefined;

  /** Adds a block's chain (Controller.handlers, read later). */
  addChain(handlers: () => readonly Handler[]): void {
    this.#chains.push(handlers);
  }

  /**
   * The names of the plugins not ready yet, sorted, each once; empty when all are ready.
   * In 'until-ready' mode a plugin that has said it is ready is not asked again.
   */
  notReady(): string[] {
    const entries = (this.#entries ??= this.#collect());
    const names = new Set<string>();
    const keep: Entry[] = [];
    for (const e of entries) {
      if (e.plugin.ready()) {
        if (this.monitor === 'continuously') keep.push(e);
      } else {
        names.add(e.name);
        keep.push(e);
      }
    }
    this.#entries = keep;
    return [...names].sort();
  }

  #collect(): Entry[] {
    const seen = new Set<Handler>();
    const entries: Entry[] = [];
    for (const chain of this.#chains) {
      for (const h of chain()) {
        if (seen.has(h) || !isReadiness(h)) continue;
        seen.add(h);
        entries.push({ name: h.name, plugin: h });
      }
    }
    return entries;
  }
}
