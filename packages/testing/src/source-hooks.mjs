/**
 * Module hooks (for `module.register`) that let a plain node process import this workspace's
 * TypeScript sources as the tests see them, and that refuse chosen packages.
 *
 *  - `.ts` files are compiled on load, one file at a time, as `tsc` would emit them;
 *  - a source's `./x.js` import finds `./x.ts` when there is no `./x.js`;
 *  - a module resolved into one of the packages named in `initialize`'s `deny` fails to
 *    resolve, with an error naming the module that asked for it. Resolution is what counts:
 *    a static import anywhere in the graph is resolved before anything runs.
 *
 * Run node with `--conditions=@tsdns/source` so that workspace packages resolve to sources.
 */
import { readFile } from 'node:fs/promises';
import ts from 'typescript';

/** @type {readonly string[]} */
let deny = [];

/** @param {{ deny?: readonly string[] } | undefined} data */
export function initialize(data) {
  deny = data?.deny ?? [];
}

/**
 * @param {string} specifier
 * @param {{ parentURL?: string }} context
 * @param {(specifier: string, context?: object) => Promise<{ url: string }>} next
 */
export async function resolve(specifier, context, next) {
  let resolved;
  try {
    resolved = await next(specifier, context);
  } catch (e) {
    const fromSource = context.parentURL?.endsWith('.ts') === true;
    if (!fromSource || !specifier.startsWith('.') || !specifier.endsWith('.js')) throw e;
    resolved = await next(`${specifier.slice(0, -'.js'.length)}.ts`, context);
  }
  const denied = deny.find((name) => resolved.url.includes(`/node_modules/${name}/`));
  if (denied !== undefined) throw new Error(`${denied} imported by ${context.parentURL}`);
  return resolved;
}

/**
 * @param {string} url
 * @param {object} context
 * @param {(url: string, context?: object) => Promise<object>} next
 */
export async function load(url, context, next) {
  if (!url.startsWith('file:') || !url.endsWith('.ts')) return next(url, context);
  const { outputText } = ts.transpileModule(await readFile(new URL(url), 'utf8'), {
    fileName: url,
    compilerOptions: {
      module: ts.ModuleKind.ESNext,
      target: ts.ScriptTarget.ES2022,
      verbatimModuleSyntax: true,
    },
  });
  return { format: 'module', source: outputText, shortCircuit: true };
}
