import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startServer } from './instance.js';
import type { ServerInstance } from './types.js';
import { answerPlugin, failPlugin } from './test-support/plugins.js';
import { makeQuery, udpExchange } from './test-support/client.js';
import { definePlugin } from '../plugin/define.js';
import type { InstanceView } from '../plugin/controller.js';
import { captureLog, type LogCapture } from '../log.js';
import { dnsRequests, dnsResponses, panics } from '../metrics/dns.js';
import { Rcode } from '../wire/constants.js';
import { getRcode } from '../wire/header.js';

/** `view`: keeps the Controller.instance it was set up with, and its state at each hook. */
const seen: { view: InstanceView; states: string[] }[] = [];
const viewPlugin = definePlugin({
  name: 'view',
  setup(c) {
    c.next();
    const entry = { view: c.instance, states: [] as string[] };
    seen.push(entry);
    c.onStartup(() => void entry.states.push(`startup:${c.instance.state}`));
    c.onShutdown(() => void entry.states.push(`shutdown:${c.instance.state}`));
    c.onFinalShutdown(() => void entry.states.push(`final:${c.instance.state}`));
  },
});
const plugins = [viewPlugin, failPlugin, answerPlugin];

let logs: LogCapture;
let dir: string;
const running: ServerInstance[] = [];
beforeEach(() => {
  logs = captureLog();
  seen.length = 0;
  dir = mkdtempSync(join(tmpdir(), 'tsdns-view-'));
});
afterEach(async () => {
  for (const inst of running.splice(0)) await inst.current.stop();
  logs.restore();
  rmSync(dir, { recursive: true, force: true });
});

async function start(text: string, filename = 'Corefile'): Promise<ServerInstance> {
  const inst = await startServer({ text, filename }, { plugins, quiet: true, defaultPort: '0' });
  running.push(inst);
  return inst;
}

function udpPort(inst: ServerInstance): number {
  return inst.current.listeners.find((l) => l.transport === 'udp')!.port;
}

describe('Controller.instance', () => {
  it('shows the Corefile and the state through start, reload and stop', async () => {
    const text = 'example.org {\n  view\n  answer x\n}\n';
    const inst = await start(text);
    const first = seen[0];
    expect(first.view.corefile).toEqual({ text, filename: 'Corefile' });
    expect(first.view.state).toBe('running');
    const next = 'example.org {\n  view\n  answer y\n}\n';
    await first.view.reload({ text: next, filename: 'Corefile' });
    expect(inst.current.generation).toBe(1);
    expect(first.view.state).toBe('replaced');
    expect(seen[1].view.state).toBe('running');
    expect(seen[1].view.corefile.text).toBe(next);
    await inst.current.stop();
    expect(seen[1].view.state).toBe('stopped');
    expect(first.states).toEqual(['startup:starting', 'shutdown:replaced']);
    expect(seen[1].states).toEqual(['startup:starting', 'shutdown:running', 'final:running']);
  });

  it('leaves an instance whose reload failed in state starting: it never served', async () => {
    await start('example.org {\n  view\n  answer x\n}\n');
    await expect(
      seen[0].view.reload({ text: 'example.org {\n  view\n  answer\n}\n', filename: 'Corefile' }),
    ).rejects.toThrow(/Wrong argument count/);
    // the Corefile fails in answer's setup, after view's: view saw a second instance that never ran
    expect(seen[1].view.state).toBe('starting');
    expect(seen[0].view.state).toBe('running');
  });

  it('reads the Corefile again from the file it names', async () => {
    const path = join(dir, 'Corefile');
    writeFileSync(path, 'example.org {\n  view\n  answer x\n}\n');
    await start('example.org {\n  view\n  answer x\n}\n', path);
    writeFileSync(path, 'example.org {\n  view\n  answer z\n}\n');
    expect(await seen[0].view.loadCorefile()).toEqual({
      text: 'example.org {\n  view\n  answer z\n}\n',
      filename: path,
    });
  });

  it('rejects loading a Corefile that was not a file', async () => {
    await start('example.org {\n  view\n  answer x\n}\n', join(dir, 'missing'));
    await expect(seen[0].view.loadCorefile()).rejects.toThrow(/ENOENT/);
  });
});

describe('server metrics recorded without any plugin', () => {
  it('counts refused queries under the zone "dropped" with the listener as server', async () => {
    const inst = await start('example.org {\n  answer x\n}\n');
    const port = udpPort(inst);
    const server = `dns://:${port}`;
    const reply = await udpExchange(port, makeQuery('example.net.', 'AAAA'));
    expect(getRcode(reply)).toBe(Rcode.REFUSED);
    expect(dnsRequests.labels(server, 'dropped', '', 'udp', '1', 'AAAA').value).toBe(1);
    expect(dnsResponses.labels(server, 'dropped', '', 'REFUSED', '').value).toBe(1);
  });

  it('counts a recovered exception as a panic', async () => {
    const inst = await start('example.org {\n  fail throw\n}\n');
    const before = panics.labels().value;
    const reply = await udpExchange(udpPort(inst), makeQuery('example.org.', 'A'));
    expect(getRcode(reply)).toBe(Rcode.SERVFAIL);
    expect(panics.labels().value).toBe(before + 1);
  });
});
