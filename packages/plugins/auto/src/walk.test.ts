import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { OriginPattern } from './pattern.js';
import { scanDirectory } from './walk.js';

const base = mkdtempSync(join(tmpdir(), 'tsdns-auto-walk-'));
afterAll(() => rmSync(base, { recursive: true, force: true }));

describe('scanDirectory', () => {
  it('walks in lexical order, keeps the first file of a zone and lists the others', async () => {
    const d = join(base, 'order');
    mkdirSync(join(d, 'a'), { recursive: true });
    writeFileSync(join(d, 'a', 'db.x.example'), '');
    writeFileSync(join(d, 'db.x.example'), '');
    writeFileSync(join(d, 'db.y.example'), '');
    const r = await scanDirectory(d, OriginPattern.DEFAULT);
    expect([...r.zones]).toEqual([
      ['x.example.', join(d, 'a', 'db.x.example')],
      ['y.example.', join(d, 'db.y.example')],
    ]);
    expect(r.duplicates).toEqual([{ origin: 'x.example.', path: join(d, 'db.x.example') }]);
  });

  it('follows a linked directory and linked files, as a Kubernetes ConfigMap mount has them', async () => {
    // The layout of a ConfigMap volume: ..data links to a timestamped directory, and
    // every key is a link through ..data.
    const real = join(base, 'cm-real');
    mkdirSync(join(real, '..2024_01_01'), { recursive: true });
    writeFileSync(join(real, '..2024_01_01', 'db.k.example'), '');
    symlinkSync('..2024_01_01', join(real, '..data'));
    symlinkSync(join('..data', 'db.k.example'), join(real, 'db.k.example'));
    symlinkSync(join(real, 'nowhere'), join(real, 'db.dangling.example'));
    const mount = join(base, 'cm-link');
    symlinkSync(real, mount);
    const r = await scanDirectory(mount, OriginPattern.DEFAULT);
    expect([...r.zones.keys()]).toEqual(['k.example.']);
    expect(r.duplicates).toEqual([]);
    expect(r.errors.length).toBe(1);
    expect(r.errors[0]).toContain('db.dangling.example');
  });

  it('reports a missing directory instead of failing', async () => {
    const r = await scanDirectory(join(base, 'missing'), OriginPattern.DEFAULT);
    expect(r.zones.size).toBe(0);
    expect(r.errors[0]).toMatch(/error reading .*missing: ENOENT/);
  });
});
