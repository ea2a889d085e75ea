import { describe, expect, it } from 'vitest';
import { Fallthrough, type ResourceRecord } from '@tsdns/core';
import { K8sExternal } from './external.js';
import { FakeExternalSource, sampleServices } from './test-support/source.js';

function plugin(headless: boolean): K8sExternal {
  const e = new K8sExternal({
    zones: ['example.org.'],
    apex: 'dns',
    ttl: 5,
    headless,
    fallthrough: Fallthrough.none,
  });
  const source = new FakeExternalSource(sampleServices());
  source.nameServers = [
    { name: 'kube-dns.kube-system.example.org.', type: 'A', class: 'IN', ttl: 0, data: '203.0.113.53' },
  ];
  e.source = source;
  return e;
}

function text(batches: Iterable<readonly ResourceRecord[]>): string[] {
  const out: string[] = [];
  for (const batch of batches) {
    for (const r of batch) {
      if (r.type === 'OPT') continue;
      const data =
        r.type === 'SRV'
          ? `${r.data.weight} ${r.data.port} ${r.data.target}`
          : r.type === 'SOA'
            ? r.data.serial
            : r.data;
      out.push(`${r.name} ${r.type} ${String(data)}`);
    }
  }
  return out;
}

describe('K8sExternal transfer', () => {
  it('streams the zone: SOA, NS with its address, every name the queries answer, SOA', () => {
    const records = text(plugin(false).transfer('example.org.')!);
    expect(records).toEqual([
      'example.org. SOA 1700000000',
      'example.org. NS ns1.dns.example.org.',
      'ns1.dns.example.org. A 203.0.113.53',
      'web.default.example.org. A 192.0.2.10',
      'web.default.example.org. A 192.0.2.11',
      'web.default.example.org. AAAA 2001:db8::10',
      'lb.default.example.org. CNAME lb-1234.elb.example.net.',
      'noport.default.example.org. A 192.0.2.20',
      'web.default.example.org. SRV 16 80 web.default.example.org.',
      'web.default.example.org. SRV 16 443 web.default.example.org.',
      '_http._tcp.web.default.example.org. SRV 33 80 web.default.example.org.',
      '_https._tcp.web.default.example.org. SRV 33 443 web.default.example.org.',
      '_http._tcp.lb.default.example.org. SRV 100 80 lb-1234.elb.example.net.',
      'example.org. SOA 1700000000',
    ]);
  });

  it('adds headless services and their endpoints with headless', () => {
    const records = text(plugin(true).transfer('example.org.')!);
    expect(records).toContain('db.data.example.org. A 10.244.1.5');
    expect(records).toContain('db-1.db.data.example.org. A 10.244.2.6');
    expect(records).toContain('_pg._tcp.db.data.example.org. SRV 50 5432 db-0.db.data.example.org.');
    expect(records).toContain('db-0.db.data.example.org. SRV 100 5432 db-0.db.data.example.org.');
  });

  it('transfers only its own zones, once it has a source', () => {
    const e = plugin(false);
    expect(e.transfer('org.')).toBeUndefined();
    expect(e.transfer('sub.example.org.')).toBeUndefined();
    expect([...e.transferZones()]).toEqual(['example.org.']);
    e.source = undefined;
    expect(e.transfer('example.org.')).toBeUndefined();
  });
});
