import { mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { Flag, Rcode, definePlugin, type Handler, type PluginDefinition } from '@tsdns/core';
import { startTestServer, type TestServer } from '@tsdns/testing';
import root from './index.js';

const dir = mkdtempSync(join(tmpdir(), 'tsdns-root-server-'));
mkdirSync(join(dir, 'zones'));
writeFileSync(join(dir, 'zones', 'greeting.txt'), 'hello from the root directory');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/**
 * Reads the file its argument names, resolved against the block's root as file-reading
 * plugins do, and answers every query with its text in a TXT record.
 */
const readfile: PluginDefinition = definePlugin({
  name: 'readfile',
  setup(c) {
    c.next();
    if (!c.nextArg()) throw c.argErr();
    const text = readFileSync(resolve(c.config.root, c.val()), 'utf8');
    c.addHandler(
      (): Handler => ({
        name: 'readfile',
        serveDNS(req, w) {
          const reply = req.reply();
          reply.flags |= Flag.AA;
          reply.answers.push({ name: req.qname, type: 'TXT', class: 'IN', ttl: 0, data: [new TextEncoder().encode(text)] });
          w.write(reply);
          return Rcode.NOERROR;
        },
      }),
    );
  },
});

let server: TestServer | undefined;
afterEach(async () => {
  await server?.stop();
  server = undefined;
});

function start(body: string): Promise<TestServer> {
  return startTestServer({
    corefile: ([port]) => `.:${port} {\n${body}\n}\n`,
    plugins: [root, readfile],
    captureLogs: true,
  }).then((s) => (server = s));
}

describe('root through the server', () => {
  it('makes relative file names of other plugins resolve against it', async () => {
    const s = await start(`  root ${dir}\n  readfile zones/greeting.txt`);
    const reply = await s.query('example.org.', 'TXT');
    const txt = reply.answers[0];
    expect(txt.type === 'TXT' && new TextDecoder().decode(txt.data[0])).toBe('hello from the root directory');
  });

  it('leaves relative names to the working directory without it', async () => {
    await expect(start('  readfile zones/greeting.txt')).rejects.toThrow(/ENOENT/);
  });

  it('warns about a directory that does not exist (yet)', async () => {
    const missing = join(dir, 'not-yet');
    const s = await start(`  root ${missing}`);
    expect(s.logs).toContain(`[WARNING] plugin/root: Root path does not exist: ${missing}`);
  });

  it('may appear only once per server block', async () => {
    await expect(start(`  root ${dir}\n  root ${dir}`)).rejects.toThrow(/this plugin can only be used once per Server Block/);
  });

  it('refuses a file as root, citing the Corefile line', async () => {
    await expect(start(`\n  root ${join(dir, 'zones', 'greeting.txt')}`)).rejects.toThrow(
      /Corefile:3 - Error during parsing: root path '.*greeting\.txt' is not a directory/,
    );
  });
});
