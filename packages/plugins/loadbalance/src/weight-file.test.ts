import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { captureLog, type LogCapture } from '@tsdns/core';
import { WeightFile, WeightFileOpenError } from './weight-file.js';
import { WeightFileError } from './weights.js';

describe('WeightFile', () => {
  let dir: string;
  let logs: LogCapture;
  const files: WeightFile[] = [];
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'tsdns-lb-'));
    logs = captureLog();
  });
  afterEach(() => {
    for (const f of files.splice(0)) f.stop();
    logs.restore();
    rmSync(dir, { recursive: true, force: true });
  });
  const open = (name: string, reloadMs: number) => {
    const f = new WeightFile(join(dir, name), reloadMs);
    files.push(f);
    return f;
  };

  it('reads the weights at startup', async () => {
    writeFileSync(join(dir, 'w'), 'www.example.com\n100.64.1.1 3\n');
    const f = open('w', 0);
    await f.start();
    expect(f.weights.get('www.example.com.')?.get('100.64.1.1')).toBe(3);
    expect(
      logs.lines.some((l) => l.includes('[INFO] plugin/loadbalance: Successfully reloaded weight file')),
    ).toBe(true);
  });

  it('fails startup on a missing file without reload, and only warns with one', async () => {
    await expect(open('missing', 0).start()).rejects.toThrow(WeightFileOpenError);
    await open('missing', 60_000).start();
    expect(
      logs.lines.some((l) => l.startsWith('[WARNING] plugin/loadbalance: Failed to open weight file')),
    ).toBe(true);
  });

  it('fails startup on a file that does not parse', async () => {
    writeFileSync(join(dir, 'bad'), '10.0.0.1 3\n');
    await expect(open('bad', 60_000).start()).rejects.toThrow(WeightFileError);
  });

  it('picks up changes on reload and keeps the old weights when the new file is bad', async () => {
    const path = join(dir, 'w');
    writeFileSync(path, 'www.example.com\n100.64.1.1 3\n');
    const f = open('w', 40);
    await f.start();
    writeFileSync(path, 'www.example.com\n100.64.1.1 7\n');
    await expect.poll(() => f.weights.get('www.example.com.')?.get('100.64.1.1'), { timeout: 2000 }).toBe(7);
    writeFileSync(path, 'www.example.com\n100.64.1.1 700\n');
    await expect
      .poll(() => logs.lines.some((l) => l.startsWith('[ERROR] plugin/loadbalance:')), { timeout: 2000 })
      .toBe(true);
    expect(f.weights.get('www.example.com.')?.get('100.64.1.1')).toBe(7);
    await expect(f.update()).rejects.toThrow(WeightFileError);
    // Unchanged contents are not parsed again.
    f.stop();
    writeFileSync(path, 'www.example.com\n100.64.1.1 7\n');
    expect(await f.update()).toBe(false);
  });
});
