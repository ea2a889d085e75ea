import { afterEach, describe, expect, it } from 'vitest';
import {
  Rcode,
  definePlugin,
  isDebugLogging,
  pluginLogger,
  type Handler,
  type PluginDefinition,
} from '@tsdns/core';
import { startTestServer, type TestServer } from '@tsdns/testing';
import debug from './index.js';

/** Logs a debug line per query and reports the block's debug flag as it saw it at setup. */
const chatty: PluginDefinition = definePlugin({
  name: 'chatty',
  setup(c) {
    while (c.next());
    const seenDebug = c.config.debug;
    const logger = pluginLogger('chatty');
    c.addHandler(
      (): Handler => ({
        name: 'chatty',
        serveDNS(req, w) {
          logger.debug(`query for ${req.name} (block debug: ${seenDebug})`);
          w.write(req.reply(Rcode.NXDOMAIN));
          return Rcode.NXDOMAIN;
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

function start(corefile: (port: number) => string): Promise<TestServer> {
  return startTestServer({
    corefile: ([port]) => corefile(port),
    plugins: [debug, chatty],
    captureLogs: true,
  }).then((s) => (server = s));
}

describe('debug through the server', () => {
  it('sets the block debug flag and turns debug logging on', async () => {
    const s = await start((port) => `.:${port} {\n  debug\n  chatty\n}\n`);
    expect(isDebugLogging()).toBe(true);
    await s.query('example.org.', 'A');
    expect(s.logs).toContain('[DEBUG] plugin/chatty: query for example.org. (block debug: true)');
  });

  it('turns debug logging on for the whole process when any block has it', async () => {
    const s = await start(
      (port) => `example.org:${port} {\n  chatty\n}\nexample.net:${port} {\n  debug\n  chatty\n}\n`,
    );
    await s.query('example.org.', 'A');
    expect(s.logs).toContain('[DEBUG] plugin/chatty: query for example.org. (block debug: false)');
  });

  it('leaves debug logging off without it', async () => {
    const s = await start((port) => `.:${port} {\n  chatty\n}\n`);
    expect(isDebugLogging()).toBe(false);
    await s.query('example.org.', 'A');
    expect(s.logs.filter((l) => l.startsWith('[DEBUG]'))).toEqual([]);
  });

  it('refuses an argument, citing the Corefile line', async () => {
    await expect(start((port) => `.:${port} {\n  chatty\n  debug yes\n}\n`)).rejects.toThrow(
      /Corefile:3 - Error during parsing: Wrong argument count/,
    );
  });
});
