import { mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { Flag, Rcode, definePlugin, getRcode, type Message } from '@tsdns/core';
import { dig, hasTool, kdig, startTestServer, type TestServer } from '@tsdns/testing';
import hosts from './index.js';

const dir = mkdtempSync(join(tmpdir(), 'tsdns-hosts-server-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let n = 0;
/** Replaces the file in one step, so a read never sees it half written. */
function write(path: string, text: string): void {
  const tmp = `${path}.tmp${n++}`;
  writeFileSync(tmp, text);
  renameSync(tmp, path);
}

/** The plugin after hosts in these tests: answers NXDOMAIN for whatever reaches it. */
const nxdomain = definePlugin({
  name: 'nxdomain',
  setup(c) {
    while (c.next()) if (c.nextArg()) throw c.argErr();
    c.addHandler(() => ({
      name: 'nxdomain',
      serveDNS(req, w) {
        const msg = req.reply(Rcode.NXDOMAIN);
        msg.flags |= Flag.AA;
        w.write(msg);
        return Rcode.NXDOMAIN;
      },
    }));
  },
});

const HOSTS_FILE = join(dir, 'hosts');
write(
  HOSTS_FILE,
  [
    '# test hosts file',
    '127.0.0.1   localhost',
    '192.0.2.10  www.example.org  web.example.org',
    '2001:db8::10 www.example.org',
    '192.0.2.99  elsewhere.example.com',
  ].join('\n'),
);

let server: TestServer | undefined;
afterEach(async () => {
  await server?.stop();
  server = undefined;
});

async function start(corefile: (port: number) => string): Promise<TestServer> {
  server = await startTestServer({
    plugins: [hosts, nxdomain],
    corefile: (ports) => corefile(ports[0]),
    captureLogs: true,
  });
  return server;
}

const rdata = (m: Message) => m.answers.map((r) => ('data' in r ? r.data : undefined));

describe('hosts in a running server', () => {
  it('answers A, AAAA and PTR from the file and inline entries; SERVFAIL for unknown names', async () => {
    const s = await start(
      // The reverse zone must be a key of the block, or its queries never reach it.
      (port) =>
        `example.org:${port} 192.0.2.0/24:${port} {\n hosts ${HOSTS_FILE} {\n  192.0.2.20 inline.example.org\n  ttl 300\n }\n}`,
    );
    const a = await s.query('www.example.org.', 'A');
    expect(getRcode(a)).toBe(Rcode.NOERROR);
    expect(a.flags & Flag.AA).toBe(Flag.AA);
    expect(a.answers).toEqual([
      { name: 'www.example.org.', type: 'A', class: 'IN', ttl: 300, data: '192.0.2.10' },
    ]);
    expect(rdata(await s.query('www.example.org.', 'AAAA'))).toEqual(['2001:db8::10']);
    expect(rdata(await s.query('web.example.org.', 'A'))).toEqual(['192.0.2.10']);
    expect(rdata(await s.query('inline.example.org.', 'A'))).toEqual(['192.0.2.20']);
    expect(rdata(await s.query('10.2.0.192.in-addr.arpa.', 'PTR'))).toEqual([
      'www.example.org.',
      'web.example.org.',
    ]);
    expect(rdata(await s.query('20.2.0.192.in-addr.arpa.', 'PTR'))).toEqual(['inline.example.org.']);

    const nodata = await s.query('web.example.org.', 'AAAA');
    expect(getRcode(nodata)).toBe(Rcode.NOERROR);
    expect(nodata.answers).toEqual([]);
    expect(nodata.authorities).toEqual([]);

    expect(getRcode(await s.query('missing.example.org.', 'A'))).toBe(Rcode.SERVFAIL);
    // Outside the block's zone the entries are not loaded at all.
    expect(getRcode(await s.query('99.2.0.192.in-addr.arpa.', 'PTR'))).toBe(Rcode.SERVFAIL);
  });

  it('falls through to the next plugin for names it does not have', async () => {
    const s = await start(
      (port) => `.:${port} {\n hosts ${HOSTS_FILE} example.org {\n  fallthrough\n }\n nxdomain\n}`,
    );
    expect(rdata(await s.query('www.example.org.', 'A'))).toEqual(['192.0.2.10']);
    const missing = await s.query('missing.example.org.', 'A');
    expect(getRcode(missing)).toBe(Rcode.NXDOMAIN);
    // Outside ZONES, and PTR without an entry: the next plugin, fallthrough or not.
    expect(getRcode(await s.query('elsewhere.example.com.', 'A'))).toBe(Rcode.NXDOMAIN);
    expect(getRcode(await s.query('1.1.1.1.in-addr.arpa.', 'PTR'))).toBe(Rcode.NXDOMAIN);
  });

  it('picks up a rewritten file within the reload period', async () => {
    const path = join(dir, 'reloaded');
    write(path, '192.0.2.1 host.example.org\n');
    const s = await start(
      (port) => `example.org:${port} in-addr.arpa:${port} {\n hosts ${path} {\n  reload 50ms\n }\n}`,
    );
    expect(rdata(await s.query('host.example.org.', 'A'))).toEqual(['192.0.2.1']);
    write(path, '192.0.2.2 host.example.org\n192.0.2.3 new.example.org\n');
    const deadline = Date.now() + 3000;
    let got: unknown[] = [];
    while (Date.now() < deadline) {
      got = rdata(await s.query('host.example.org.', 'A'));
      if (got[0] === '192.0.2.2') break;
      await new Promise((r) => setTimeout(r, 25));
    }
    expect(got).toEqual(['192.0.2.2']);
    expect(rdata(await s.query('new.example.org.', 'A'))).toEqual(['192.0.2.3']);
    expect(rdata(await s.query('3.2.0.192.in-addr.arpa.', 'PTR'))).toEqual(['new.example.org.']);
  });

  it('refuses a second hosts directive in a block, and bad options with file and line', async () => {
    await expect(start((port) => `example.org:${port} {\n hosts ${HOSTS_FILE}\n hosts\n}`)).rejects.toThrow(
      /this plugin can only be used once per Server Block/,
    );
    await expect(start((port) => `example.org:${port} {\n hosts {\n  ttl 0\n }\n}`)).rejects.toThrow(
      /^Corefile:3 - Error during parsing: ttl provided is invalid/,
    );
  });

  it.skipIf(!hasTool('dig'))('answers dig: A, AAAA, PTR and SERVFAIL', async () => {
    const s = await start((port) => `example.org:${port} in-addr.arpa:${port} {\n hosts ${HOSTS_FILE}\n}`);
    const a = await dig(['www.example.org', 'A'], { target: s.target });
    expect(a.status).toBe('NOERROR');
    expect(a.flags).toContain('aa');
    expect(a.answer.map((r) => [r.name, r.ttl, r.type, r.rdata])).toEqual([
      ['www.example.org.', 3600, 'A', '192.0.2.10'],
    ]);
    const aaaa = await dig(['www.example.org', 'AAAA'], { target: s.target });
    expect(aaaa.answer.map((r) => r.rdata)).toEqual(['2001:db8::10']);
    const ptr = await dig(['-x', '192.0.2.10'], { target: s.target });
    expect(ptr.answer.map((r) => [r.type, r.rdata])).toEqual([
      ['PTR', 'www.example.org.'],
      ['PTR', 'web.example.org.'],
    ]);
    const missing = await dig(['nope.example.org', 'A'], { target: s.target });
    expect(missing.status).toBe('SERVFAIL');
  });

  it.skipIf(!hasTool('kdig'))('answers kdig over UDP and TCP, and NXDOMAIN after fallthrough', async () => {
    const s = await start(
      (port) =>
        `example.org:${port} ip6.arpa:${port} {\n hosts ${HOSTS_FILE} {\n  fallthrough\n }\n nxdomain\n}`,
    );
    for (const transport of ['+notcp', '+tcp']) {
      const a = await kdig([transport, 'web.example.org', 'A'], { target: s.target });
      expect(a.status).toBe('NOERROR');
      expect(a.answer.map((r) => r.rdata)).toEqual(['192.0.2.10']);
    }
    const ptr = await kdig(['-x', '2001:db8::10'], { target: s.target });
    expect(ptr.answer.map((r) => r.rdata)).toEqual(['www.example.org.']);
    const missing = await kdig(['nope.example.org', 'A'], { target: s.target });
    expect(missing.status).toBe('NXDOMAIN');
  });
});
