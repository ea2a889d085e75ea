import { afterEach, describe, expect, it } from 'vitest';
import { Flag, HandlerError, Rcode, definePlugin, type Handler, type PluginDefinition } from '@tsdns/core';
import { startTestServer, type TestServer } from '@tsdns/testing';
import errors from './index.js';

/**
 * The end of the chain in these tests. By the first label of the name: "fail" throws a
 * HandlerError (REFUSED for "refuse"), "crash" throws a TypeError, "late" rejects
 * asynchronously, "timeout" throws an i/o-timeout-like HandlerError; others get an answer.
 */
const thrower: PluginDefinition = definePlugin({
  name: 'thrower',
  setup(c) {
    while (c.next());
    c.addHandler(
      (): Handler => ({
        name: 'thrower',
        serveDNS(req, w) {
          const label = req.name.slice(0, req.name.indexOf('.'));
          switch (label) {
            case 'fail':
              throw new HandlerError('thrower', 'backend unavailable');
            case 'refuse':
              throw new HandlerError('thrower', 'not allowed', Rcode.REFUSED);
            case 'crash':
              throw new TypeError('something broke');
            case 'late':
              return new Promise((_, reject) =>
                setTimeout(() => reject(new HandlerError('thrower', 'late failure')), 5),
              );
            case 'timeout':
              throw new HandlerError('thrower', 'read udp 127.0.0.1:5353: i/o timeout');
          }
          const reply = req.reply();
          reply.flags |= Flag.AA;
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

async function start(errorsBlock: string): Promise<TestServer> {
  server = await startTestServer({
    corefile: ([port]) => `.:${port} {\n  ${errorsBlock}\n  thrower\n}\n`,
    plugins: [errors, thrower],
    captureLogs: true,
  });
  return server;
}

const rcodeOf = (flags: number): number => flags & 0xf;

describe('errors through the server', () => {
  it('logs raised errors and the server still answers with their rcode', async () => {
    const s = await start('errors');
    expect(rcodeOf((await s.query('fail.example.', 'A')).flags)).toBe(Rcode.SERVFAIL);
    expect(rcodeOf((await s.query('refuse.example.', 'MX')).flags)).toBe(Rcode.REFUSED);
    expect(rcodeOf((await s.query('late.example.', 'TXT', { transport: 'tcp' })).flags)).toBe(Rcode.SERVFAIL);
    expect(rcodeOf((await s.query('ok.example.', 'A')).flags)).toBe(Rcode.NOERROR);
    expect(s.logs).toEqual([
      '[ERROR] plugin/errors: 2 fail.example. A: plugin/thrower: backend unavailable',
      '[ERROR] plugin/errors: 5 refuse.example. MX: plugin/thrower: not allowed',
      '[ERROR] plugin/errors: 2 late.example. TXT: plugin/thrower: late failure',
    ]);
  });

  it('logs an unexpected exception; the server recovers and answers SERVFAIL', async () => {
    const s = await start('errors');
    expect(rcodeOf((await s.query('crash.example.', 'A')).flags)).toBe(Rcode.SERVFAIL);
    expect(s.logs[0]).toBe('[ERROR] plugin/errors: 2 crash.example. A: something broke');
  });

  it('consolidates matching errors into one line per period', async () => {
    const s = await start('errors {\n    consolidate 1s "i/o timeout$" warning\n  }');
    const before = Date.now();
    for (let i = 0; i < 3; i++) await s.query('timeout.example.', 'A');
    await s.query('fail.example.', 'A');
    const failLine = '[ERROR] plugin/errors: 2 fail.example. A: plugin/thrower: backend unavailable';
    if (Date.now() - before < 1000) expect(s.logs).toEqual([failLine]);
    const summary = "[WARNING] plugin/errors: 3 errors like 'i/o timeout$' occurred in last 1s";
    while (s.logs.length < 2 && Date.now() - before < 5000) await new Promise((resolve) => setTimeout(resolve, 20));
    // The period starts with the first matching error, which came after `before`.
    expect(Date.now() - before).toBeGreaterThanOrEqual(1000);
    expect(s.logs).toEqual([failLine, summary]);
  });

  it('prints a pending summary when the server stops', async () => {
    const s = await start('errors {\n    consolidate 10m "^plugin/thrower: "\n  }');
    await s.query('fail.example.', 'A');
    await s.query('refuse.example.', 'A');
    const logs = s.logs;
    expect(logs).toEqual([]);
    await s.stop();
    server = undefined;
    expect(logs).toEqual(["[ERROR] plugin/errors: 2 errors like '^plugin/thrower: ' occurred in last 10m0s"]);
  });

  it('may appear only once per server block', async () => {
    await expect(start('errors\n  errors')).rejects.toThrow(/this plugin can only be used once per Server Block/);
  });

  it('refuses a bad consolidate line, citing the Corefile line', async () => {
    await expect(start('errors {\n    consolidate soon ^x\n  }')).rejects.toThrow(
      /Corefile:3 - Error during parsing: time: invalid duration "soon"/,
    );
  });
});
