import { NameError, parseName, type Dispenser, type ResponseClass } from '@tsdns/core';
import { COMMON_LOG_FORMAT, compileFormat, expandShorthands, type CompiledFormat } from './format.js';

/** One `log` name: queries at or below `scope` are logged with `format` if their class is selected. */
export interface LogRule {
  /** Absolute name; '.' covers every query. */
  readonly scope: string;
  readonly format: CompiledFormat;
  /** The classes to log; undefined means all of them. */
  readonly classes: ReadonlySet<ResponseClass> | undefined;
}

const CLASS_NAMES: ReadonlySet<string> = new Set(['all', 'success', 'denial', 'error']);

function parseScope(c: Dispenser, text: string): string {
  try {
    return parseName(text);
  } catch (e) {
    if (e instanceof NameError) throw c.err(`invalid name '${text}': ${e.message}`);
    throw e;
  }
}

/**
 * Reads every `log` line of a server block:
 *
 *     log [NAMES...] [FORMAT] {
 *         class CLASSES...
 *     }
 *
 * The last argument is the format when it contains a `{`. Rules keep the Corefile's
 * order; a query is handled by the first rule whose name covers it.
 */
export function parseLog(c: Dispenser): LogRule[] {
  const rules: LogRule[] = [];
  while (c.next()) {
    const args = c.remainingArgs();
    let format = COMMON_LOG_FORMAT;
    if (args.length > 0 && args[args.length - 1].includes('{')) {
      format = expandShorthands(args.pop() as string);
    }
    // A lone format applies to every name (CoreDNS would take a single argument as a name,
    // even "{combined}", and then never log anything).
    const scopes = args.length === 0 ? ['.'] : args.map((a) => parseScope(c, a));

    let classes: Set<ResponseClass> | undefined = new Set();
    let all = false;
    while (c.nextBlock()) {
      const property = c.val();
      if (property !== 'class') throw c.err(`unknown property '${property}'`);
      const names = c.remainingArgs();
      if (names.length === 0) throw c.argErr();
      for (const name of names) {
        if (!CLASS_NAMES.has(name)) {
          throw c.err(`invalid class '${name}': expected one of all, success, denial, error`);
        }
        if (name === 'all') all = true;
        else classes.add(name as ResponseClass);
      }
    }
    if (all || classes.size === 0) classes = undefined;

    const compiled = compileFormat(format);
    for (const scope of scopes) rules.push({ scope, format: compiled, classes });
  }
  return rules;
}
