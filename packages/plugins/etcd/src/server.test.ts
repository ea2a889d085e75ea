/**
 * The etcd plugin in a running server against a real etcd: every record type, changes while
 * running, etcd stopped and restarted, fallthrough. Skipped when Debian's etcd is absent.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dig, hasTool, kdig, startTestServer, waitFor, type TestServer } from '@tsdns/testing';
import type { Etcd3 } from 'etcd3';
import etcd from './index.js';
import { EtcdServer, hasEtcd } from './test-support/etcd-server.js';
import { deleteService, nextMarker, putService, rcodeOf } from './test-support/helpers.js';
import { lines } from './test-support/fixtures.js';

const NOERROR = 0;
const SERVFAIL = 2;
const NXDOMAIN = 3;

describe.skipIf(!hasEtcd)('etcd plugin with a real etcd', () => {
  let server: EtcdServer;
  let client: Etcd3;
  let dns: TestServer;

  beforeAll(async () => {
    server = await EtcdServer.start();
    client = server.client();
    const services: [string, object][] = [
      // The book's example 5-1.
      ['users.services.example.com.', { host: '192.0.2.10', port: 20020, priority: 10, weight: 20 }],
      ['a.web.skydns.test.', { host: '10.0.0.1', port: 80, weight: 10 }],
      ['b.web.skydns.test.', { host: '10.0.0.2', port: 80, weight: 30 }],
      ['c.web.skydns.test.', { host: '2001:db8::3', port: 8080 }],
      ['v6.skydns.test.', { host: '2001:db8::6' }],
      ['alias.skydns.test.', { host: 'a.web.skydns.test' }],
      ['outside.skydns.test.', { host: 'www.example.net' }],
      ['srvout.skydns.test.', { host: 'www.example.net', port: 443 }],
      ['txt.skydns.test.', { text: 'hello from etcd', ttl: 60 }],
      ['mx1.mail.skydns.test.', { host: '10.0.1.1', mail: true, priority: 10 }],
      ['mx2.mail.skydns.test.', { host: 'relay.example.net', mail: true, priority: 20 }],
      ['ns1.ns.dns.skydns.test.', { host: '10.0.2.1' }],
      ['x1.apex.dns.skydns.test.', { host: '10.0.3.1' }],
      ['prod.east.wild.skydns.test.', { host: '10.0.4.1', port: 1 }],
      ['prod.west.wild.skydns.test.', { host: '10.0.4.2', port: 2 }],
      ['dev.west.wild.skydns.test.', { host: '10.0.4.3', port: 3 }],
      ['127.0.0.10.in-addr.arpa.', { host: 'reverse.skydns.test' }],
      // The outside zone, served by a second etcd block of the same server.
      ['www.example.net.', { host: '198.51.100.80' }],
      ['relay.example.net.', { host: '198.51.100.25' }],
    ];
    for (const [name, value] of services) await putService(client, name, value);
    dns = await startTestServer({
      corefile: ([p]) =>
        `skydns.test:${p} example.com:${p} 0.0.10.in-addr.arpa:${p} {\n` +
        `  etcd {\n    endpoint ${server.endpoint}\n  }\n}\n` +
        `example.net:${p} {\n  etcd {\n    endpoint ${server.endpoint}\n  }\n}\n` +
        `fall.test:${p} {\n  etcd {\n    endpoint ${server.endpoint}\n    fallthrough\n  }\n  next_marker\n}\n`,
      plugins: [etcd, nextMarker],
      captureLogs: true,
    });
  }, 60_000);

  afterAll(async () => {
    await dns?.stop();
    client?.close();
    await server?.destroy();
  });

  it("answers the book's example 5-6 and 5-7: A and SRV with the address as glue", async () => {
    const a = await dns.query('users.services.example.com.', 'A');
    expect(rcodeOf(a)).toBe(NOERROR);
    expect(a.flags & 0x0400).toBe(0x0400);
    expect(lines(a.answers)).toEqual(['users.services.example.com. 300 A 192.0.2.10']);
    const srv = await dns.query('users.services.example.com.', 'SRV');
    expect(lines(srv.answers)).toEqual([
      'users.services.example.com. 300 SRV 10 100 20020 users.services.example.com.',
    ]);
    expect(lines(srv.additionals)).toEqual(['users.services.example.com. 300 A 192.0.2.10']);
  });

  it('answers a subtree with all records below it, SRV weights shared', async () => {
    const a = await dns.query('web.skydns.test.', 'A');
    expect(lines(a.answers)).toEqual(['web.skydns.test. 300 A 10.0.0.1', 'web.skydns.test. 300 A 10.0.0.2']);
    const aaaa = await dns.query('web.skydns.test.', 'AAAA');
    expect(lines(aaaa.answers)).toEqual(['web.skydns.test. 300 AAAA 2001:db8::3']);
    const srv = await dns.query('web.skydns.test.', 'SRV');
    expect(lines(srv.answers)).toEqual(
      [
        'web.skydns.test. 300 SRV 10 71 8080 c.web.skydns.test.',
        'web.skydns.test. 300 SRV 10 7 80 a.web.skydns.test.',
        'web.skydns.test. 300 SRV 10 21 80 b.web.skydns.test.',
      ].sort(),
    );
    expect(lines(srv.additionals)).toEqual([
      'a.web.skydns.test. 300 A 10.0.0.1',
      'b.web.skydns.test. 300 A 10.0.0.2',
      'c.web.skydns.test. 300 AAAA 2001:db8::3',
    ]);
  });

  it('CNAMEs inside the zone are followed, outside it through the server chain', async () => {
    const inside = await dns.query('alias.skydns.test.', 'A');
    expect(lines(inside.answers)).toEqual([
      'a.web.skydns.test. 300 A 10.0.0.1',
      'alias.skydns.test. 300 CNAME a.web.skydns.test.',
    ]);
    const outside = await dns.query('outside.skydns.test.', 'A');
    expect(lines(outside.answers)).toEqual([
      'outside.skydns.test. 300 CNAME www.example.net.',
      'www.example.net. 300 A 198.51.100.80',
    ]);
    const cname = await dns.query('outside.skydns.test.', 'CNAME');
    expect(lines(cname.answers)).toEqual(['outside.skydns.test. 300 CNAME www.example.net.']);
    const srv = await dns.query('srvout.skydns.test.', 'SRV');
    expect(lines(srv.answers)).toEqual(['srvout.skydns.test. 300 SRV 10 100 443 www.example.net.']);
    expect(lines(srv.additionals)).toEqual(['www.example.net. 300 A 198.51.100.80']);
  });

  it('TXT, MX, NS, SOA and PTR', async () => {
    const txt = await dns.query('txt.skydns.test.', 'TXT');
    expect(lines(txt.answers)).toEqual(['txt.skydns.test. 60 TXT "hello from etcd"']);
    const mx = await dns.query('mail.skydns.test.', 'MX');
    expect(lines(mx.answers)).toEqual([
      'mail.skydns.test. 300 MX 10 mx1.mail.skydns.test.',
      'mail.skydns.test. 300 MX 20 relay.example.net.',
    ]);
    expect(lines(mx.additionals)).toEqual([
      'mx1.mail.skydns.test. 300 A 10.0.1.1',
      'relay.example.net. 300 A 198.51.100.25',
    ]);
    const ns = await dns.query('skydns.test.', 'NS');
    expect(lines(ns.answers)).toEqual(['skydns.test. 300 NS ns1.ns.dns.skydns.test.']);
    expect(lines(ns.additionals)).toEqual(['ns1.ns.dns.skydns.test. 300 A 10.0.2.1']);
    const soa = await dns.query('skydns.test.', 'SOA');
    expect(soa.answers.map((r) => `${r.name} ${r.type}`)).toEqual(['skydns.test. SOA']);
    const apex = await dns.query('skydns.test.', 'A');
    expect(lines(apex.answers)).toEqual(['skydns.test. 300 A 10.0.3.1']);
    const ptr = await dns.query('127.0.0.10.in-addr.arpa.', 'PTR');
    expect(lines(ptr.answers)).toEqual(['127.0.0.10.in-addr.arpa. 300 PTR reverse.skydns.test.']);
  });

  it('wildcard labels as SkyDNS allows them', async () => {
    const srv = await dns.query('prod.*.wild.skydns.test.', 'SRV');
    expect(lines(srv.answers)).toEqual([
      'prod.*.wild.skydns.test. 300 SRV 10 50 1 prod.east.wild.skydns.test.',
      'prod.*.wild.skydns.test. 300 SRV 10 50 2 prod.west.wild.skydns.test.',
    ]);
    const any = await dns.query('*.west.wild.skydns.test.', 'A');
    expect(lines(any.answers)).toEqual([
      '*.west.wild.skydns.test. 300 A 10.0.4.2',
      '*.west.wild.skydns.test. 300 A 10.0.4.3',
    ]);
  });

  it('NXDOMAIN for names without keys, NODATA for names without the type, both with the SOA', async () => {
    const nx = await dns.query('nothing.skydns.test.', 'A');
    expect(rcodeOf(nx)).toBe(NXDOMAIN);
    expect(nx.authorities.map((r) => `${r.name} ${r.type}`)).toEqual(['skydns.test. SOA']);
    const nodata = await dns.query('v6.skydns.test.', 'A');
    expect(rcodeOf(nodata)).toBe(NOERROR);
    expect(nodata.answers).toEqual([]);
    expect(nodata.authorities.map((r) => r.type)).toEqual(['SOA']);
  });

  it.skipIf(!hasTool('dig'))('dig sees the SRV answer with its glue', async () => {
    const r = await dig(['web.skydns.test', 'SRV'], { target: dns.target });
    expect(r.status).toBe('NOERROR');
    expect(r.flags).toContain('aa');
    expect(r.answer.map((x) => x.rdata).sort()).toEqual(
      ['10 21 80 b.web.skydns.test.', '10 71 8080 c.web.skydns.test.', '10 7 80 a.web.skydns.test.'].sort(),
    );
    expect(r.additional.map((x) => `${x.name} ${x.type} ${x.rdata}`).sort()).toEqual([
      'a.web.skydns.test. A 10.0.0.1',
      'b.web.skydns.test. A 10.0.0.2',
      'c.web.skydns.test. AAAA 2001:db8::3',
    ]);
  });

  it.skipIf(!hasTool('kdig'))('kdig over TCP sees TXT, PTR and NXDOMAIN', async () => {
    const txt = await kdig(['+tcp', 'txt.skydns.test', 'TXT'], { target: dns.target });
    expect(txt.answer.map((x) => x.rdata)).toEqual(['"hello from etcd"']);
    const ptr = await kdig(['+tcp', '-x', '10.0.0.127'], { target: dns.target });
    expect(ptr.answer.map((x) => x.rdata)).toEqual(['reverse.skydns.test.']);
    const nx = await kdig(['nothing.skydns.test', 'A'], { target: dns.target });
    expect(nx.status).toBe('NXDOMAIN');
  });

  it('answers changes in etcd while running: add, change, delete', async () => {
    const name = 'live.skydns.test.';
    const answer = async (): Promise<string[]> => lines((await dns.query(name, 'A')).answers);
    expect(rcodeOf(await dns.query(name, 'A'))).toBe(NXDOMAIN);
    await putService(client, name, { host: '10.5.0.1' });
    const start = Date.now();
    await waitFor(async () => (await answer()).join() === `${name} 300 A 10.5.0.1`, {
      timeout: 5_000,
      what: 'the new key',
    });
    const added = Date.now() - start;
    await putService(client, name, { host: '10.5.0.2', ttl: 42 });
    await waitFor(async () => (await answer()).join() === `${name} 42 A 10.5.0.2`, {
      timeout: 5_000,
      what: 'the changed key',
    });
    await deleteService(client, name);
    await waitFor(async () => rcodeOf(await dns.query(name, 'A')) === NXDOMAIN, {
      timeout: 5_000,
      what: 'the deleted key',
    });
    // A watch event arrives within milliseconds on loopback.
    expect(added).toBeLessThan(1_000);
  });

  it('takes record TTLs from leases, within min-lease-ttl and the service TTL', async () => {
    const lease = client.lease(60, { autoKeepAlive: false });
    const id = await lease.grant();
    await putService(client, 'leased.skydns.test.', { host: '10.6.0.1' }, id);
    await waitFor(async () => (await dns.query('leased.skydns.test.', 'A')).answers.length === 1, {
      timeout: 5_000,
      what: 'the leased key',
    });
    // The lease's remaining time is learned in the background; then the TTL follows it.
    await waitFor(
      async () => {
        const rr = (await dns.query('leased.skydns.test.', 'A')).answers[0];
        const ttl = rr !== undefined && rr.type !== 'OPT' ? rr.ttl : 0;
        return ttl > 30 && ttl <= 60;
      },
      { timeout: 5_000, what: 'a TTL from the lease' },
    );
    await lease.revoke();
    await waitFor(async () => rcodeOf(await dns.query('leased.skydns.test.', 'A')) === NXDOMAIN, {
      timeout: 5_000,
      what: 'keys of the revoked lease to go',
    });
  });

  it('falls through for NXDOMAIN when configured', async () => {
    await putService(client, 'here.fall.test.', { host: '10.7.0.1' });
    await waitFor(async () => (await dns.query('here.fall.test.', 'A')).answers.length === 1, {
      timeout: 5_000,
      what: 'the key',
    });
    const fell = await dns.query('missing.fall.test.', 'A');
    expect(lines(fell.answers)).toEqual(['missing.fall.test. 0 TXT "next"']);
  });

  it('answers SERVFAIL while etcd is down (or falls through), and recovers by itself', async () => {
    await server.pause();
    await waitFor(async () => rcodeOf(await dns.query('users.services.example.com.', 'A')) === SERVFAIL, {
      timeout: 10_000,
      what: 'SERVFAIL',
    });
    const failed = await dns.query('users.services.example.com.', 'A');
    expect(failed.flags & 0x0400).toBe(0x0400);
    expect(failed.authorities.map((r) => r.type)).toEqual(['SOA']);
    // With fallthrough the next plugin answers instead.
    const fell = await dns.query('here.fall.test.', 'A');
    expect(lines(fell.answers)).toEqual(['here.fall.test. 0 TXT "next"']);
    expect(
      dns.logs.some((l) =>
        l.startsWith('[ERROR] plugin/etcd: lost etcd, answering SERVFAIL until it is back'),
      ),
    ).toBe(true);

    await server.resume();
    await waitFor(async () => rcodeOf(await dns.query('users.services.example.com.', 'A')) === NOERROR, {
      timeout: 20_000,
      what: 'recovery',
    });
    expect(
      dns.logs.some((l) =>
        /^\[INFO\] plugin\/etcd: synced with etcd again: \d+ keys at revision \d+$/.test(l),
      ),
    ).toBe(true);
    // Changes after the restart are seen too.
    await putService(client, 'after.skydns.test.', { host: '10.8.0.1' });
    await waitFor(async () => (await dns.query('after.skydns.test.', 'A')).answers.length === 1, {
      timeout: 5_000,
      what: 'a key written after the restart',
    });
  }, 60_000);
});
