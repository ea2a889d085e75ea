import type { Controller } from './controller.js';

/** What a plugin package exports as its default: the directive and its setup function. */
export interface PluginDefinition {
  /** The Corefile directive, e.g. 'hosts'. */
  readonly name: string;
  /**
   * Parses this directive's tokens in one server block key and registers handlers and
   * lifecycle hooks. Called once per server block key in which the directive appears, with
   * all of its occurrences in that block (walk them with `while (c.next())`).
   * Throw a CorefileError (c.err / c.argErr) for bad syntax.
   */
  setup(c: Controller): void | Promise<void>;
  /** When true the directive may appear at most once per server block. */
  readonly once?: boolean;
}

/** Declares a plugin. Identity at run time; it gives plugin authors type checking. */
export function definePlugin(def: PluginDefinition): PluginDefinition {
  if (!/^[a-z][a-z0-9_]*$/.test(def.name)) throw new Error(`invalid plugin name "${def.name}"`);
  return def;
}
