import { createServer } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import {
  Flag,
  Rcode,
  definePlugin,
  getRcode,
  hasFlag,
  log,
  type Handler,
  type Message,
  type PluginDefinition,
} from '@tsdns/core';
import { freePorts } from './ports.js';
import { startTestServer, type TestServer } from './server.js';
import { dig, hasTool, kdig } from './tools.js';

/**
 * Test plugins, defined here because @tsdns/testing must not depend on real plugins.
 * `answer TEXT` answers every query with TEXT in a TXT record; `big N` answers A queries
 * with N addresses (192.0.2.1...), enough to overflow 512 bytes; `shout` logs each query.
 */
const answerPlugin: PluginDefinition = definePlugin({
  name: 'answer',
  setup(c) {
    c.next();
    if (!c.nextArg()) throw c.argErr();
    const text = new TextEncoder().encode(c.val());
    c.addHandler(
      (): Handler => ({
        name: 'answer',
        serveDNS(req, w) {
          const m = req.reply();
          m.flags |= Flag.AA;
          m.answers.push({ name: req.qname, type: 'TXT', class: 'IN', ttl: 30, data: [text] });
          w.write(m);
          return Rcode.NOERROR;
        },
      }),
    );
  },
});

const bigPlugin: PluginDefinition = definePlugin({
  name: 'big',
  setup(c) {
    c.next();
    if (!c.nextArg()) throw c.argErr();
    const count = Number(c.val());
    c.addHandler(
      (): Handler => ({
        name: 'big',
        serveDNS(req, w) {
          const m = req.reply();
          m.flags |= Flag.AA;
          for (let i = 1; i <= count; i++) {
            m.answers.push({ name: req.qname, type: 'A', class: 'IN', ttl: 60, data: `192.0.2.${i}` });
          }
          w.write(m);
          return Rcode.NOERROR;
        },
      }),
    );
  },
});

const shoutPlugin: PluginDefinition = definePlugin({
  name: 'shout',
  setup(c) {
    c.next();
    c.addHandler(
      (next): Handler => ({
        name: 'shout',
        serveDNS(req, w) {
          log.info(`shout: ${req.qname}`);
          return next!.serveDNS(req, w);
        },
      }),
    );
  },
});

const plugins = [shoutPlugin, answerPlugin, bigPlugin];

function txt(m: Message): string {
  const a = m.answers[0];
  if (a?.type !== 'TXT') throw new Error(`no TXT answer: ${JSON.stringify(m.answers)}`);
  return new TextDecoder().decode(a.data[0]);
}

let servers: TestServer[] = [];
afterEach(async () => {
  await Promise.all(servers.map((s) => s.stop()));
  servers = [];
});

async function start(...args: Parameters<typeof startTestServer>): Promise<TestServer> {
  const s = await startTestServer(...args);
  servers.push(s);
  return s;
}

describe('startTestServer', () => {
  it('serves a Corefile given as a function of free ports, on UDP and TCP', async () => {
    const s = await start({ corefile: (p) => `.:${p[0]} {\n  answer hello\n}`, plugins });
    expect(s.ports).toHaveLength(1);
    expect(s.port).toBe(s.ports[0]);
    expect(s.target).toEqual({ host: '127.0.0.1', port: s.port });
    expect(txt(await s.query('a.example', 'A'))).toBe('hello');
    expect(txt(await s.query('a.example', 'A', { transport: 'tcp' }))).toBe('hello');
  });

  it('gives several ports for several blocks; query picks the port', async () => {
    const s = await start({
      corefile: (p) => `example.org:${p[0]} {\n  answer one\n}\nexample.org:${p[1]} {\n  answer two\n}\n`,
      portCount: 2,
      plugins,
    });
    expect(new Set(s.ports).size).toBe(2);
    expect(txt(await s.query('example.org', 'TXT'))).toBe('one');
    expect(txt(await s.query('example.org', 'TXT', { port: s.ports[1] }))).toBe('two');
    expect(getRcode(await s.query('example.net', 'TXT'))).toBe(Rcode.REFUSED);
  });

  it('accepts a literal Corefile with port 0 and reports the bound port', async () => {
    const s = await start({ corefile: '.:0 {\n  answer zero\n}', plugins });
    expect(s.ports).toHaveLength(1);
    expect(s.port).toBeGreaterThan(0);
    expect(txt(await s.query('x.', 'A'))).toBe('zero');
  });

  it('reloads with the same ports', async () => {
    const s = await start({ corefile: (p) => `.:${p[0]} {\n  answer before\n}`, plugins, captureLogs: true });
    const first = s.instance;
    const next = await s.reload((p) => `.:${p[0]} {\n  answer after\n}`);
    expect(s.instance).toBe(next);
    expect(first.state).toBe('replaced');
    expect(txt(await s.query('x.', 'A'))).toBe('after');
    await expect(s.reload('.:1 {\n  nosuch\n}')).rejects.toThrow(/Unknown directive 'nosuch'/);
    expect(txt(await s.query('x.', 'A'))).toBe('after');
    expect(s.logs).toContain(
      "[ERROR] Restart failed: Corefile:2 - Error during parsing: Unknown directive 'nosuch'",
    );
  });

  it('captures log lines when asked and restores logging at stop', async () => {
    const s = await start({
      corefile: (p) => `.:${p[0]} {\n  shout\n  answer x\n}`,
      plugins,
      captureLogs: true,
    });
    await s.query('logged.example', 'A');
    expect(s.logs).toContain('[INFO] shout: logged.example.');
  });

  it('rejects a bad Corefile with the file and line', async () => {
    await expect(
      startTestServer({ corefile: (p) => `.:${p[0]} {\n  answer\n}`, plugins, filename: 'Corefile.test' }),
    ).rejects.toThrow(/^Corefile\.test:2 - /);
  });

  it('fails on a port someone else holds when the Corefile names it', async () => {
    const [port] = await freePorts(1);
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(port, resolve));
    try {
      await expect(
        startTestServer({ corefile: `.:${port} {\n  answer x\n}`, plugins }),
      ).rejects.toMatchObject({
        code: 'EADDRINUSE',
      });
    } finally {
      await new Promise((resolve) => blocker.close(resolve));
    }
  });
});

describe('truncation, through the harness and real clients', () => {
  it('sets TC on a UDP answer over 512 bytes without EDNS; TCP carries it whole', async () => {
    const s = await start({ corefile: (p) => `.:${p[0]} {\n  big 40\n}`, plugins });
    const udp = await s.query('big.example', 'A');
    expect(hasFlag(udp, Flag.TC)).toBe(true);
    expect(udp.answers.length).toBeLessThan(40);
    const tcp = await s.query('big.example', 'A', { transport: 'tcp' });
    expect(hasFlag(tcp, Flag.TC)).toBe(false);
    expect(tcp.answers).toHaveLength(40);
    const edns = await s.query('big.example', 'A', { bufsize: 4096 });
    expect(hasFlag(edns, Flag.TC)).toBe(false);
    expect(edns.answers).toHaveLength(40);
  });

  it.skipIf(!hasTool('dig'))('dig retries a truncated answer over TCP', async () => {
    const s = await start({ corefile: (p) => `.:${p[0]} {\n  big 40\n}`, plugins });
    const r = await dig(['+noedns', 'big.example', 'A'], { target: s.target });
    expect(r.retriedOverTcp).toBe(true);
    expect(r.transport).toBe('TCP');
    expect(r.answer).toHaveLength(40);
    const ignored = await dig(['+noedns', '+ignore', 'big.example', 'A'], { target: s.target });
    expect(ignored.flags).toContain('tc');
    expect(ignored.transport).toBe('UDP');
  });

  it.skipIf(!hasTool('kdig'))('kdig retries a truncated answer over TCP', async () => {
    const s = await start({ corefile: (p) => `.:${p[0]} {\n  big 40\n}`, plugins });
    const r = await kdig(['+noedns', 'big.example', 'A'], { target: s.target });
    expect(r.retriedOverTcp).toBe(true);
    expect(r.transport).toBe('TCP');
    expect(r.answer).toHaveLength(40);
    expect(r.flags).not.toContain('tc');
  });
});
