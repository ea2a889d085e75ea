import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { youngGenerationChosen } from './young-generation.js';

describe('the young generation setting', () => {
  it('is left to whoever sizes the young generation on the command line or in NODE_OPTIONS', () => {
    expect(youngGenerationChosen([], '')).toBe(false);
    expect(youngGenerationChosen(['--enable-source-maps'], '--max-old-space-size=512')).toBe(false);
    expect(youngGenerationChosen(['--max-semi-space-size=16'], '')).toBe(true);
    expect(youngGenerationChosen([], '--trace-gc  --max-semi-space-size=4')).toBe(true);
    expect(youngGenerationChosen([], '--max_semi_space_size=8')).toBe(true);
  });

  it('keeps the young generation at its starting size under allocation, unless chosen otherwise', () => {
    // the built module, as the tsdns executable loads it (the process tests run it too)
    const module = fileURLToPath(new URL('../dist/young-generation.js', import.meta.url));
    // Allocates garbage with a few survivors, as a server does, and prints the new space's size.
    const script = [
      `const { keepYoungGenerationSmall } = await import(${JSON.stringify(module)});`,
      `keepYoungGenerationSmall();`,
      `const v8 = await import('node:v8');`,
      `const keep = []; let x;`,
      `for (let i = 0; i < 1e7; i++) { x = { a: i, b: [i] }; if ((i & 1023) === 0) keep.push(x); if (keep.length > 20000) keep.length = 0; }`,
      `console.log(v8.getHeapSpaceStatistics().find((s) => s.space_name === 'new_space').space_size);`,
    ].join('\n');
    const size = (nodeOptions: string): number => {
      const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
        encoding: 'utf8',
        env: { ...process.env, NODE_OPTIONS: nodeOptions },
      });
      expect(r.stderr).toBe('');
      return Number(r.stdout.trim());
    };
    expect(size('')).toBeLessThanOrEqual(2 * 1024 * 1024);
    expect(size('--max-semi-space-size=16')).toBeGreaterThan(2 * 1024 * 1024);
  });

  it('is in place before the tsdns executable loads its modules', () => {
    // Loading the program's modules alone grows the young generation to its largest size
    // unless the setting comes first: the size it ends with tells.
    const dir = mkdtempSync(join(tmpdir(), 'tsdns-young-'));
    try {
      const preload = join(dir, 'report.cjs');
      writeFileSync(
        preload,
        "process.on('exit', () => process.stderr.write(String(require('node:v8').getHeapSpaceStatistics().find((s) => s.space_name === 'new_space').space_size)));",
      );
      const main = fileURLToPath(new URL('../dist/main.js', import.meta.url));
      const r = spawnSync(process.execPath, ['--require', preload, main, '-version'], { encoding: 'utf8' });
      expect(r.status).toBe(0);
      expect(Number(r.stderr)).toBeLessThanOrEqual(2 * 1024 * 1024);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
