import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '@tsdns/testing';
import log from '@tsdns/plugin-log';
import metadata from './index.js';
import { answerPlugin, computed, providePlugin } from './test-support/plugins.js';

// plugin.cfg order: metadata first, log before the others
const plugins = [metadata, log, providePlugin, answerPlugin];
let server: TestServer | undefined;

beforeEach(() => {
  computed.client = 0;
  computed.qtype = 0;
});
afterEach(async () => {
  await server?.stop();
  server = undefined;
});

async function start(body: string): Promise<TestServer> {
  server = await startTestServer({
    corefile: ([port]) => `example.org:${port} {\n${body}\n}\n`,
    plugins,
    captureLogs: true,
  });
  return server;
}

const queryLines = (s: TestServer): string[] => s.logs.filter((l) => l.startsWith('[INFO] META '));

describe('metadata consumed by log', () => {
  it('fills {/plugin/key} placeholders from the providers of the chain', async () => {
    const s = await start(
      '  metadata\n  log . "META {/test/client} {/test/qtype} {/test/none} {type}"\n  provide\n  answer',
    );
    await s.query('www.example.org.', 'AAAA');
    expect(queryLines(s)).toEqual(['[INFO] META 127.0.0.1 aaaa - AAAA']);
    expect(computed).toEqual({ client: 1, qtype: 1 });
  });

  it('computes only what a consumer asks for', async () => {
    const s = await start('  metadata\n  log . "META {/test/qtype}"\n  provide\n  answer');
    await s.query('www.example.org.', 'MX');
    await s.query('www.example.org.', 'TXT');
    expect(queryLines(s)).toEqual(['[INFO] META mx', '[INFO] META txt']);
    expect(computed).toEqual({ client: 0, qtype: 2 });
  });

  it('collects nothing for names outside its zones, or without the metadata plugin', async () => {
    let s = await start('  metadata sub.example.org\n  log . "META {/test/qtype}"\n  provide\n  answer');
    await s.query('www.example.org.', 'A');
    await s.query('www.sub.example.org.', 'A');
    expect(queryLines(s)).toEqual(['[INFO] META -', '[INFO] META a']);
    await s.stop();

    s = await start('  log . "META {/test/qtype}"\n  provide\n  answer');
    await s.query('www.example.org.', 'A');
    expect(queryLines(s)).toEqual(['[INFO] META -']);
  });
});
