import { createSocket, type Socket } from 'node:dgram';
import { afterEach, describe, expect, it } from 'vitest';
import { decodeMessage, encodeMessage, Flag, Rcode, type Message, type PluginDefinition } from '@tsdns/core';
import forward from '@tsdns/plugin-forward';
import { startTestServer, waitFor, type TestServer } from '@tsdns/testing';
import { createLoopPlugin, Loop, type LoopPluginOptions } from './index.js';

const cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const fn of cleanup.splice(0).reverse()) await fn();
});

/** The loop plugin (with test options), handing out every Loop handler it builds. */
function loopPlugin(found: Loop[], options: LoopPluginOptions): PluginDefinition {
  const inner = createLoopPlugin(options);
  return {
    name: 'loop',
    once: true,
    async setup(c) {
      await inner.setup(c);
      c.onStartup(() => {
        for (const h of c.handlers()) if (h instanceof Loop) found.push(h);
      });
    },
  };
}

async function start(
  corefile: (ports: readonly number[]) => string,
  plugins: PluginDefinition[],
  portCount = 1,
  captureLogs = false,
): Promise<TestServer> {
  const s = await startTestServer({ corefile, plugins, portCount, captureLogs });
  cleanup.push(() => s.stop());
  return s;
}

/** A stand-in upstream: answers every query NXDOMAIN (or nothing), recording the questions. */
async function upstream(answer: boolean): Promise<{ port: number; questions: string[] }> {
  const socket: Socket = createSocket('udp4');
  const questions: string[] = [];
  socket.on('message', (bytes, rinfo) => {
    const q = decodeMessage(bytes);
    questions.push(`${q.questions[0].type} ${q.questions[0].name}`);
    if (!answer) return;
    const reply: Message = { ...q, flags: Flag.QR | Flag.RD | Flag.RA | Rcode.NXDOMAIN };
    socket.send(encodeMessage(reply), rinfo.port, rinfo.address);
  });
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  cleanup.push(() => new Promise((resolve) => socket.close(() => resolve())));
  return { port: socket.address().port, questions };
}

const MESSAGE = (from: string, to: string, zone: string) =>
  new RegExp(
    `^Loop \\(${from} -> ${to}\\) detected for zone "${zone.replace(/\./g, '\\.')}", ` +
      `see https://coredns\\.io/plugins/loop#troubleshooting\\. Query: "HINFO \\d+\\.\\d+\\.${zone === '.' ? '' : zone.replace(/\./g, '\\.')}"$`,
  );

describe('loop with a real forwarding loop', () => {
  it('detects a server forwarding to itself', async () => {
    const fatal: string[] = [];
    const loops: Loop[] = [];
    const s = await start(
      (p) => `.:${p[0]} {\n loop\n forward . 127.0.0.1:${p[0]}\n}`,
      [loopPlugin(loops, { fatal: (m) => fatal.push(m) }), forward],
    );
    await waitFor(() => fatal.length > 0, { timeout: 5000, what: 'the loop to be detected' });
    expect(fatal[0]).toMatch(MESSAGE('127\\.0\\.0\\.1:\\d+', `:${s.port}`, '.'));
    expect(fatal[0]).toContain(loops[0].qname);
  });

  it('detects a loop through a second server', async () => {
    const fatal: string[] = [];
    await start(
      (p) =>
        `.:${p[0]} {\n loop\n forward . 127.0.0.1:${p[1]}\n}\n.:${p[1]} {\n forward . 127.0.0.1:${p[0]}\n}`,
      [loopPlugin([], { fatal: (m) => fatal.push(m) }), forward],
      2,
    );
    await waitFor(() => fatal.length > 0, { timeout: 5000, what: 'the loop to be detected' });
    expect(fatal).toHaveLength(1);
    expect(fatal[0]).toMatch(/^Loop \(127\.0\.0\.1:\d+ -> :\d+\) detected for zone "\."/);
  });

  it('probes the first zone of its block, at the bound address', async () => {
    const fatal: string[] = [];
    const bind: PluginDefinition = {
      name: 'bind',
      setup(c) {
        c.next();
        c.nextArg();
        c.config.listenHosts.push(c.val());
      },
    };
    const s = await start(
      (p) =>
        `example.org:${p[0]} example.net:${p[0]} {\n bind 127.0.0.1\n loop\n forward . 127.0.0.1:${p[0]}\n}`,
      [bind, loopPlugin([], { fatal: (m) => fatal.push(m) }), forward],
    );
    await waitFor(() => fatal.length > 0, { timeout: 5000, what: 'the loop to be detected' });
    expect(fatal[0]).toMatch(MESSAGE('127\\.0\\.0\\.1:\\d+', `127\\.0\\.0\\.1:${s.port}`, 'example.org.'));
  });

  it("by default logs CoreDNS's FATAL line (and exits; here the captured log throws instead)", async () => {
    const s = await start(
      (p) => `.:${p[0]} {\n loop\n forward . 127.0.0.1:${p[0]}\n}`,
      [createLoopPlugin(), forward],
      1,
      true,
    );
    await waitFor(() => s.logs.some((l) => l.startsWith('[FATAL]')), {
      timeout: 5000,
      what: 'the FATAL line',
    });
    const line = s.logs.find((l) => l.startsWith('[FATAL]')) as string;
    expect(line).toMatch(
      /^\[FATAL\] plugin\/loop: Loop \(127\.0\.0\.1:\d+ -> :\d+\) detected for zone "\.", see https:\/\/coredns\.io\/plugins\/loop#troubleshooting\. Query: "HINFO \d+\.\d+\."$/,
    );
  });
});

describe('loop without a loop', () => {
  it('sends one probe, which the upstream answers, and then disables itself', async () => {
    const up = await upstream(true);
    const fatal: string[] = [];
    const loops: Loop[] = [];
    const s = await start(
      (p) => `.:${p[0]} {\n loop\n forward . 127.0.0.1:${up.port}\n}`,
      [loopPlugin(loops, { fatal: (m) => fatal.push(m) }), forward],
    );
    const [loop] = loops;
    await waitFor(() => loop.disabled, { timeout: 5000, what: 'the probe to be answered' });
    expect(up.questions).toEqual([`HINFO ${loop.qname}`]);
    expect(loop.seen).toBe(1);
    // Disabled: even the probe name goes through uncounted now.
    for (let i = 0; i < 4; i++) await s.query(loop.qname, 'HINFO');
    expect(fatal).toEqual([]);
    expect(up.questions).toHaveLength(5);
  });

  it('gives up probing after its deadline when nothing answers, without a verdict', async () => {
    const up = await upstream(false);
    const fatal: string[] = [];
    const loops: Loop[] = [];
    await start(
      (p) => `.:${p[0]} {\n loop\n forward . 127.0.0.1:${up.port} {\n  read_timeout 100ms\n }\n}`,
      [
        loopPlugin(loops, {
          fatal: (m) => fatal.push(m),
          timing: { deadlineMs: 600, retryMs: 50, timeoutMs: 150 },
        }),
        forward,
      ],
    );
    const [loop] = loops;
    await waitFor(() => loop.disabled, { timeout: 3000, what: 'the deadline' });
    expect(loop.seen).toBe(0);
    expect(up.questions.length).toBeGreaterThanOrEqual(2);
    expect(fatal).toEqual([]);
  });

  it('may appear once per server block', async () => {
    await expect(
      startTestServer({ corefile: (p) => `.:${p[0]} {\n loop\n loop\n}`, plugins: [createLoopPlugin()] }),
    ).rejects.toThrow(
      'Corefile:3 - Error during parsing: plugin/loop: this plugin can only be used once per Server Block',
    );
  });
});
