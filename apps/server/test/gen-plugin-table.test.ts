import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const generator = fileURLToPath(new URL('../../../tooling/scripts/gen-plugin-table.mjs', import.meta.url));

function generate(...args: string[]): { status: number | null; stderr: string } {
  const r = spawnSync(process.execPath, [generator, ...args], { encoding: 'utf8' });
  return { status: r.status, stderr: r.stderr };
}

const tmp = mkdtempSync(join(tmpdir(), 'tsdns-plugincfg-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** A throwaway distribution: plugin.cfg next to a package.json with these dependencies. */
function distribution(name: string, cfg: string, deps: string[]): { cfg: string; out: string } {
  const dir = join(tmp, name);
  mkdirSync(dir, { recursive: true });
  const dependencies = Object.fromEntries(deps.map((d) => [d, '*']));
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: `dist-${name}`, dependencies }));
  writeFileSync(join(dir, 'plugin.cfg'), cfg);
  return { cfg: join(dir, 'plugin.cfg'), out: join(dir, 'plugins.ts') };
}

describe('apps/server/src/generated/plugins.ts', () => {
  it('is up to date with plugin.cfg', () => {
    const r = generate('--check');
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
  });
});

describe('gen-plugin-table.mjs', () => {
  it('resolves short names to workspace plugins and other names to npm packages', () => {
    const d = distribution(
      'mixed',
      '# comment\n\nlog:log   # trailing comment\nany:tsdns-plugin-any\nacme:@acme/tsdns-plugin\n',
      ['@tsdns/core', '@tsdns/plugin-log', 'tsdns-plugin-any', '@acme/tsdns-plugin'],
    );
    expect(generate('--cfg', d.cfg, '--out', d.out)).toEqual({ status: 0, stderr: '' });
    const text = readFileSync(d.out, 'utf8');
    expect(text).toContain("import plugin_log from '@tsdns/plugin-log';\n");
    expect(text).toContain("import plugin_any from 'tsdns-plugin-any';\n");
    expect(text).toContain("import plugin_acme from '@acme/tsdns-plugin';\n");
    const order = [...text.matchAll(/directive: '([a-z_]+)'/g)].map((m) => m[1]);
    expect(order).toEqual(['log', 'any', 'acme']);
    // --check agrees with what it just wrote, and notices a change.
    expect(generate('--cfg', d.cfg, '--out', d.out, '--check').status).toBe(0);
    writeFileSync(d.cfg, 'log:log\n');
    const stale = generate('--cfg', d.cfg, '--out', d.out, '--check');
    expect(stale.status).toBe(1);
    expect(stale.stderr).toContain('out of date');
  });

  it('reports mistakes with the file and line', () => {
    const cases: [string, string[], RegExp][] = [
      [
        'log:log\nwhoami\n',
        ['@tsdns/plugin-log'],
        /plugin\.cfg:2: expected <directive>:<package>, got "whoami"/,
      ],
      [
        'log:log\n\nlog:log\n',
        ['@tsdns/plugin-log'],
        /plugin\.cfg:3: directive "log" already listed on line 1/,
      ],
      ['Log:log\n', ['@tsdns/plugin-log'], /plugin\.cfg:1: invalid directive name "Log"/],
      ['log:Bad Name\n', [], /plugin\.cfg:1: invalid package name "Bad Name"/],
      [
        'any:tsdns-plugin-any\n',
        [],
        /plugin\.cfg:1: neither "@tsdns\/plugin-tsdns-plugin-any" nor "tsdns-plugin-any" is a dependency/,
      ],
      ['x:@acme/x\n', [], /plugin\.cfg:1: package "@acme\/x" is not a dependency/],
    ];
    cases.forEach(([cfg, deps, message], i) => {
      const d = distribution(`bad${i}`, cfg, deps);
      const r = generate('--cfg', d.cfg, '--out', d.out);
      expect(r.status, cfg).toBe(1);
      expect(r.stderr, cfg).toMatch(message);
    });
  });
});
