import { describe, expect, it } from 'vitest';
import type { ExternalService } from '@tsdns/core';
import { addressAnswer, mergeLookups, ptrAnswer, srvAnswer } from './records.js';

function svc(host: string, port = 80, name = 'lb.default.example.org.'): ExternalService {
  return { name, service: 'lb.default.example.org.', host, port, portName: 'http', protocol: 'tcp', ttl: 7 };
}

describe('records', () => {
  it('answers a load balancer host name with one CNAME (TTL of the source) and a lookup after it', () => {
    const a = addressAnswer(
      'lb.default.example.org.',
      'A',
      [svc('lb-1.elb.example.net'), svc('lb-1.elb.example.net', 443), svc('192.0.2.1')],
      5,
    );
    expect(a.answers).toEqual([
      { name: 'lb.default.example.org.', type: 'CNAME', class: 'IN', ttl: 7, data: 'lb-1.elb.example.net.' },
      { name: 'lb.default.example.org.', type: 'A', class: 'IN', ttl: 5, data: '192.0.2.1' },
    ]);
    expect(a.lookups).toEqual([{ host: 'lb-1.elb.example.net.', type: 'A', section: 'answers', index: 1 }]);
    const merged = mergeLookups(a, [
      {
        records: [{ name: 'lb-1.elb.example.net.', type: 'A', class: 'IN', ttl: 60, data: '198.51.100.1' }],
        truncated: true,
      },
    ]);
    expect(merged.truncated).toBe(true);
    expect(merged.answer.answers.map((r) => (r.type === 'OPT' ? '' : r.data))).toEqual([
      'lb-1.elb.example.net.',
      '198.51.100.1',
      '192.0.2.1',
    ]);
  });

  it('skips host names that are not names', () => {
    expect(addressAnswer('x.', 'A', [svc('bad..name')], 5).answers).toEqual([]);
    expect(srvAnswer('x.', [svc('bad..name')], 5).answers).toEqual([]);
  });

  it('points SRV at a host name and looks its addresses up for the additional section', () => {
    const s = srvAnswer('_http._tcp.lb.default.example.org.', [svc('lb-1.elb.example.net')], 5);
    expect(s.answers).toEqual([
      {
        name: '_http._tcp.lb.default.example.org.',
        type: 'SRV',
        class: 'IN',
        ttl: 7,
        data: { priority: 0, weight: 100, port: 80, target: 'lb-1.elb.example.net.' },
      },
    ]);
    expect(s.lookups.map((l) => [l.host, l.type, l.section])).toEqual([
      ['lb-1.elb.example.net.', 'A', 'additionals'],
      ['lb-1.elb.example.net.', 'AAAA', 'additionals'],
    ]);
    const merged = mergeLookups(s, [
      {
        records: [{ name: 'lb-1.elb.example.net.', type: 'A', class: 'IN', ttl: 60, data: '198.51.100.1' }],
        truncated: false,
      },
      { records: [], truncated: false },
    ]);
    expect(merged.answer.additionals).toHaveLength(1);
    expect(merged.answer.answers).toEqual(s.answers);
  });

  it('gives weight 1 at least, however many targets share it', () => {
    const many = Array.from({ length: 150 }, (_, i) =>
      svc(`10.0.${i >> 8}.${i & 255}`, 80, `e${i}.lb.default.example.org.`),
    );
    const s = srvAnswer('lb.default.example.org.', many, 5);
    expect(s.answers).toHaveLength(150);
    expect(s.answers.every((r) => r.type === 'SRV' && r.data.weight === 1)).toBe(true);
  });

  it('makes one PTR per distinct name', () => {
    expect(
      ptrAnswer('1.2.0.192.in-addr.arpa.', ['a.b.example.org.', 'a.b.example.org.', 'c.d.example.org.'], 5),
    ).toHaveLength(2);
  });
});
