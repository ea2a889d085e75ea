/**
 * Every record shape of the Kubernetes DNS specification and the book's chapter 6,
 * through a running server whose kubernetes plugin watches a fake API server with the
 * real @kubernetes/client-node, queried with the harness client (and dig/kdig below).
 */
import { isIPv6 } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import hosts from '@tsdns/plugin-hosts';
import { dig, hasTool, kdig } from '@tsdns/testing';
import { loadCluster } from './test-support/cluster.js';
import { startCluster, type ClusterServer } from './test-support/harness.js';

/** The ip6.arpa name of an IPv6 address. */
function ip6arpa(ip: string): string {
  expect(isIPv6(ip)).toBe(true);
  const [head, tail] = ip.split('::');
  const h = head === '' ? [] : head.split(':');
  const t = tail === undefined || tail === '' ? [] : tail.split(':');
  const groups = [...h, ...Array<string>(8 - h.length - t.length).fill('0'), ...t];
  return `${groups
    .map((g) => g.padStart(4, '0'))
    .join('')
    .split('')
    .reverse()
    .join('.')}.ip6.arpa.`;
}

const SOA_RE =
  /^cluster\.local\. 5 SOA ns\.dns\.cluster\.local\. hostmaster\.cluster\.local\. \d+ 7200 1800 86400 5$/;

let c: ClusterServer;
beforeAll(async () => {
  c = await startCluster({
    load: loadCluster,
    corefile: (p, url) => `.:${p} {
      kubernetes cluster.local 10.0.0.0/8 fd00::/8 {
        endpoint ${url}
        pods verified
      }
    }
    example.com:${p} {
      hosts {
        192.0.2.53 www.example.com
        2001:db8::53 www.example.com
      }
    }`,
    plugins: (k) => [hosts, k],
  });
});
afterAll(() => c?.stop());

describe('schema version (spec 2.2)', () => {
  it('has dns-version TXT "1.1.0"', async () => {
    const a = await c.q('dns-version.cluster.local.', 'TXT');
    expect(a.answer).toEqual(['dns-version.cluster.local. 28800 TXT "1.1.0"']);
    expect(a.aa).toBe(true);
    // The name exists for other types too.
    expect((await c.q('dns-version.cluster.local.', 'A')).rcode).toBe('NOERROR');
  });
});

describe('ClusterIP services (spec 2.3)', () => {
  it('has A for the cluster IP and NODATA for AAAA', async () => {
    const a = await c.q('kubernetes.default.svc.cluster.local.', 'A');
    expect(a).toMatchObject({
      rcode: 'NOERROR',
      aa: true,
      answer: ['kubernetes.default.svc.cluster.local. 5 A 10.96.0.1'],
    });
    const aaaa = await c.q('kubernetes.default.svc.cluster.local.', 'AAAA');
    expect(aaaa.rcode).toBe('NOERROR');
    expect(aaaa.answer).toEqual([]);
    expect(aaaa.authority[0]).toMatch(SOA_RE);
  });

  it('answers both families of a dual-stack service', async () => {
    expect((await c.q('dual.testns.svc.cluster.local.', 'A')).answer).toEqual([
      'dual.testns.svc.cluster.local. 5 A 10.96.5.5',
    ]);
    expect((await c.q('dual.testns.svc.cluster.local.', 'AAAA')).answer).toEqual([
      'dual.testns.svc.cluster.local. 5 AAAA fd00:10:96::5',
    ]);
  });

  it('has SRV for named ports with the address as additional', async () => {
    const a = await c.q('_https._tcp.kubernetes.default.svc.cluster.local.', 'SRV');
    expect(a.answer).toEqual([
      '_https._tcp.kubernetes.default.svc.cluster.local. 5 SRV 0 100 443 kubernetes.default.svc.cluster.local.',
    ]);
    expect(a.additional).toEqual(['kubernetes.default.svc.cluster.local. 5 A 10.96.0.1']);
    const udp = await c.q('_dns._udp.kube-dns.kube-system.svc.cluster.local.', 'SRV');
    expect(udp.answer).toEqual([
      '_dns._udp.kube-dns.kube-system.svc.cluster.local. 5 SRV 0 100 53 kube-dns.kube-system.svc.cluster.local.',
    ]);
    // The named port dns is UDP: there is no _dns._tcp.
    expect((await c.q('_dns._tcp.kube-dns.kube-system.svc.cluster.local.', 'SRV')).rcode).toBe('NXDOMAIN');
    expect((await c.q('_nope._tcp.kubernetes.default.svc.cluster.local.', 'SRV')).rcode).toBe('NXDOMAIN');
  });

  it('has SRV for every port of the service name itself, weights shared as CoreDNS does', async () => {
    const a = await c.q('kube-dns.kube-system.svc.cluster.local.', 'SRV');
    // Ports 53/udp, 53/tcp and 9153: three entries, 53 once per target.
    expect(a.answer.sort()).toEqual([
      'kube-dns.kube-system.svc.cluster.local. 5 SRV 0 33 53 kube-dns.kube-system.svc.cluster.local.',
      'kube-dns.kube-system.svc.cluster.local. 5 SRV 0 33 9153 kube-dns.kube-system.svc.cluster.local.',
    ]);
    expect(a.additional).toEqual(['kube-dns.kube-system.svc.cluster.local. 5 A 10.96.0.10']);
  });

  it('has PTR for the cluster IP in the reverse zone', async () => {
    expect((await c.q('1.0.96.10.in-addr.arpa.', 'PTR')).answer).toEqual([
      '1.0.96.10.in-addr.arpa. 5 PTR kubernetes.default.svc.cluster.local.',
    ]);
    const v6 = ip6arpa('fd00:10:96::5');
    expect((await c.q(v6, 'PTR')).answer).toEqual([`${v6} 5 PTR dual.testns.svc.cluster.local.`]);
    const none = await c.q('99.99.99.10.in-addr.arpa.', 'PTR');
    expect(none.rcode).toBe('NXDOMAIN');
    expect(none.authority[0]).toMatch(/^10\.in-addr\.arpa\. 5 SOA ns\.dns\.10\.in-addr\.arpa\. /);
    // The name with a PTR exists for other types.
    expect((await c.q('1.0.96.10.in-addr.arpa.', 'A')).rcode).toBe('NOERROR');
  });
});

describe('headless services (spec 2.4)', () => {
  it('has one A per ready endpoint under the service name', async () => {
    const a = await c.q('headless.testns.svc.cluster.local.', 'A');
    expect(a.answer.sort()).toEqual(
      [10, 11, 12, 13].map((i) => `headless.testns.svc.cluster.local. 5 A 10.244.3.${i}`),
    );
    // web has one endpoint that is not ready: left out.
    expect((await c.q('web.testns.svc.cluster.local.', 'A')).answer.sort()).toEqual([
      'web.testns.svc.cluster.local. 5 A 10.244.4.1',
      'web.testns.svc.cluster.local. 5 A 10.244.4.2',
    ]);
    expect((await c.q('web.testns.svc.cluster.local.', 'AAAA')).answer).toEqual([
      'web.testns.svc.cluster.local. 5 AAAA fd00:10:244::4',
    ]);
  });

  it('answers NXDOMAIN for a headless service without ready endpoints', async () => {
    const a = await c.q('empty-headless.testns.svc.cluster.local.', 'A');
    expect(a.rcode).toBe('NXDOMAIN');
    expect(a.authority[0]).toMatch(SOA_RE);
  });

  it('names endpoints by hostname (StatefulSet) or dashed address', async () => {
    expect((await c.q('headless-2.headless.testns.svc.cluster.local.', 'A')).answer).toEqual([
      'headless-2.headless.testns.svc.cluster.local. 5 A 10.244.3.12',
    ]);
    expect((await c.q('10-244-4-1.web.testns.svc.cluster.local.', 'A')).answer).toEqual([
      '10-244-4-1.web.testns.svc.cluster.local. 5 A 10.244.4.1',
    ]);
    expect((await c.q('fd00-10-244--4.web.testns.svc.cluster.local.', 'AAAA')).answer).toEqual([
      'fd00-10-244--4.web.testns.svc.cluster.local. 5 AAAA fd00:10:244::4',
    ]);
    expect((await c.q('10-244-4-3.web.testns.svc.cluster.local.', 'A')).rcode).toBe('NXDOMAIN');
    // An endpoint of a ClusterIP service resolves too.
    expect((await c.q('10-244-1-6.kube-dns.kube-system.svc.cluster.local.', 'A')).answer).toEqual([
      '10-244-1-6.kube-dns.kube-system.svc.cluster.local. 5 A 10.244.1.6',
    ]);
  });

  it('has SRV per ready endpoint and named port, targets by hostname, addresses additional', async () => {
    const a = await c.q('_http._tcp.headless.testns.svc.cluster.local.', 'SRV');
    expect(a.answer.sort()).toEqual(
      [0, 1, 2, 3].map(
        (i) =>
          `_http._tcp.headless.testns.svc.cluster.local. 5 SRV 0 25 80 headless-${i}.headless.testns.svc.cluster.local.`,
      ),
    );
    expect(a.additional.sort()).toEqual(
      [0, 1, 2, 3].map((i) => `headless-${i}.headless.testns.svc.cluster.local. 5 A 10.244.3.${10 + i}`),
    );
    const web = await c.q('_http._tcp.web.testns.svc.cluster.local.', 'SRV');
    expect(web.answer.sort()).toEqual([
      '_http._tcp.web.testns.svc.cluster.local. 5 SRV 0 33 8080 10-244-4-1.web.testns.svc.cluster.local.',
      '_http._tcp.web.testns.svc.cluster.local. 5 SRV 0 33 8080 10-244-4-2.web.testns.svc.cluster.local.',
      '_http._tcp.web.testns.svc.cluster.local. 5 SRV 0 33 8080 fd00-10-244--4.web.testns.svc.cluster.local.',
    ]);
    expect(web.additional).toContain('fd00-10-244--4.web.testns.svc.cluster.local. 5 AAAA fd00:10:244::4');
  });

  it('has PTR for endpoint addresses', async () => {
    expect((await c.q('12.3.244.10.in-addr.arpa.', 'PTR')).answer).toEqual([
      '12.3.244.10.in-addr.arpa. 5 PTR headless-2.headless.testns.svc.cluster.local.',
    ]);
    const v6 = ip6arpa('fd00:10:244::4');
    expect((await c.q(v6, 'PTR')).answer).toEqual([
      `${v6} 5 PTR fd00-10-244--4.web.testns.svc.cluster.local.`,
    ]);
    // Not ready: no PTR.
    expect((await c.q('3.4.244.10.in-addr.arpa.', 'PTR')).rcode).toBe('NXDOMAIN');
  });
});

describe('ExternalName services (spec 2.5)', () => {
  it('answers a CNAME and the target resolved through the chain', async () => {
    const a = await c.q('ext.testns.svc.cluster.local.', 'A');
    expect(a.answer).toEqual([
      'ext.testns.svc.cluster.local. 5 CNAME www.example.com.',
      'www.example.com. 3600 A 192.0.2.53',
    ]);
    const aaaa = await c.q('ext.testns.svc.cluster.local.', 'AAAA');
    expect(aaaa.answer).toEqual([
      'ext.testns.svc.cluster.local. 5 CNAME www.example.com.',
      'www.example.com. 3600 AAAA 2001:db8::53',
    ]);
    expect((await c.q('ext.testns.svc.cluster.local.', 'CNAME')).answer).toEqual([
      'ext.testns.svc.cluster.local. 5 CNAME www.example.com.',
    ]);
    // No SRV for ExternalName services, but the name exists.
    const srv = await c.q('ext.testns.svc.cluster.local.', 'SRV');
    expect(srv).toMatchObject({ rcode: 'NOERROR', answer: [] });
  });

  it('follows a target inside the cluster zone itself', async () => {
    expect((await c.q('alias.testns.svc.cluster.local.', 'A')).answer).toEqual([
      'alias.testns.svc.cluster.local. 5 CNAME dual.testns.svc.cluster.local.',
      'dual.testns.svc.cluster.local. 5 A 10.96.5.5',
    ]);
  });
});

describe('pods verified', () => {
  it('answers pod names of existing pods in their namespace only', async () => {
    expect((await c.q('10-244-9-9.testns.pod.cluster.local.', 'A')).answer).toEqual([
      '10-244-9-9.testns.pod.cluster.local. 5 A 10.244.9.9',
    ]);
    expect((await c.q('10-244-9-9.default.pod.cluster.local.', 'A')).rcode).toBe('NXDOMAIN');
    expect((await c.q('1-2-3-4.testns.pod.cluster.local.', 'A')).rcode).toBe('NXDOMAIN');
    expect((await c.q('testns.pod.cluster.local.', 'A')).rcode).toBe('NOERROR');
    expect((await c.q('x.10-244-9-9.testns.pod.cluster.local.', 'A')).rcode).toBe('NXDOMAIN');
  });
});

describe('NXDOMAIN and NODATA', () => {
  const cases: [string, string, string][] = [
    ['nonexistent.testns.svc.cluster.local.', 'A', 'NXDOMAIN'],
    ['testns.svc.cluster.local.', 'A', 'NOERROR'],
    ['no-such-namespace.svc.cluster.local.', 'A', 'NXDOMAIN'],
    ['svc.cluster.local.', 'A', 'NOERROR'],
    ['pod.cluster.local.', 'A', 'NOERROR'],
    ['cluster.local.', 'A', 'NOERROR'],
    ['dns.cluster.local.', 'A', 'NOERROR'],
    ['kubernetes.default.svc.cluster.local.', 'MX', 'NOERROR'],
    ['kubernetes.default.svc.cluster.local.', 'TXT', 'NOERROR'],
    ['kubernetes.default.svc.cluster.local.', 'SOA', 'NOERROR'],
    ['nonexistent.testns.svc.cluster.local.', 'TXT', 'NXDOMAIN'],
    ['nonexistent.testns.svc.cluster.local.', 'SOA', 'NXDOMAIN'],
    ['foo.cluster.local.', 'A', 'NXDOMAIN'],
    ['a.b.c.kubernetes.default.svc.cluster.local.', 'A', 'NXDOMAIN'],
    ['kubernetes.default.svc.cluster.local.', 'AAAA', 'NOERROR'],
  ];
  it.each(cases)('%s %s is %s, with the SOA in authority', async (name, type, rcode) => {
    const a = await c.q(name, type);
    expect(a.rcode).toBe(rcode);
    expect(a.aa).toBe(true);
    if (a.answer.length === 0) expect(a.authority[0]).toMatch(SOA_RE);
  });
});

describe('zone apex', () => {
  it('has the SOA CoreDNS makes', async () => {
    const a = await c.q('cluster.local.', 'SOA');
    expect(a.answer).toHaveLength(1);
    expect(a.answer[0]).toMatch(SOA_RE);
  });

  it('keeps the letter case of the query', async () => {
    const a = await c.q('KUBERNETES.Default.SVC.Cluster.Local.', 'A');
    expect(a.msg.answers[0].name).toBe('KUBERNETES.Default.SVC.Cluster.Local.');
    const nx = await c.q('Nope.Default.SVC.Cluster.Local.', 'A');
    expect(nx.msg.authorities[0].name).toBe('Cluster.Local.');
  });
});

describe('wildcards (chapter 6)', () => {
  it('answers every endpoint of a ClusterIP service (example 6-25)', async () => {
    const a = await c.q('*.kube-dns.kube-system.svc.cluster.local.', 'A');
    expect(a.answer.sort()).toEqual([
      '*.kube-dns.kube-system.svc.cluster.local. 5 A 10.244.1.6',
      '*.kube-dns.kube-system.svc.cluster.local. 5 A 10.244.2.7',
    ]);
  });

  it('matches services, namespaces and ports with * and any', async () => {
    const all = await c.q('*.default.svc.cluster.local.', 'A');
    expect(all.answer).toEqual(['*.default.svc.cluster.local. 5 A 10.96.0.1']);
    expect((await c.q('kubernetes.*.svc.cluster.local.', 'A')).answer).toEqual([
      'kubernetes.*.svc.cluster.local. 5 A 10.96.0.1',
    ]);
    const srv = await c.q('*.any.kube-dns.kube-system.svc.cluster.local.', 'SRV');
    expect(srv.answer).toHaveLength(2);
    const udp = await c.q('*._udp.kube-dns.*.svc.cluster.local.', 'SRV');
    expect(udp.answer).toEqual([
      '*._udp.kube-dns.*.svc.cluster.local. 5 SRV 0 100 53 kube-dns.kube-system.svc.cluster.local.',
    ]);
    const testns = await c.q('*.testns.svc.cluster.local.', 'A');
    for (const ip of ['10.96.5.5', '10.96.7.7', '10.244.3.10', '10.244.4.1'])
      expect(testns.answer.join('\n')).toContain(` A ${ip}`);
  });

  it('gives NODATA for a wildcard in an existing namespace without matches, NXDOMAIN in an unknown one', async () => {
    expect((await c.q('*.testns.svc.cluster.local.', 'MX')).rcode).toBe('NOERROR');
    expect((await c.q('*.nowhere.svc.cluster.local.', 'A')).rcode).toBe('NXDOMAIN');
  });
});

describe('real clients', () => {
  it.skipIf(!hasTool('dig'))('dig sees SRV with additional records and NXDOMAIN with the SOA', async () => {
    const r = await dig(['_http._tcp.headless.testns.svc.cluster.local', 'SRV'], { target: c.server.target });
    expect(r.status).toBe('NOERROR');
    expect(r.flags).toContain('aa');
    expect(r.answer).toHaveLength(4);
    expect(r.additional.map((x) => x.rdata).sort()).toEqual([
      '10.244.3.10',
      '10.244.3.11',
      '10.244.3.12',
      '10.244.3.13',
    ]);
    const nx = await dig(['missing.testns.svc.cluster.local', 'A'], { target: c.server.target });
    expect(nx.status).toBe('NXDOMAIN');
    expect(nx.authority[0].type).toBe('SOA');
  });

  it.skipIf(!hasTool('kdig'))('kdig over TCP sees the ExternalName chain and dns-version', async () => {
    const r = await kdig(['+tcp', 'ext.testns.svc.cluster.local', 'A'], { target: c.server.target });
    expect(r.answer.map((x) => `${x.type} ${x.rdata}`)).toEqual(['CNAME www.example.com.', 'A 192.0.2.53']);
    const v = await kdig(['dns-version.cluster.local', 'TXT'], { target: c.server.target });
    expect(v.answer[0].rdata).toBe('"1.1.0"');
  });
});
