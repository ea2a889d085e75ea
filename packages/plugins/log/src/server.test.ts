import { afterEach, describe, expect, it } from 'vitest';
import { Flag, Rcode, definePlugin, encodeMessage, type Handler, type PluginDefinition } from '@tsdns/core';
import { startTestServer, type TestServer } from '@tsdns/testing';
import log from './index.js';

/**
 * The end of the chain in these tests: SERVFAIL (writing nothing) for names starting with
 * "fail.", NXDOMAIN for names starting with "nx.", and an authoritative A record otherwise.
 */
const responder: PluginDefinition = definePlugin({
  name: 'responder',
  setup(c) {
    while (c.next());
    c.addHandler(
      (): Handler => ({
        name: 'responder',
        serveDNS(req, w) {
          if (req.name.startsWith('fail.')) return Rcode.SERVFAIL;
          if (req.name.startsWith('nx.')) {
            w.write(req.reply(Rcode.NXDOMAIN));
            return Rcode.NXDOMAIN;
          }
          const reply = req.reply();
          reply.flags |= Flag.AA;
          reply.answers.push({ name: req.qname, type: 'A', class: 'IN', ttl: 60, data: '192.0.2.1' });
          w.write(reply);
          return Rcode.NOERROR;
        },
      }),
    );
  },
});

const PLUGINS = [log, responder];

let server: TestServer | undefined;
afterEach(async () => {
  await server?.stop();
  server = undefined;
});

async function start(directive: string): Promise<TestServer> {
  server = await startTestServer({
    corefile: ([port]) => `.:${port} {\n  ${directive}\n  responder\n}\n`,
    plugins: PLUGINS,
    captureLogs: true,
  });
  return server;
}

describe('log through the server', () => {
  it('prints the Common Log Format line for a UDP query', async () => {
    const s = await start('log');
    const reply = await s.query('example.org.', 'A', { id: 777 });
    expect(s.logs).toHaveLength(1);
    const m =
      /^\[INFO\] 127\.0\.0\.1:(\d+) - 777 "A IN example\.org\. udp 29 false 512" NOERROR qr,aa,rd (\d+) (\d+(?:\.\d+)?)s$/.exec(
        s.logs[0],
      );
    expect(m, s.logs[0]).not.toBeNull();
    const [, port, rsize, seconds] = m as RegExpExecArray;
    expect(Number(port)).toBeGreaterThan(0);
    expect(Number(rsize)).toBe(encodeMessage(reply).length);
    expect(Number(seconds)).toBeLessThan(1);
  });

  it('prints TCP, the DO bit and the stream size for a TCP EDNS query', async () => {
    const s = await start('log');
    await s.query('Example.ORG.', 'AAAA', { transport: 'tcp', do: true, bufsize: 4096, id: 9 });
    expect(s.logs[0]).toMatch(
      /^\[INFO\] 127\.0\.0\.1:\d+ - 9 "AAAA IN example\.org\. tcp 40 true 65535" NOERROR qr,aa,rd \d+ /,
    );
  });

  it('logs only the names it is given', async () => {
    const s = await start('log example.org sub.example.net');
    await s.query('www.example.net.', 'A');
    await s.query('www.example.org.', 'A');
    await s.query('a.sub.example.net.', 'A');
    expect(s.logs.map((l) => /"A IN (\S+) /.exec(l)?.[1])).toEqual([
      'www.example.org.',
      'a.sub.example.net.',
    ]);
  });

  it('logs only the selected classes, with the server-written error response', async () => {
    const s = await start('log . "{name} {rcode} {>rflags} {rsize} {/log/type}" {\n    class error\n  }');
    const failed = await s.query('fail.example.', 'A', { id: 1 });
    expect(failed.flags & 0xf).toBe(Rcode.SERVFAIL);
    await s.query('nx.example.', 'A');
    await s.query('ok.example.', 'A');
    expect(s.logs).toEqual(['[INFO] fail.example. SERVFAIL qr,rd 30 SERVERERROR']);
  });

  it('logs denials in the combined format', async () => {
    const s = await start('log . {combined} {\n    class denial\n  }');
    await s.query('nx.example.', 'TXT', { id: 31 });
    await s.query('ok.example.', 'TXT');
    expect(s.logs).toHaveLength(1);
    expect(s.logs[0]).toMatch(
      /^\[INFO\] 127\.0\.0\.1:\d+ - 31 "TXT IN nx\.example\. udp 28 false 512" NXDOMAIN qr,rd 28 \S+s "0"$/,
    );
  });

  it('refuses to start on a bad class, citing the Corefile line', async () => {
    await expect(start('log {\n    class sometimes\n  }')).rejects.toThrow(
      /Corefile:3 - Error during parsing: invalid class 'sometimes'/,
    );
  });
});
