import { describe, expect, it } from 'vitest';
import { Fallthrough, HandlerError, Rcode, Request, type ChainResolver, type Message } from '@tsdns/core';
import { CaptureWriter } from '@tsdns/testing';
import { Etcd } from './etcd.js';
import {
  FakeSource,
  NextHandler,
  lines,
  query,
  serve,
  settings,
  storeOf,
  type Fixture,
} from './test-support/fixtures.js';

// CoreDNS's etcd lookup tests (plugin/etcd/lookup_test.go), keys written as names.
const services: Fixture[] = [
  ['a.server1.dev.region1.skydns.test.', { host: 'dev.server1', port: 8080 }],
  ['a.server1.prod.region1.skydns.test.', { host: '10.0.0.1', port: 8080 }],
  ['b.server1.prod.region1.skydns.test.', { host: '10.0.0.2', port: 8080 }],
  ['b.server6.prod.region1.skydns.test.', { host: '::1', port: 8080 }],
  ['a.txt.server1.prod.region1.skydns.test.', { text: 'sometext' }],
  ['b.txt.server1.prod.region1.skydns.test.', { text: 'moretext' }],
  ['cname.prod.region1.skydns.test.', { host: 'unresolvable.skydns.test' }],
  ['priority.skydns.test.', { host: 'priority.server1', priority: 333, port: 8080 }],
  ['a.sub.region1.skydns.test.', { host: 'sub.server1', port: 0 }],
  ['b.sub.region1.skydns.test.', { host: 'sub.server2', port: 80 }],
  ['c.sub.region1.skydns.test.', { host: '10.0.0.1', port: 8080 }],
  ['a.targetstrip.skydns.test.', { host: '10.0.0.1', port: 8080, targetstrip: 1 }],
  ['b.cname.skydns.test.', { host: 'a.cname.skydns.test' }],
  ['a.cname.skydns.test.', { host: 'b.cname.skydns.test' }],
  ['a.ns.dns.skydns.test.', { host: '10.0.0.2' }],
  ['b.ns.dns.skydns.test.', { host: '10.0.0.3' }],
  ['ns1.c.ns.dns.skydns.test.', { host: '10.0.0.4', targetstrip: 1 }],
  ['ns2.c.ns.dns.skydns.test.', { host: '10.0.0.5', targetstrip: 1 }],
  ['x.skydns_zonea.test.', { host: '10.0.0.2' }],
  ['y.skydns_zonea.test.', { host: '10.0.0.3' }],
  ['x.skydns_zoneb.test.', { host: '10.0.0.2' }],
  ['y.skydns_zoneb.test.', { host: '10.0.0.3' }],
  ['apex.dns.skydns_zoneb.test.', { host: '10.0.0.4' }],
  ['x.skydns_zonec.test.', { host: '10.0.0.2' }],
  ['y.skydns_zonec.test.', { host: '10.0.0.3' }],
  ['a1.apex.dns.skydns_zonec.test.', { host: '10.0.0.4' }],
  ['a2.apex.dns.skydns_zonec.test.', { host: '10.0.0.5' }],
  ['x.skydns_zoned.test.', { host: '10.0.0.2' }],
  ['a1.apex.dns.skydns_zoned.test.', { host: '10.0.0.4' }],
  ['a3.apex.dns.skydns_zoned.test.', { host: '2003::8:1' }],
  ['1.0.0.10.in-addr.arpa.', { host: 'reverse.example.com' }],
  // CoreDNS's group tests.
  ['a.dom.skydns.test.', { host: '127.0.0.1', group: 'g1' }],
  ['b.sub.dom.skydns.test.', { host: '127.0.0.2', group: 'g1' }],
  ['a.dom2.skydns.test.', { host: '127.0.0.1', group: 'g1' }],
  ['b.sub.dom2.skydns.test.', { host: '127.0.0.2', group: '' }],
  ['a.dom1.skydns.test.', { host: '127.0.0.1', group: 'g1' }],
  ['b.sub.dom1.skydns.test.', { host: '127.0.0.2', group: 'g2' }],
  ['a.dom3.skydns.test.', { text: 'foo', group: 'g1' }],
  ['b.sub.dom3.skydns.test.', { text: 'bar', group: 'g1' }],
  // CoreDNS's other tests: mail, TXT.
  ['a.mail.skydns.test.', { host: 'mx.skydns.test', priority: 50, mail: true }],
  ['b.mail.skydns.test.', { host: 'mx.miek.nl', priority: 50, mail: true }],
  ['mx.skydns.test.', { host: 'a.ipaddr.skydns.test' }],
  ['a.mx2.skydns.test.', { host: 'a.ipaddr.skydns.test', mail: true }],
  ['b.mx2.skydns.test.', { host: 'b.ipaddr.skydns.test', mail: true }],
  ['a.mx3.skydns.test.', { host: 'a.ipaddr.skydns.test', priority: 20, mail: true }],
  ['b.mx3.skydns.test.', { host: 'a.ipaddr.skydns.test', priority: 30, mail: true }],
  ['a.ipaddr.skydns.test.', { host: '172.16.1.1' }],
  ['b.ipaddr.skydns.test.', { host: '172.16.1.2' }],
  ['a.mailip.skydns.test.', { host: '172.16.1.3', mail: true, priority: 5, targetstrip: 1 }],
  ['large600.skydns.test.', { text: '0'.repeat(600) }],
  ['http.multiport.http.skydns.test.', { host: '10.11.11.10', port: 80 }],
  ['https.multiport.http.skydns.test.', { host: '10.11.11.10', port: 443 }],
  // CoreDNS's cname tests.
  ['a.server1.dev.region2.skydns.test.', { host: 'cname1.region2.skydns.test' }],
  ['cname1.region2.skydns.test.', { host: 'cname2.region2.skydns.test' }],
  ['cname2.region2.skydns.test.', { host: 'endpoint.region2.skydns.test' }],
  ['endpoint.region2.skydns.test.', { host: '10.240.0.1' }],
  ['region2.skydns.test.', { host: 'mainendpoint.region2.skydns.test' }],
  ['cname3.region3.skydns.test.', { host: 'cname2.region3.skydns.test' }],
  ['cname2.region3.skydns.test.', { host: 'cname1.region3.skydns.test' }],
  ['cname1.region3.skydns.test.', { host: 'endpoint.region3.skydns.test' }],
  ['endpoint.region3.skydns.test.', { host: '', text: 'SOME-RECORD-TEXT' }],
  // Weights shared per priority; port -1 means no SRV record.
  ['a.weights.skydns.test.', { host: 'w1.example.net', port: 1, weight: 10 }],
  ['b.weights.skydns.test.', { host: 'w2.example.net', port: 2, weight: 30 }],
  ['c.weights.skydns.test.', { host: 'w3.example.net', port: 3 }],
  ['d.weights.skydns.test.', { host: 'w4.example.net', port: 4, priority: 20 }],
  ['e.weights.skydns.test.', { host: 'w5.example.net', port: -1, priority: 20 }],
  // A value that is no SkyDNS message.
  ['bad.broken.skydns.test.', '{"host": 42}'],
  ['ok.broken.skydns.test.', { host: '10.9.9.9' }],
  // Outside the zone: a CNAME target looked up through the chain.
  ['ext.skydns.test.', { host: 'www.example.net' }],
  ['extsrv.skydns.test.', { host: 'www.example.net', port: 443 }],
  // Lease TTLs.
  ['leased.skydns.test.', { host: '10.1.1.1' }, '77'],
  ['leasedttl.skydns.test.', { host: '10.1.1.2', ttl: 40 }, '78'],
  ['short.skydns.test.', { host: '10.1.1.3' }, '79'],
  ['ttl.skydns.test.', { host: '10.1.1.4', ttl: 60 }],
];

const zones = [
  'skydns.test.',
  'skydns_extra.test.',
  'skydns_zonea.test.',
  'skydns_zoneb.test.',
  'skydns_zonec.test.',
  'skydns_zoned.test.',
  'in-addr.arpa.',
];

function plugin(over: Parameters<typeof settings>[1] = {}, source = new FakeSource(storeOf(services))): Etcd {
  source.leaseTtls.set('77', 120);
  source.leaseTtls.set('78', 120);
  source.leaseTtls.set('79', 5);
  return new Etcd(settings(zones, over), source, new NextHandler());
}

async function check(
  name: string,
  type: string,
  want: { rcode?: number; answer?: string[]; extra?: string[]; ns?: string[] },
) {
  const { reply } = await serve(plugin(), name, type);
  expect(reply.flags & 0xf, `${name} ${type} rcode`).toBe(want.rcode ?? 0);
  expect(reply.flags & 0x0400, 'AA').toBe(0x0400);
  expect(lines(reply.answers), `${name} ${type} answer`).toEqual([...(want.answer ?? [])].sort());
  if (want.extra !== undefined)
    expect(lines(reply.additionals), `${name} ${type} extra`).toEqual([...want.extra].sort());
  if (want.ns !== undefined) expect(reply.authorities.map((r) => `${r.name} ${r.type}`)).toEqual(want.ns);
}

const SOA = ['skydns.test. SOA'];

describe('Etcd answers as CoreDNS does', () => {
  it('SRV with a name host, the query name keeping its letter case', async () => {
    await check('a.server1.dev.region1.skydns.test.', 'SRV', {
      answer: ['a.server1.dev.region1.skydns.test. 300 SRV 10 100 8080 dev.server1.'],
    });
    await check('a.SERVer1.dEv.region1.skydns.tEst.', 'SRV', {
      answer: ['a.SERVer1.dEv.region1.skydns.tEst. 300 SRV 10 100 8080 dev.server1.'],
    });
  });

  it('NXDOMAIN with the SOA for a name without keys', async () => {
    await check('doesnotexist.skydns.test.', 'A', { rcode: 3, ns: SOA });
    await check('a.server1.nonexistent.region1.skydns.test.', 'HINFO', { rcode: 3, ns: SOA });
  });

  it('A and AAAA from address hosts; every address below a name', async () => {
    await check('a.server1.prod.region1.skydns.test.', 'A', {
      answer: ['a.server1.prod.region1.skydns.test. 300 A 10.0.0.1'],
    });
    await check('b.server6.prod.region1.skydns.test.', 'AAAA', {
      answer: ['b.server6.prod.region1.skydns.test. 300 AAAA ::1'],
    });
    await check('server1.prod.region1.skydns.test.', 'A', {
      answer: [
        'server1.prod.region1.skydns.test. 300 A 10.0.0.1',
        'server1.prod.region1.skydns.test. 300 A 10.0.0.2',
      ],
    });
    await check('multiport.http.skydns.test.', 'A', {
      answer: ['multiport.http.skydns.test. 300 A 10.11.11.10'],
    });
  });

  it('SRV for an address host targets the key name and adds the address', async () => {
    await check('a.server1.prod.region1.skydns.test.', 'SRV', {
      answer: ['a.server1.prod.region1.skydns.test. 300 SRV 10 100 8080 a.server1.prod.region1.skydns.test.'],
      extra: ['a.server1.prod.region1.skydns.test. 300 A 10.0.0.1'],
    });
    await check('targetstrip.skydns.test.', 'SRV', {
      answer: ['targetstrip.skydns.test. 300 SRV 10 100 8080 targetstrip.skydns.test.'],
      extra: ['targetstrip.skydns.test. 300 A 10.0.0.1'],
    });
    await check('priority.skydns.test.', 'SRV', {
      answer: ['priority.skydns.test. 300 SRV 333 100 8080 priority.server1.'],
    });
  });

  it('SRV weights are shares of the weights of a priority', async () => {
    await check('sub.region1.skydns.test.', 'SRV', {
      answer: [
        'sub.region1.skydns.test. 300 SRV 10 33 0 sub.server1.',
        'sub.region1.skydns.test. 300 SRV 10 33 80 sub.server2.',
        'sub.region1.skydns.test. 300 SRV 10 33 8080 c.sub.region1.skydns.test.',
      ],
      extra: ['c.sub.region1.skydns.test. 300 A 10.0.0.1'],
    });
    // priority 10: 10 + 30 + 100 (unset) = 140 -> 7, 21, 71; priority 20: 100 + 100, port -1 skipped.
    const { reply } = await serve(plugin(), 'weights.skydns.test.', 'SRV');
    expect(lines(reply.answers)).toEqual([
      'weights.skydns.test. 300 SRV 10 21 2 w2.example.net.',
      'weights.skydns.test. 300 SRV 10 7 1 w1.example.net.',
      'weights.skydns.test. 300 SRV 10 71 3 w3.example.net.',
      'weights.skydns.test. 300 SRV 20 50 4 w4.example.net.',
    ]);
  });

  it('wildcard labels * and any match any key segment', async () => {
    const { reply } = await serve(plugin(), 'prod.*.skydns.test.', 'SRV');
    expect(lines(reply.answers)).toEqual([
      'prod.*.skydns.test. 300 SRV 10 25 0 unresolvable.skydns.test.',
      'prod.*.skydns.test. 300 SRV 10 25 8080 a.server1.prod.region1.skydns.test.',
      'prod.*.skydns.test. 300 SRV 10 25 8080 b.server1.prod.region1.skydns.test.',
      'prod.*.skydns.test. 300 SRV 10 25 8080 b.server6.prod.region1.skydns.test.',
    ]);
    expect(lines(reply.additionals)).toEqual([
      'a.server1.prod.region1.skydns.test. 300 A 10.0.0.1',
      'b.server1.prod.region1.skydns.test. 300 A 10.0.0.2',
      'b.server6.prod.region1.skydns.test. 300 AAAA ::1',
    ]);
    const any = await serve(plugin(), 'prod.any.skydns.test.', 'SRV');
    expect(lines(any.reply.answers)).toEqual(
      lines(reply.answers).map((l) => l.replace('prod.*.', 'prod.any.')),
    );
    const star = await serve(plugin(), '*.region1.skydns.test.', 'SRV');
    expect(star.reply.answers).toHaveLength(8);
    expect(lines(star.reply.answers)[0]).toBe('*.region1.skydns.test. 300 SRV 10 12 0 sub.server1.');
  });

  it('a wildcard that matches nothing is NODATA', async () => {
    await check('nothing.*.skydns.test.', 'A', { ns: SOA });
  });

  it('CNAMEs: unresolvable inside the zone, loops, and chains followed inside the zone', async () => {
    await check('cname.prod.region1.skydns.test.', 'A', { ns: SOA });
    await check('a.cname.skydns.test.', 'A', { ns: SOA });
    await check('a.server1.dev.region2.skydns.test.', 'A', {
      answer: [
        'a.server1.dev.region2.skydns.test. 300 CNAME cname1.region2.skydns.test.',
        'cname1.region2.skydns.test. 300 CNAME cname2.region2.skydns.test.',
        'cname2.region2.skydns.test. 300 CNAME endpoint.region2.skydns.test.',
        'endpoint.region2.skydns.test. 300 A 10.240.0.1',
      ],
    });
    await check('cname3.region3.skydns.test.', 'TXT', {
      answer: [
        'cname3.region3.skydns.test. 300 CNAME cname2.region3.skydns.test.',
        'cname2.region3.skydns.test. 300 CNAME cname1.region3.skydns.test.',
        'cname1.region3.skydns.test. 300 CNAME endpoint.region3.skydns.test.',
        'endpoint.region3.skydns.test. 300 TXT "SOME-RECORD-TEXT"',
      ],
    });
  });

  it("CNAME queries read the name's own key", async () => {
    await check('region2.skydns.test.', 'CNAME', {
      answer: ['region2.skydns.test. 300 CNAME mainendpoint.region2.skydns.test.'],
    });
    // A text-only service has no host: no CNAME, NODATA.
    await check('endpoint.region3.skydns.test.', 'CNAME', { ns: SOA });
  });

  it('TXT from text, split into strings of 255 bytes; NODATA for a name without text', async () => {
    await check('txt.server1.prod.region1.skydns.test.', 'TXT', {
      answer: [
        'txt.server1.prod.region1.skydns.test. 300 TXT "moretext"',
        'txt.server1.prod.region1.skydns.test. 300 TXT "sometext"',
      ],
    });
    const { reply } = await serve(plugin(), 'large600.skydns.test.', 'TXT');
    const data = (reply.answers[0] as { data: Uint8Array[] }).data;
    expect(data.map((b) => b.length)).toEqual([255, 255, 90]);
    await check('a.server1.dev.region1.skydns.test.', 'TXT', { ns: SOA });
    await check('a.server1.dev.region1.skydns.test.', 'HINFO', { ns: SOA });
  });

  it('MX from mail services, with addresses of targets inside the zone', async () => {
    await check('a.mail.skydns.test.', 'MX', {
      answer: ['a.mail.skydns.test. 300 MX 50 mx.skydns.test.'],
      extra: ['a.ipaddr.skydns.test. 300 A 172.16.1.1', 'mx.skydns.test. 300 CNAME a.ipaddr.skydns.test.'],
    });
    await check('mx2.skydns.test.', 'MX', {
      answer: [
        'mx2.skydns.test. 300 MX 10 a.ipaddr.skydns.test.',
        'mx2.skydns.test. 300 MX 10 b.ipaddr.skydns.test.',
      ],
      extra: ['a.ipaddr.skydns.test. 300 A 172.16.1.1', 'b.ipaddr.skydns.test. 300 A 172.16.1.2'],
    });
    await check('mx3.skydns.test.', 'MX', {
      answer: [
        'mx3.skydns.test. 300 MX 20 a.ipaddr.skydns.test.',
        'mx3.skydns.test. 300 MX 30 a.ipaddr.skydns.test.',
      ],
      extra: ['a.ipaddr.skydns.test. 300 A 172.16.1.1'],
    });
    // An address host: the exchange is the key's name (after targetstrip), its address the glue.
    await check('a.mailip.skydns.test.', 'MX', {
      answer: ['a.mailip.skydns.test. 300 MX 5 mailip.skydns.test.'],
      extra: ['mailip.skydns.test. 300 A 172.16.1.3'],
    });
    await check('a.server1.dev.region1.skydns.test.', 'MX', { ns: SOA });
  });

  it('SOA and NS at the apex', async () => {
    const { reply } = await serve(plugin(), 'skydns.test.', 'SOA');
    expect(reply.answers).toHaveLength(1);
    expect(reply.answers[0]).toMatchObject({
      name: 'skydns.test.',
      type: 'SOA',
      ttl: 30,
      data: {
        mname: 'ns.dns.skydns.test.',
        rname: 'hostmaster.skydns.test.',
        refresh: 7200,
        retry: 1800,
        expire: 86400,
        minimum: 30,
      },
    });
    const serial = (reply.answers[0] as { data: { serial: number } }).data.serial;
    expect(Math.abs(serial - Date.now() / 1000)).toBeLessThan(5);
    await check('skydns.test.', 'NS', {
      answer: [
        'skydns.test. 300 NS a.ns.dns.skydns.test.',
        'skydns.test. 300 NS b.ns.dns.skydns.test.',
        'skydns.test. 300 NS c.ns.dns.skydns.test.',
      ],
      extra: [
        'a.ns.dns.skydns.test. 300 A 10.0.0.2',
        'b.ns.dns.skydns.test. 300 A 10.0.0.3',
        'c.ns.dns.skydns.test. 300 A 10.0.0.4',
        'c.ns.dns.skydns.test. 300 A 10.0.0.5',
      ],
    });
    await check('a.skydns.test.', 'NS', { rcode: 3, ns: SOA });
    await check('ns.dns.skydns.test.', 'A', {
      answer: [
        'ns.dns.skydns.test. 300 A 10.0.0.2',
        'ns.dns.skydns.test. 300 A 10.0.0.3',
        'ns.dns.skydns.test. 300 A 10.0.0.4',
        'ns.dns.skydns.test. 300 A 10.0.0.5',
      ],
    });
    await check('skydns_extra.test.', 'SOA', {
      answer: [expect.stringMatching(/^skydns_extra\.test\. 30 SOA /) as unknown as string],
    });
  });

  it('the apex answers A/AAAA from apex.dns, else from the whole zone', async () => {
    await check('skydns_zonea.test.', 'A', {
      answer: ['skydns_zonea.test. 300 A 10.0.0.2', 'skydns_zonea.test. 300 A 10.0.0.3'],
    });
    await check('skydns_zoneb.test.', 'A', { answer: ['skydns_zoneb.test. 300 A 10.0.0.4'] });
    await check('skydns_zonec.test.', 'A', {
      answer: ['skydns_zonec.test. 300 A 10.0.0.4', 'skydns_zonec.test. 300 A 10.0.0.5'],
    });
    await check('skydns_zoned.test.', 'A', { answer: ['skydns_zoned.test. 300 A 10.0.0.4'] });
    await check('skydns_zoned.test.', 'AAAA', { answer: ['skydns_zoned.test. 300 AAAA 2003::8:1'] });
  });

  it('PTR from the reversed address key', async () => {
    await check('1.0.0.10.in-addr.arpa.', 'PTR', {
      answer: ['1.0.0.10.in-addr.arpa. 300 PTR reverse.example.com.'],
    });
  });

  it('groups: the shallowest keys pick the group', async () => {
    await check('dom.skydns.test.', 'A', {
      answer: ['dom.skydns.test. 300 A 127.0.0.1', 'dom.skydns.test. 300 A 127.0.0.2'],
    });
    await check('dom2.skydns.test.', 'A', {
      answer: ['dom2.skydns.test. 300 A 127.0.0.1', 'dom2.skydns.test. 300 A 127.0.0.2'],
    });
    await check('dom1.skydns.test.', 'A', { answer: ['dom1.skydns.test. 300 A 127.0.0.1'] });
    await check('dom3.skydns.test.', 'TXT', {
      answer: ['dom3.skydns.test. 300 TXT "bar"', 'dom3.skydns.test. 300 TXT "foo"'],
    });
  });

  it('TTLs: the service, the lease (clamped to min-lease-ttl), the smaller of both, or 300', async () => {
    await check('leased.skydns.test.', 'A', { answer: ['leased.skydns.test. 120 A 10.1.1.1'] });
    await check('leasedttl.skydns.test.', 'A', { answer: ['leasedttl.skydns.test. 40 A 10.1.1.2'] });
    await check('short.skydns.test.', 'A', { answer: ['short.skydns.test. 30 A 10.1.1.3'] });
    await check('ttl.skydns.test.', 'A', { answer: ['ttl.skydns.test. 60 A 10.1.1.4'] });
    const capped = await serve(plugin({ maxLeaseTtl: 100 }), 'leased.skydns.test.', 'A');
    expect(capped.reply.answers[0].type === 'A' && capped.reply.answers[0].ttl).toBe(100);
  });
});

describe('Etcd: where it differs from CoreDNS on purpose', () => {
  it('the apex is never NXDOMAIN (it owns the SOA): NS and A without keys are NODATA', async () => {
    await check('skydns_extra.test.', 'NS', { ns: ['skydns_extra.test. SOA'] });
    await check('skydns_extra.test.', 'A', { ns: ['skydns_extra.test. SOA'] });
  });

  it('SOA below the apex is NODATA or NXDOMAIN, not the apex SOA in the answer', async () => {
    await check('a.server1.prod.region1.skydns.test.', 'SOA', { ns: SOA });
    await check('nope.skydns.test.', 'SOA', { rcode: 3, ns: SOA });
  });

  it('a CNAME or PTR query for a name with keys only below it is NODATA', async () => {
    await check('server1.prod.region1.skydns.test.', 'CNAME', { ns: SOA });
    await check('0.0.10.in-addr.arpa.', 'PTR', { ns: ['in-addr.arpa. SOA'] });
    await check('2.0.0.10.in-addr.arpa.', 'PTR', { rcode: 3, ns: ['in-addr.arpa. SOA'] });
  });
});

describe('Etcd failures and fallthrough', () => {
  it('an undecodable value among the keys read is SERVFAIL with the SOA, and an error for the log', async () => {
    const h = plugin();
    const w = new CaptureWriter();
    expect(() => h.serveDNS(new Request(query('broken.skydns.test.', 'A'), w), w)).toThrow(HandlerError);
    expect(w.written[0].flags & 0xf).toBe(Rcode.SERVFAIL);
    expect(w.written[0].authorities.map((r) => r.type)).toEqual(['SOA']);
    try {
      h.serveDNS(new Request(query('broken.skydns.test.', 'A'), w), w);
    } catch (e) {
      expect((e as Error).message).toBe('/skydns/test/skydns/broken/bad: host: want a string, got number');
    }
    // A key next to it answers.
    await check('ok.broken.skydns.test.', 'A', { answer: ['ok.broken.skydns.test. 300 A 10.9.9.9'] });
  });

  it('a copy that is not live gives SERVFAIL, except for the apex SOA', async () => {
    const source = new FakeSource(storeOf(services));
    source.live = false;
    const h = plugin({}, source);
    const w = new CaptureWriter();
    expect(() => h.serveDNS(new Request(query('a.server1.prod.region1.skydns.test.', 'A'), w), w)).toThrow(
      /unreachable backend: etcd is away/,
    );
    expect(w.written[0].flags & 0xf).toBe(Rcode.SERVFAIL);
    const soa = await serve(h, 'skydns.test.', 'SOA');
    expect(soa.reply.answers.map((r) => r.type)).toEqual(['SOA']);
  });

  it('fallthrough passes NXDOMAIN, and an unreachable etcd, to the next plugin', async () => {
    const source = new FakeSource(storeOf(services));
    const next = new NextHandler();
    const h = new Etcd(
      settings(zones, { fallthrough: Fallthrough.fromArgs([]) as Fallthrough }),
      source,
      next,
    );
    const w = new CaptureWriter();
    h.serveDNS(new Request(query('doesnotexist.skydns.test.', 'A'), w), w);
    expect(next.calls).toBe(1);
    // NODATA does not fall through.
    h.serveDNS(new Request(query('a.server1.prod.region1.skydns.test.', 'TXT'), w), w);
    expect(next.calls).toBe(1);
    source.live = false;
    h.serveDNS(new Request(query('a.server1.prod.region1.skydns.test.', 'A'), w), w);
    expect(next.calls).toBe(2);
    expect(w.written).toHaveLength(1);
  });

  it('fallthrough limited to zones', async () => {
    const next = new NextHandler();
    const h = new Etcd(
      settings(zones, { fallthrough: Fallthrough.fromArgs(['in-addr.arpa']) as Fallthrough }),
      new FakeSource(storeOf(services)),
      next,
    );
    const w = new CaptureWriter();
    h.serveDNS(new Request(query('9.9.9.10.in-addr.arpa.', 'PTR'), w), w);
    h.serveDNS(new Request(query('nope.skydns.test.', 'A'), w), w);
    expect(next.calls).toBe(1);
    expect(w.written.map((m) => m.flags & 0xf)).toEqual([3]);
  });

  it('names outside its zones go to the next plugin', async () => {
    const next = new NextHandler();
    const h = new Etcd(settings(['skydns.test.']), new FakeSource(storeOf(services)), next);
    const w = new CaptureWriter();
    h.serveDNS(new Request(query('example.org.', 'A'), w), w);
    expect(next.calls).toBe(1);
  });

  it('answers synchronously when nothing needs a lookup through the chain', () => {
    const w = new CaptureWriter();
    expect(typeof plugin().serveDNS(new Request(query('server1.prod.region1.skydns.test.', 'A'), w), w)).toBe(
      'number',
    );
  });
});

describe('Etcd: targets outside the zone go through the server chain', () => {
  function chainAnswering(answers: Record<string, Message['answers']>): {
    resolver: ChainResolver;
    asked: string[];
  } {
    const asked: string[] = [];
    const resolver: ChainResolver = {
      resolve(req) {
        asked.push(`${req.qname} ${req.qtype}`);
        const reply = req.reply(0);
        reply.answers = answers[`${req.qname} ${req.qtype}`] ?? [];
        return Promise.resolve(reply);
      },
    };
    return { resolver, asked };
  }

  it('a CNAME to an outside name is followed by the answer for that name', async () => {
    const { resolver, asked } = chainAnswering({
      'www.example.net. A': [
        { name: 'www.example.net.', type: 'A', class: 'IN', ttl: 60, data: '192.0.2.80' },
      ],
    });
    const w0 = new CaptureWriter();
    const req = new Request(query('ext.skydns.test.', 'A'), w0);
    req.resolver = resolver;
    const result = plugin().serveDNS(req, w0);
    expect(result).toBeInstanceOf(Promise);
    await result;
    const w = new CaptureWriter();
    const { reply } = await serve(
      plugin(),
      '',
      '',
      Object.assign(new Request(query('ext.skydns.test.', 'A'), w), { resolver }),
    );
    expect(asked).toEqual(['www.example.net. A', 'www.example.net. A']);
    expect(lines(reply.answers)).toEqual([
      'ext.skydns.test. 300 CNAME www.example.net.',
      'www.example.net. 60 A 192.0.2.80',
    ]);
  });

  it('SRV targets outside the zone get A and AAAA glue from the chain, CNAMEs once', async () => {
    const { resolver } = chainAnswering({
      'www.example.net. A': [
        { name: 'www.example.net.', type: 'CNAME', class: 'IN', ttl: 60, data: 'web.example.net.' },
        { name: 'web.example.net.', type: 'A', class: 'IN', ttl: 60, data: '192.0.2.80' },
      ],
      'www.example.net. AAAA': [
        { name: 'www.example.net.', type: 'CNAME', class: 'IN', ttl: 60, data: 'web.example.net.' },
        { name: 'web.example.net.', type: 'AAAA', class: 'IN', ttl: 60, data: '2001:db8::80' },
      ],
    });
    const w = new CaptureWriter();
    const { reply } = await serve(
      plugin(),
      '',
      '',
      Object.assign(new Request(query('extsrv.skydns.test.', 'SRV'), w), { resolver }),
    );
    expect(lines(reply.answers)).toEqual(['extsrv.skydns.test. 300 SRV 10 100 443 www.example.net.']);
    expect(lines(reply.additionals)).toEqual([
      'web.example.net. 60 A 192.0.2.80',
      'web.example.net. 60 AAAA 2001:db8::80',
      'www.example.net. 60 CNAME web.example.net.',
    ]);
  });

  it('without a server to ask, the CNAME is dropped and the answer is NODATA', async () => {
    await check('ext.skydns.test.', 'A', { ns: SOA });
  });
});
