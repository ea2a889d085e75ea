import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { freePorts, startTestServer, waitFor, type TestServer } from '@tsdns/testing';
import reload, { reloadFailed, reloadVersionInfo } from './index.js';
import { corefileDigest } from './digest.js';
import { answerPlugin } from './test-support/plugins.js';

const decoder = new TextDecoder();
let dir: string;
let server: TestServer | undefined;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'tsdns-reload-'));
});
afterEach(async () => {
  await server?.stop();
  server = undefined;
  rmSync(dir, { recursive: true, force: true });
});

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

async function txt(s: TestServer): Promise<string> {
  const reply = await s.query('example.org.', 'TXT');
  const rr = reply.answers[0];
  if (rr?.type !== 'TXT') throw new Error('no TXT answer');
  return rr.data.map((b) => decoder.decode(b)).join('');
}

/** Starts a server from a Corefile on disk that checks itself every 2s, without jitter. */
async function startFromFile(
  body: (port: number) => string,
): Promise<{ s: TestServer; path: string; port: number }> {
  const [port] = await freePorts(1);
  const path = join(dir, 'Corefile');
  writeFileSync(path, body(port));
  server = await startTestServer({
    corefile: body(port),
    filename: path,
    plugins: [reload, answerPlugin],
    captureLogs: true,
  });
  return { s: server, path, port };
}

const block = (port: number, answer: string, extra = ''): string =>
  `example.org:${port} {\n  reload 2s 0s\n  answer ${answer}\n${extra}}\n`;

describe('reload watching the Corefile on disk', () => {
  it('reloads gracefully when the Corefile changes, and reports the new hash', async () => {
    const { s, path, port } = await startFromFile((p) => block(p, 'one'));
    const first = corefileDigest({ text: block(port, 'one'), filename: path });
    expect(s.logs).toContain(`[INFO] plugin/reload: Running configuration SHA512 = ${first}`);
    expect(reloadVersionInfo.labels('sha512', first).value).toBe(1);
    expect(await txt(s)).toBe('one');

    writeFileSync(path, block(port, 'two'));
    await waitFor(async () => (await txt(s)) === 'two', { timeout: 5000, interval: 100 });
    const second = corefileDigest({ text: block(port, 'two'), filename: path });
    expect(s.instance.generation).toBe(1);
    expect(s.logs).toContain('[INFO] Reloading complete');
    expect(s.logs).toContain(`[INFO] plugin/reload: Running configuration SHA512 = ${second}`);
    expect(reloadVersionInfo.has('sha512', first)).toBe(false);
    expect(reloadVersionInfo.labels('sha512', second).value).toBe(1);

    // the new instance watches too
    writeFileSync(path, block(port, 'three'));
    await waitFor(async () => (await txt(s)) === 'three', { timeout: 5000, interval: 100 });
    expect(s.instance.generation).toBe(2);
  }, 20_000);

  it('ignores edits that change nothing but comments and spacing', async () => {
    const { s, path, port } = await startFromFile((p) => block(p, 'same'));
    writeFileSync(
      path,
      `# edited\n\nexample.org:${port}   {\n\treload 2s 0s   # check often\n\tanswer same\n}\n`,
    );
    await sleep(2600);
    expect(s.instance.generation).toBe(0);
    expect(s.logs.filter((l) => l.includes('Reloading'))).toEqual([]);
  }, 10_000);

  it('keeps the old configuration serving when the new one fails, counts it once, then takes a fixed one', async () => {
    const { s, path, port } = await startFromFile((p) => block(p, 'good'));
    const failures = reloadFailed.value;

    // a plugin rejects it (setup error)
    writeFileSync(path, block(port, 'bad extra'));
    await waitFor(() => reloadFailed.value === failures + 1, { timeout: 5000, interval: 100 });
    expect(await txt(s)).toBe('good');
    expect(s.instance.generation).toBe(0);
    expect(
      s.logs.some((l) =>
        l.startsWith(
          `[ERROR] plugin/reload: Corefile changed but reload failed: ${path}:3 - Error during parsing: Wrong argument count`,
        ),
      ),
    ).toBe(true);
    // the same broken Corefile is not tried again
    await sleep(2500);
    expect(reloadFailed.value).toBe(failures + 1);

    // one that does not even parse
    writeFileSync(path, `example.org:${port} {\n  reload 2s 0s\n  answer worse\n`);
    await waitFor(() => reloadFailed.value === failures + 2, { timeout: 5000, interval: 100 });
    expect(await txt(s)).toBe('good');
    await sleep(2500);
    expect(reloadFailed.value).toBe(failures + 2);

    // fixed: reloaded
    writeFileSync(path, block(port, 'fixed'));
    await waitFor(async () => (await txt(s)) === 'fixed', { timeout: 5000, interval: 100 });
    expect(reloadFailed.value).toBe(failures + 2);
  }, 30_000);

  it('stops watching when a reload removes it', async () => {
    const { s, path, port } = await startFromFile((p) => block(p, 'a'));
    writeFileSync(path, `example.org:${port} {\n  answer b\n}\n`);
    await waitFor(async () => (await txt(s)) === 'b', { timeout: 5000, interval: 100 });
    writeFileSync(path, `example.org:${port} {\n  answer c\n}\n`);
    await sleep(2600);
    expect(await txt(s)).toBe('b');
  }, 15_000);
});
