#!/usr/bin/env node
// The README's two commands land here: `npx pnpm@12.4.2 start` and `npx pnpm@12.4.2 test`.
// On a fresh clone nothing is installed yet, so each first installs the workspace with the
// same pnpm that invoked it (frozen lockfile), builds what it needs with turbo, then runs.
import { spawnSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const [command, ...rest] = process.argv.slice(2);

function run(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { cwd: root, stdio: 'inherit', ...opts });
  if (r.error) throw r.error;
  return r.status ?? 1;
}

function pnpm(args) {
  // npm_execpath is the pnpm that runs this script; fall back to the pinned one through npx.
  const execpath = process.env.npm_execpath;
  if (execpath && /pnpm/.test(execpath)) {
    return execpath.endsWith('.js') || execpath.endsWith('.cjs')
      ? run(process.execPath, [execpath, ...args])
      : run(execpath, args);
  }
  return run('npx', ['-y', 'pnpm@12.4.2', ...args]);
}

function ensureInstalled() {
  const modules = join(root, 'node_modules', '.modules.yaml');
  const lock = join(root, 'pnpm-lock.yaml');
  if (existsSync(modules) && statSync(modules).mtimeMs >= statSync(lock).mtimeMs) return;
  const status = pnpm(['install', '--frozen-lockfile']);
  if (status !== 0) process.exit(status);
}

function turbo(args) {
  return run(join(root, 'node_modules', '.bin', 'turbo'), args);
}

ensureInstalled();

if (command === 'test') {
  let status = turbo(['run', 'build', 'typecheck', 'lint', '--output-logs=errors-only']);
  if (status !== 0) process.exit(status);
  status = run(join(root, 'node_modules', '.bin', 'vitest'), ['run', ...rest]);
  process.exit(status);
} else if (command === 'start') {
  const server = join(root, 'apps', 'server', 'package.json');
  if (!existsSync(server)) {
    const { version } = (await import(join(root, 'packages/core/package.json'), { with: { type: 'json' } })).default;
    console.log(`tsdns ${version} (the server app is not built yet)`);
    process.exit(0);
  }
  let status = turbo(['run', 'build', '--filter=@tsdns/server...', '--output-logs=errors-only']);
  if (status !== 0) process.exit(status);
  const args = rest.length ? rest : ['-conf', join(root, 'apps/server/examples/Corefile')];
  status = run(process.execPath, [join(root, 'apps/server/dist/main.js'), ...args], {
    cwd: join(root, 'apps/server/examples'),
  });
  process.exit(status);
} else {
  console.error(`usage: run.mjs start|test [args...]`);
  process.exit(2);
}
