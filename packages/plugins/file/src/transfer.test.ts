/**
 * The file plugin's `transfer to` (the book's `file DB { transfer to ADDRESS }`) through
 * core's transfer mechanism, seen by kdig and by a stand-in secondary receiving NOTIFY;
 * and CNAME targets outside the zone resolved through the server's own chain.
 */
import { mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { Flag, Rcode, definePlugin, getRcode, type ResourceRecord } from '@tsdns/core';
import { NotifyListener, hasTool, kdigTransfer, startTestServer, type TestServer } from '@tsdns/testing';
import file from './index.js';

const dir = mkdtempSync(join(tmpdir(), 'tsdns-file-transfer-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let n = 0;
function put(name: string, text: string): string {
  const path = join(dir, name);
  const tmp = `${path}.tmp${n++}`;
  writeFileSync(tmp, text);
  renameSync(tmp, path);
  return path;
}

function orgZone(serial: number, address = '192.0.2.80'): string {
  return [
    '$TTL 60',
    `@ SOA ns hostmaster ${serial} 3600 600 86400 60`,
    '@ NS ns',
    'ns A 192.0.2.53',
    `www A ${address}`,
    'out CNAME www.example.net.',
    'twice CNAME out',
    'gone CNAME nope.example.net.',
    '',
  ].join('\n');
}
const NET_ZONE =
  '$TTL 30\n@ SOA ns hostmaster 1 3600 600 86400 30\n@ NS ns\nns A 198.51.100.53\nwww A 198.51.100.1\n';

let server: TestServer | undefined;
afterEach(async () => {
  await server?.stop();
  server = undefined;
});

const lines = (records: ResourceRecord[]) =>
  records.map((r) => (r.type === 'OPT' ? 'OPT' : `${r.name} ${r.type} ${JSON.stringify(r.data)}`));

describe('file transfer to', () => {
  it.skipIf(!hasTool('kdig'))('serves AXFR to listed clients (kdig) and refuses others', async () => {
    const path = put('db.axfr', orgZone(7));
    server = await startTestServer({
      plugins: [file],
      captureLogs: true,
      corefile: ([p]) => `example.org:${p} {\n file ${path} {\n  transfer to 127.0.0.1\n }\n}`,
    });
    const axfr = await kdigTransfer('AXFR', 'example.org.', server.target);
    expect(axfr.error).toBeUndefined();
    expect(axfr.records.map((r) => `${r.name} ${r.type}`)).toEqual([
      'example.org. SOA',
      'example.org. NS',
      'ns.example.org. A',
      'www.example.org. A',
      'out.example.org. CNAME',
      'twice.example.org. CNAME',
      'gone.example.org. CNAME',
      'example.org. SOA',
    ]);
    await server.stop();
    server = await startTestServer({
      plugins: [file],
      captureLogs: true,
      corefile: ([p]) => `example.org:${p} {\n file ${path} {\n  transfer to 10.0.0.0/8\n }\n}`,
    });
    expect((await kdigTransfer('AXFR', 'example.org.', server.target)).error).toMatch(/REFUSED/);
    // AXFR over UDP is never served (RFC 5936 4.2).
    expect(getRcode(await server.query('example.org.', 'AXFR'))).toBe(Rcode.REFUSED);
  });

  it('NOTIFYs the listed secondary at startup and after a reload, and serves IXFR from the old serial', async () => {
    const path = put('db.notify', orgZone(1));
    const listener = await NotifyListener.start();
    try {
      const port = listener.port;
      server = await startTestServer({
        plugins: [file],
        captureLogs: true,
        corefile: ([p]) =>
          `example.org:${p} {\n file ${path} {\n  reload 50ms\n  transfer to 127.0.0.1:${port}\n }\n}`,
      });
      const [first] = await listener.waitFor(1, 4000);
      expect(first.questions[0]).toEqual({ name: 'example.org.', type: 'SOA', class: 'IN' });
      put('db.notify', orgZone(2, '192.0.2.81'));
      await listener.waitFor(2, 4000);
      expect(listener.serials()).toEqual([1, 2]);
      if (hasTool('kdig')) {
        const ixfr = await kdigTransfer('IXFR=1', 'example.org.', server.target);
        expect(
          ixfr.records.map((r) => `${r.type} ${r.type === 'SOA' ? r.rdata.split(/\s+/)[2] : r.rdata}`),
        ).toEqual(['SOA 2', 'SOA 1', 'A 192.0.2.80', 'SOA 2', 'A 192.0.2.81', 'SOA 2']);
      }
    } finally {
      await listener.close();
    }
  });
});

/** Answers A queries for any name with 203.0.113.1, as a forwarder behind file would. */
const anyAddress = definePlugin({
  name: 'anyaddress',
  setup(c) {
    c.addHandler(() => ({
      name: 'anyaddress',
      serveDNS(req, w) {
        const m = req.reply();
        m.flags |= Flag.AA;
        if (req.qtype === 'A')
          m.answers.push({ name: req.qname, type: 'A', class: 'IN', ttl: 5, data: '203.0.113.1' });
        w.write(m);
        return Rcode.NOERROR;
      },
    }));
  },
});

describe('file CNAME targets outside the zone', () => {
  it('resolves them through another server block of the same server', async () => {
    const org = put('db.org', orgZone(1));
    const net = put('db.net', NET_ZONE);
    server = await startTestServer({
      plugins: [file],
      captureLogs: true,
      corefile: ([p]) => `example.org:${p} {\n file ${org}\n}\nexample.net:${p} {\n file ${net}\n}`,
    });
    const r = await server.query('twice.example.org.', 'A');
    expect(getRcode(r)).toBe(Rcode.NOERROR);
    expect(r.flags & Flag.AA).toBe(Flag.AA);
    expect(lines(r.answers)).toEqual([
      'twice.example.org. CNAME "out.example.org."',
      'out.example.org. CNAME "www.example.net."',
      'www.example.net. A "198.51.100.1"',
    ]);
    // A target that does not exist: its zone's NXDOMAIN and SOA (RFC 6604, RFC 2308).
    const nx = await server.query('gone.example.org.', 'A');
    expect(getRcode(nx)).toBe(Rcode.NXDOMAIN);
    expect(lines(nx.answers)).toEqual(['gone.example.org. CNAME "nope.example.net."']);
    expect(nx.authorities.map((x) => `${x.name} ${x.type}`)).toEqual(['example.net. SOA']);
    // The target's zone answers NODATA for AAAA: the CNAME and the target zone's SOA.
    const nodata = await server.query('out.example.org.', 'AAAA');
    expect(getRcode(nodata)).toBe(Rcode.NOERROR);
    expect(lines(nodata.answers)).toEqual(['out.example.org. CNAME "www.example.net."']);
    expect(nodata.authorities.map((x) => `${x.name} ${x.type}`)).toEqual(['example.net. SOA']);
  });

  it('resolves them through the plugins after file in the same block', async () => {
    const org = put('db.org2', orgZone(1));
    server = await startTestServer({
      plugins: [file, anyAddress],
      captureLogs: true,
      corefile: ([p]) => `.:${p} {\n file ${org} example.org\n anyaddress\n}`,
    });
    const r = await server.query('out.example.org.', 'A');
    expect(lines(r.answers)).toEqual([
      'out.example.org. CNAME "www.example.net."',
      'www.example.net. A "203.0.113.1"',
    ]);
  });
});
