import { describe, expect, it } from 'vitest';
import {
  Fallthrough,
  Flag,
  Rcode,
  Request,
  getRcode,
  type Handler,
  type Message,
  type ResourceRecord,
  type ResponseWriter,
} from '@tsdns/core';
import { buildQuery } from '@tsdns/testing';
import { K8sExternal } from './external.js';
import type { K8sExternalConfig } from './setup.js';
import { FakeExternalSource, sampleServices } from './test-support/source.js';

class CaptureWriter implements ResponseWriter {
  readonly transport = 'udp';
  readonly remoteAddress = '198.51.100.7';
  readonly remotePort = 5300;
  readonly localAddress = '192.0.2.53';
  readonly localPort = 53;
  readonly written: Message[] = [];
  write(msg: Message): void {
    this.written.push(msg);
  }
}

const NEXT: Handler & { asked: string[] } = {
  name: 'next',
  asked: [],
  serveDNS(req, w) {
    this.asked.push(req.name);
    w.write(req.reply(Rcode.REFUSED));
    return Rcode.REFUSED;
  },
};

function plugin(
  overrides: Partial<K8sExternalConfig> = {},
  source = new FakeExternalSource(sampleServices()),
) {
  const e = new K8sExternal({
    zones: ['example.org.'],
    apex: 'dns',
    ttl: 5,
    headless: false,
    fallthrough: Fallthrough.none,
    ...overrides,
  });
  e.next = NEXT;
  e.source = source;
  return { e, source };
}

function ask(e: K8sExternal, name: string, type: string): { rcode: number; reply: Message | undefined } {
  const w = new CaptureWriter();
  const rcode = e.serveDNS(new Request(buildQuery(name, type), w), w);
  if (typeof rcode !== 'number') throw new Error('expected a synchronous answer');
  return { rcode, reply: w.written[0] };
}

function rrs(records: readonly ResourceRecord[]): [string, string, number, unknown][] {
  const out: [string, string, number, unknown][] = [];
  for (const r of records) if (r.type !== 'OPT') out.push([r.name, r.type, r.ttl, r.data]);
  return out;
}

const SOA = {
  mname: 'ns1.dns.example.org.',
  rname: 'hostmaster.dns.example.org.',
  serial: 1_700_000_000,
  refresh: 7200,
  retry: 1800,
  expire: 86400,
  minimum: 5,
};

describe('K8sExternal answers', () => {
  it('answers A with each external IPv4 address once (several ports), authoritative', () => {
    const { rcode, reply } = ask(plugin().e, 'Web.Default.example.org.', 'A');
    expect(rcode).toBe(Rcode.NOERROR);
    expect(reply!.flags & Flag.AA).toBe(Flag.AA);
    expect(rrs(reply!.answers)).toEqual([
      ['Web.Default.example.org.', 'A', 5, '192.0.2.10'],
      ['Web.Default.example.org.', 'A', 5, '192.0.2.11'],
    ]);
  });

  it('answers AAAA with the IPv6 addresses, and NODATA with the SOA when there are none', () => {
    const { e } = plugin();
    expect(rrs(ask(e, 'web.default.example.org.', 'AAAA').reply!.answers)).toEqual([
      ['web.default.example.org.', 'AAAA', 5, '2001:db8::10'],
    ]);
    const { rcode, reply } = ask(e, 'noport.default.example.org.', 'AAAA');
    expect(rcode).toBe(Rcode.NOERROR);
    expect(reply!.answers).toEqual([]);
    expect(rrs(reply!.authorities)).toEqual([['example.org.', 'SOA', 5, SOA]]);
  });

  it('answers SRV for every port with the weight split between targets, addresses in additional', () => {
    const { reply } = ask(plugin().e, 'web.default.example.org.', 'SRV');
    // six sources (three addresses times two ports) share the weight: 100 / 6.
    const srv = (port: number) => [
      'web.default.example.org.',
      'SRV',
      5,
      { priority: 0, weight: 16, port, target: 'web.default.example.org.' },
    ];
    expect(rrs(reply!.answers)).toEqual([srv(80), srv(443)]);
    expect(rrs(reply!.additionals)).toEqual([
      ['web.default.example.org.', 'A', 5, '192.0.2.10'],
      ['web.default.example.org.', 'A', 5, '192.0.2.11'],
      ['web.default.example.org.', 'AAAA', 5, '2001:db8::10'],
    ]);
  });

  it('answers SRV for one named port under _PORT._PROTO', () => {
    const { reply } = ask(plugin().e, '_https._tcp.web.default.example.org.', 'SRV');
    expect(rrs(reply!.answers)).toEqual([
      [
        '_https._tcp.web.default.example.org.',
        'SRV',
        5,
        { priority: 0, weight: 33, port: 443, target: 'web.default.example.org.' },
      ],
    ]);
    const missing = ask(plugin().e, '_ftp._tcp.web.default.example.org.', 'SRV');
    expect(missing.rcode).toBe(Rcode.NXDOMAIN);
  });

  it('gives NODATA for SRV of a service without ports and for other types', () => {
    const { e } = plugin();
    for (const [name, type] of [
      ['noport.default.example.org.', 'SRV'],
      ['web.default.example.org.', 'MX'],
      ['web.default.example.org.', 'TXT'],
    ]) {
      const { rcode, reply } = ask(e, name, type);
      expect(rcode).toBe(Rcode.NOERROR);
      expect(reply!.answers).toEqual([]);
      expect(rrs(reply!.authorities)[0][1]).toBe('SOA');
    }
  });

  it('gives NXDOMAIN with the SOA for unknown names and services without external addresses', () => {
    const { e } = plugin();
    for (const name of [
      'nope.default.example.org.',
      'internal.data.example.org.',
      'web.nowhere.example.org.',
      'a.b.c.d.e.default.example.org.',
    ]) {
      const { rcode, reply } = ask(e, name, 'A');
      expect(rcode).toBe(Rcode.NXDOMAIN);
      expect(getRcode(reply!)).toBe(Rcode.NXDOMAIN);
      expect(reply!.flags & Flag.AA).toBe(Flag.AA);
      expect(rrs(reply!.authorities)).toEqual([['example.org.', 'SOA', 5, SOA]]);
    }
    // A namespace that exists is a name with nothing of its own: NODATA.
    expect(ask(e, 'default.example.org.', 'A').rcode).toBe(Rcode.NOERROR);
  });

  it('passes NXDOMAIN to the next plugin with fallthrough, but not NODATA', () => {
    const { e } = plugin({ fallthrough: Fallthrough.fromArgs([]) });
    NEXT.asked.length = 0;
    expect(ask(e, 'nope.default.example.org.', 'A').rcode).toBe(Rcode.REFUSED);
    expect(NEXT.asked).toEqual(['nope.default.example.org.']);
    expect(ask(e, 'web.default.example.org.', 'MX').rcode).toBe(Rcode.NOERROR);
    const narrow = plugin({ fallthrough: Fallthrough.fromArgs(['other.example.org']) }).e;
    expect(ask(narrow, 'nope.default.example.org.', 'A').rcode).toBe(Rcode.NXDOMAIN);
  });

  it('answers headless services and their endpoints only with headless', () => {
    expect(ask(plugin().e, 'db.data.example.org.', 'A').rcode).toBe(Rcode.NXDOMAIN);
    const { e } = plugin({ headless: true });
    expect(rrs(ask(e, 'db.data.example.org.', 'A').reply!.answers)).toEqual([
      ['db.data.example.org.', 'A', 5, '10.244.1.5'],
      ['db.data.example.org.', 'A', 5, '10.244.2.6'],
    ]);
    expect(rrs(ask(e, 'db-1.db.data.example.org.', 'A').reply!.answers)).toEqual([
      ['db-1.db.data.example.org.', 'A', 5, '10.244.2.6'],
    ]);
    const srv = ask(e, '_pg._tcp.db.data.example.org.', 'SRV').reply!;
    expect(rrs(srv.answers)).toEqual([
      [
        '_pg._tcp.db.data.example.org.',
        'SRV',
        5,
        { priority: 0, weight: 50, port: 5432, target: 'db-0.db.data.example.org.' },
      ],
      [
        '_pg._tcp.db.data.example.org.',
        'SRV',
        5,
        { priority: 0, weight: 50, port: 5432, target: 'db-1.db.data.example.org.' },
      ],
    ]);
    expect(rrs(srv.additionals)).toEqual([
      ['db-0.db.data.example.org.', 'A', 5, '10.244.1.5'],
      ['db-1.db.data.example.org.', 'A', 5, '10.244.2.6'],
    ]);
  });

  it('answers PTR for an external address with the service name under the first zone', () => {
    const { e, source } = plugin({ zones: ['example.org.', '2.0.192.in-addr.arpa.'] });
    const { reply } = ask(e, '11.2.0.192.in-addr.arpa.', 'PTR');
    expect(rrs(reply!.answers)).toEqual([['11.2.0.192.in-addr.arpa.', 'PTR', 5, 'web.default.example.org.']]);
    expect(source.calls).toContain('reverse 192.0.2.11 example.org.');
    const none = ask(e, '99.2.0.192.in-addr.arpa.', 'PTR');
    expect(none.rcode).toBe(Rcode.NXDOMAIN);
    expect(rrs(none.reply!.authorities)[0][0]).toBe('2.0.192.in-addr.arpa.');
  });

  it('lets the server write the error when the source fails', () => {
    const source = new FakeExternalSource(sampleServices());
    source.failWith = Rcode.SERVFAIL;
    const w = new CaptureWriter();
    const { e } = plugin({}, source);
    expect(e.serveDNS(new Request(buildQuery('web.default.example.org.', 'A'), w), w)).toBe(Rcode.SERVFAIL);
    expect(w.written).toEqual([]);
  });

  it('passes queries outside its zones, and everything before startup found a source', () => {
    const { e } = plugin();
    NEXT.asked.length = 0;
    expect(ask(e, 'web.default.example.net.', 'A').rcode).toBe(Rcode.REFUSED);
    e.source = undefined;
    expect(ask(e, 'web.default.example.org.', 'A').rcode).toBe(Rcode.REFUSED);
    expect(NEXT.asked).toEqual(['web.default.example.net.', 'web.default.example.org.']);
  });
});

describe('K8sExternal apex', () => {
  it('answers SOA at the apex, and NODATA with the SOA for other types', () => {
    const { e } = plugin();
    expect(rrs(ask(e, 'example.org.', 'SOA').reply!.answers)).toEqual([['example.org.', 'SOA', 5, SOA]]);
    const a = ask(e, 'example.org.', 'A').reply!;
    expect(a.answers).toEqual([]);
    expect(rrs(a.authorities)).toEqual([['example.org.', 'SOA', 5, SOA]]);
  });

  it('answers NS with ns1.dns.ZONE and the addresses of the service in front of the server', () => {
    const source = new FakeExternalSource(sampleServices());
    source.nameServers = [
      { name: 'dns.kube-system.example.org.', type: 'A', class: 'IN', ttl: 0, data: '203.0.113.53' },
      { name: 'dns.kube-system.example.org.', type: 'AAAA', class: 'IN', ttl: 0, data: '2001:db8::53' },
    ];
    const { e } = plugin({ ttl: 30 }, source);
    const reply = ask(e, 'example.org.', 'NS').reply!;
    expect(rrs(reply.answers)).toEqual([['example.org.', 'NS', 30, 'ns1.dns.example.org.']]);
    expect(rrs(reply.additionals)).toEqual([
      ['ns1.dns.example.org.', 'A', 30, '203.0.113.53'],
      ['ns1.dns.example.org.', 'AAAA', 30, '2001:db8::53'],
    ]);
    expect(rrs(ask(e, 'ns1.dns.example.org.', 'AAAA').reply!.answers)).toEqual([
      ['ns1.dns.example.org.', 'AAAA', 30, '2001:db8::53'],
    ]);
  });

  it('answers under the apex subdomain: NODATA for it and for ns1 without addresses, NXDOMAIN below', () => {
    const { e } = plugin();
    const dns = ask(e, 'dns.example.org.', 'A');
    expect([dns.rcode, dns.reply!.answers, rrs(dns.reply!.authorities)[0][1]]).toEqual([
      Rcode.NOERROR,
      [],
      'SOA',
    ]);
    const ns = ask(e, 'ns1.dns.example.org.', 'A');
    expect([ns.rcode, ns.reply!.answers.length]).toEqual([Rcode.NOERROR, 0]);
    for (const name of ['ns2.dns.example.org.', 'a.ns1.dns.example.org.']) {
      const r = ask(e, name, 'A');
      expect(r.rcode).toBe(Rcode.NXDOMAIN);
      expect(rrs(r.reply!.authorities)).toEqual([['example.org.', 'SOA', 5, SOA]]);
    }
  });

  it('serves a root zone too', () => {
    const { e } = plugin({ zones: ['.'] });
    expect(rrs(ask(e, '.', 'NS').reply!.answers)).toEqual([['.', 'NS', 5, 'ns1.dns.']]);
    expect(rrs(ask(e, 'web.default.', 'A').reply!.answers)[0]).toEqual([
      'web.default.',
      'A',
      5,
      '192.0.2.10',
    ]);
  });
});
