// k8s_external in a running server, with a stand-in kubernetes plugin as its source and the
// file plugin answering for the load balancers' host names, asked by the harness, dig and kdig.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  Rcode,
  definePlugin,
  getRcode,
  nextOrFailure,
  type Handler,
  type Message,
  type PluginDefinition,
} from '@tsdns/core';
import file from '@tsdns/plugin-file';
import transfer from '@tsdns/plugin-transfer';
import { dig, hasTool, kdig, kdigTransfer, startTestServer, type TestServer } from '@tsdns/testing';
import k8sExternal from './index.js';
import { FakeExternalSource, sampleServices } from './test-support/source.js';

const dir = mkdtempSync(join(tmpdir(), 'k8s-external-it-'));
writeFileSync(
  join(dir, 'elb.db'),
  `$ORIGIN elb.example.net.
$TTL 60
@          IN SOA ns.elb.example.net. hostmaster.elb.example.net. 1 7200 3600 1209600 60
@          IN NS  ns
lb-1234    IN A   198.51.100.34
lb-1234    IN AAAA 2001:db8::34
`,
);

/** A plugin named kubernetes, as the real one would be, serving the fake cluster's data. */
function kubernetesStandIn(source: FakeExternalSource | undefined): PluginDefinition {
  return definePlugin({
    name: 'kubernetes',
    setup(c) {
      while (c.next());
      c.addHandler((next) => {
        const h: Handler = {
          name: 'kubernetes',
          serveDNS: (req, w) => nextOrFailure('kubernetes', next, req, w),
        };
        return source === undefined ? h : Object.assign(source, h);
      });
    },
  });
}

function answers(msg: Message): [string, string, unknown][] {
  return msg.answers.map((rr) => [rr.name, rr.type, 'data' in rr ? rr.data : undefined]);
}

describe('k8s_external through the server', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({
      corefile: ([port]) => `.:${port} {
    transfer example.org {
        to *
    }
    k8s_external example.org {
        headless
        ttl 10
    }
    kubernetes
    file ${join(dir, 'elb.db')} elb.example.net
}
`,
      plugins: [transfer, k8sExternal, kubernetesStandIn(new FakeExternalSource(sampleServices())), file],
    });
  });
  afterAll(() => server.stop());

  it('answers a service with external IPs', async () => {
    const reply = await server.query('web.default.example.org.', 'A');
    expect(answers(reply)).toEqual([
      ['web.default.example.org.', 'A', '192.0.2.10'],
      ['web.default.example.org.', 'A', '192.0.2.11'],
    ]);
  });

  it("follows a load balancer's host name through the chain", async () => {
    expect(answers(await server.query('lb.default.example.org.', 'A'))).toEqual([
      ['lb.default.example.org.', 'CNAME', 'lb-1234.elb.example.net.'],
      ['lb-1234.elb.example.net.', 'A', '198.51.100.34'],
    ]);
    const srv = await server.query('_http._tcp.lb.default.example.org.', 'SRV');
    expect(answers(srv)).toEqual([
      [
        '_http._tcp.lb.default.example.org.',
        'SRV',
        { priority: 0, weight: 100, port: 80, target: 'lb-1234.elb.example.net.' },
      ],
    ]);
    expect(
      srv.additionals.filter((r) => r.type !== 'OPT').map((r) => [r.type, 'data' in r ? r.data : '']),
    ).toEqual([
      ['A', '198.51.100.34'],
      ['AAAA', '2001:db8::34'],
    ]);
  });

  it('gives NXDOMAIN and NODATA with the SOA', async () => {
    const nx = await server.query('gone.default.example.org.', 'A');
    expect(getRcode(nx)).toBe(Rcode.NXDOMAIN);
    expect(nx.authorities.map((r) => r.type)).toEqual(['SOA']);
    const nodata = await server.query('web.default.example.org.', 'TXT');
    expect(getRcode(nodata)).toBe(Rcode.NOERROR);
    expect(nodata.answers).toEqual([]);
  });

  it.skipIf(!hasTool('dig'))(
    'shows dig the apex, an authoritative answer and the SRV of a headless service',
    async () => {
      const soa = await dig(['example.org', 'SOA'], { target: server.target });
      expect(soa.flags).toContain('aa');
      expect(soa.answer.map((r) => [r.name, r.ttl, r.type, r.rdata])).toEqual([
        [
          'example.org.',
          10,
          'SOA',
          'ns1.dns.example.org. hostmaster.dns.example.org. 1700000000 7200 1800 86400 10',
        ],
      ]);
      const srv = await dig(['_pg._tcp.db.data.example.org', 'SRV'], { target: server.target });
      expect(srv.answer.map((r) => r.rdata)).toEqual([
        '0 50 5432 db-0.db.data.example.org.',
        '0 50 5432 db-1.db.data.example.org.',
      ]);
      expect(srv.additional.map((r) => [r.name, r.rdata])).toEqual([
        ['db-0.db.data.example.org.', '10.244.1.5'],
        ['db-1.db.data.example.org.', '10.244.2.6'],
      ]);
    },
  );

  it.skipIf(!hasTool('kdig'))('transfers the zone to kdig through the transfer plugin', async () => {
    const axfr = await kdigTransfer('AXFR', 'example.org.', server.target);
    expect(axfr.error).toBeUndefined();
    const records = axfr.records.map((r) => `${r.name} ${r.type} ${r.rdata}`);
    expect(records[0]).toMatch(/^example\.org\. SOA ns1\.dns\.example\.org\. /);
    expect(records.at(-1)).toBe(records[0]);
    expect(records).toContain('example.org. NS ns1.dns.example.org.');
    expect(records).toContain('web.default.example.org. A 192.0.2.11');
    expect(records).toContain('lb.default.example.org. CNAME lb-1234.elb.example.net.');
    expect(records).toContain('_pg._tcp.db.data.example.org. SRV 0 50 5432 db-1.db.data.example.org.');
    expect(records.filter((r) => r.includes('elb.example.net. A'))).toEqual([]);
  });

  it.skipIf(!hasTool('kdig'))('shows kdig over TCP the NS of the zone', async () => {
    const ns = await kdig(['+tcp', 'example.org', 'NS'], { target: server.target });
    expect(ns.status).toBe('NOERROR');
    expect(ns.answer.map((r) => [r.name, r.type, r.rdata])).toEqual([
      ['example.org.', 'NS', 'ns1.dns.example.org.'],
    ]);
  });
});

describe('k8s_external setup through the server', () => {
  it('refuses to start without the kubernetes plugin', async () => {
    await expect(
      startTestServer({
        corefile: ([port]) => `.:${port} {\n    k8s_external example.org\n}\n`,
        plugins: [k8sExternal, kubernetesStandIn(undefined)],
      }),
    ).rejects.toThrow(/Corefile:2 - Error during parsing: kubernetes plugin not loaded/);
  });

  it('refuses a kubernetes plugin that does not serve external names', async () => {
    await expect(
      startTestServer({
        corefile: ([port]) => `.:${port} {\n    k8s_external example.org\n    kubernetes\n}\n`,
        plugins: [k8sExternal, kubernetesStandIn(undefined)],
      }),
    ).rejects.toThrow(/kubernetes plugin does not implement the Externaler interface/);
  });
});
