import { mkdirSync, mkdtempSync, renameSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  Dispenser,
  captureLog,
  metricFamily,
  metricsText,
  tokenize,
  type GaugeFamily,
  type LogCapture,
} from '@tsdns/core';
import { parseHosts } from './setup.js';
import { HostsStore } from './store.js';

const dir = mkdtempSync(join(tmpdir(), 'tsdns-hosts-store-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let logs: LogCapture;
beforeEach(() => {
  logs = captureLog();
});
afterEach(() => logs.restore());

let n = 0;
/** Replaces the file in one step, so a read never sees it half written. */
function write(path: string, text: string): void {
  const tmp = `${path}.tmp${n++}`;
  writeFileSync(tmp, text);
  renameSync(tmp, path);
}

function store(path: string, block = ''): HostsStore {
  const text = `hosts ${path} {\n reload 0\n${block}\n}`;
  const c = Object.assign(new Dispenser(tokenize(text, 'Corefile'), 'Corefile'), {
    zones: ['.'],
    config: { root: dir },
  });
  return new HostsStore(parseHosts(c));
}

const a = (s: HostsStore, name: string) => s.table.lookup(name)?.a;

describe('HostsStore', () => {
  it('loads the file and the inline entries, the file first', async () => {
    const path = join(dir, 'both');
    write(path, '10.0.0.1 a.example\n');
    const s = store(path, ' 10.0.0.2 a.example\n 10.0.0.3 inline.example');
    expect(a(s, 'inline.example.')).toEqual(['10.0.0.3']); // inline entries serve before the first read
    expect(await s.check()).toBe(true);
    expect(a(s, 'a.example.')).toEqual(['10.0.0.1', '10.0.0.2']);
    expect(a(s, 'inline.example.')).toEqual(['10.0.0.3']);
  });

  it('reloads only when the modification time or the size changed', async () => {
    const path = join(dir, 'mtime');
    // Whole seconds, so that the time can be put back exactly.
    const t0 = 1_700_000_000;
    write(path, '10.0.0.1 a.example\n');
    utimesSync(path, t0, t0);
    const s = store(path);
    expect(await s.check()).toBe(true);
    expect(await s.check()).toBe(false);

    // Same size, same modification time: not read again.
    write(path, '10.0.0.2 a.example\n');
    utimesSync(path, t0, t0);
    expect(await s.check()).toBe(false);
    expect(a(s, 'a.example.')).toEqual(['10.0.0.1']);

    utimesSync(path, t0, t0 + 2);
    expect(await s.check()).toBe(true);
    expect(a(s, 'a.example.')).toEqual(['10.0.0.2']);

    write(path, '10.0.0.22 a.example\n'); // another size
    utimesSync(path, t0, t0 + 2);
    expect(await s.check()).toBe(true);
    expect(a(s, 'a.example.')).toEqual(['10.0.0.22']);
  });

  it("exports the entry count and the file time as CoreDNS's metrics once the file is loaded", async () => {
    const path = join(dir, 'metrics');
    write(path, '10.0.0.1 a.example b.example\n');
    utimesSync(path, new Date(), new Date(1_700_000_000_500));
    const s = store(path, ' 10.0.0.9 c.example');
    const entries = metricFamily('coredns_hosts_entries') as GaugeFamily;
    const timestamp = metricFamily('coredns_hosts_reload_timestamp_seconds') as GaugeFamily;
    expect(entries.has(path)).toBe(false);
    await s.check();
    // 2 inline (1 address, 1 PTR name) and 4 from the file.
    expect(entries.labels(path).value).toBe(6);
    expect(timestamp.labels().value).toBe(1_700_000_000.5);
    expect(s.loadedMtimeSeconds).toBe(1_700_000_000.5);
    const text = await metricsText();
    expect(text).toContain(`coredns_hosts_entries{hostsfile="${path}"} 6\n`);
    expect(text).toContain('coredns_hosts_reload_timestamp_seconds 1700000000.5\n');
  });

  it('logs skipped lines with file and line, at most ten and then a count', async () => {
    const path = join(dir, 'bad');
    const lines = ['10.0.0.1 good.example'];
    for (let i = 0; i < 12; i++) lines.push(`bogus${i} x.example`);
    write(path, lines.join('\n'));
    const s = store(path);
    await s.check();
    expect(a(s, 'good.example.')).toEqual(['10.0.0.1']);
    const warnings = logs.lines.filter((l) => l.startsWith('[WARNING] plugin/hosts: '));
    expect(warnings[0]).toBe(
      `[WARNING] plugin/hosts: ${path}:2: 'bogus0' is not an IP address, line skipped`,
    );
    expect(warnings).toHaveLength(11);
    expect(warnings[10]).toBe(`[WARNING] plugin/hosts: ${path}: 2 more lines skipped`);
  });

  it('keeps serving the last entries when the file goes away, and logs that once', async () => {
    const path = join(dir, 'vanishing');
    write(path, '10.0.0.1 a.example\n');
    const s = store(path, ' 10.0.0.5 inline.example');
    await s.check();
    rmSync(path);
    expect(await s.check()).toBe(false);
    expect(await s.check()).toBe(false);
    expect(a(s, 'a.example.')).toEqual(['10.0.0.1']);
    expect(a(s, 'inline.example.')).toEqual(['10.0.0.5']);
    expect(logs.lines).toEqual([`[WARNING] plugin/hosts: File does not exist: ${path}`]);

    write(path, '10.0.0.2 a.example\n');
    expect(await s.check()).toBe(true);
    expect(a(s, 'a.example.')).toEqual(['10.0.0.2']);
    rmSync(path);
    await s.check();
    expect(logs.lines).toHaveLength(2); // logged again after a success
  });

  it('warns about a directory and reads nothing from it', async () => {
    const path = join(dir, 'adir');
    mkdirSync(path);
    const s = store(path);
    expect(await s.check()).toBe(false);
    expect(logs.lines).toEqual([`[WARNING] plugin/hosts: Hosts file "${path}" is a directory`]);
  });

  it('starts once for all keys and re-reads the file every reload period', async () => {
    const path = join(dir, 'timer');
    write(path, '10.0.0.1 a.example\n');
    const c = Object.assign(
      new Dispenser(tokenize(`hosts ${path} {\n reload 20ms\n}`, 'Corefile'), 'Corefile'),
      {
        zones: ['.'],
        config: { root: dir },
      },
    );
    const s = new HostsStore(parseHosts(c));
    const first = s.start();
    expect(s.start()).toBe(first);
    await first;
    expect(a(s, 'a.example.')).toEqual(['10.0.0.1']);
    write(path, '10.0.0.2 a.example\n10.0.0.3 b.example\n');
    const deadline = Date.now() + 2000;
    while (a(s, 'a.example.')?.[0] !== '10.0.0.2' && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 10));
    expect(a(s, 'b.example.')).toEqual(['10.0.0.3']);
    s.stop();
    write(path, '10.0.0.4 a.example\n');
    await new Promise((r) => setTimeout(r, 100));
    expect(a(s, 'a.example.')).toEqual(['10.0.0.2']);
  });
});
