import { spawnSync } from 'node:child_process';

/** What a child node printed and how it ended. */
export interface ChildRun {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

export interface DeniedImportsOptions {
  /** Package names the child may not load: resolving into one throws, naming the importer. */
  readonly deny: readonly string[];
  /** Where the child runs (a package directory, so that its dependencies resolve). */
  readonly cwd: string;
  readonly timeoutMs?: number;
}

// Kept under src/ in both layouts (the package publishes src), since tsc copies no .mjs.
const HOOKS = new URL('../src/source-hooks.mjs', import.meta.url).href;

/**
 * Runs `script` (an ES module, given as text) in a plain node process that imports the
 * workspace's TypeScript sources (`@tsdns/source` condition, compiled on load) and refuses
 * the packages in `deny`. A static import anywhere in the graph is resolved before anything
 * runs, so importing an entry that reaches a denied package fails at once: the way to prove
 * that a plugin loads a heavy library only when a Corefile needs it. (vitest's own module
 * graph cannot say what plain node would load.) Needs `typescript` where the child resolves
 * modules from.
 */
export function runDenyingImports(script: string, options: DeniedImportsOptions): ChildRun {
  const registration = `import { register } from 'node:module';
register(${JSON.stringify(HOOKS)}, { data: { deny: ${JSON.stringify(options.deny)} } });`;
  const r = spawnSync(
    process.execPath,
    [
      '--conditions=@tsdns/source',
      '--import',
      `data:text/javascript,${encodeURIComponent(registration)}`,
      '--input-type=module',
      '-e',
      script,
    ],
    { cwd: options.cwd, encoding: 'utf8', timeout: options.timeoutMs ?? 25_000 },
  );
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}
