/**
 * The plugin's options at work through a running server: namespaces, labels and
 * namespace_labels filtering, pod modes, endpoint_pod_names, noendpoints, ttl,
 * fallthrough, ignore empty_service, publishNotReadyAddresses, NS records from the
 * server's own addresses, multicluster zones, metadata for log, and zone transfers.
 */
import { afterEach, describe, expect, it } from 'vitest';
import hosts from '@tsdns/plugin-hosts';
import log from '@tsdns/plugin-log';
import metadata from '@tsdns/plugin-metadata';
import transfer from '@tsdns/plugin-transfer';
import { eventually, hasTool, kdigTransfer, type FakeKubeApi } from '@tsdns/testing';
import { endpointSlice, loadCluster, namespace, pod, service } from './test-support/cluster.js';
import { startCluster, type ClusterServer } from './test-support/harness.js';

let c: ClusterServer | undefined;
afterEach(async () => {
  await c?.stop();
  c = undefined;
});

function start(
  options: string,
  extra: { load?: (api: FakeKubeApi) => void; zones?: string; localAddresses?: string[] } = {},
) {
  return startCluster({
    load: extra.load ?? loadCluster,
    runtime: extra.localAddresses === undefined ? undefined : { localAddresses: () => extra.localAddresses! },
    corefile: (p, url) =>
      `.:${p} {\n kubernetes ${extra.zones ?? 'cluster.local 10.0.0.0/8'} {\n endpoint ${url}\n ${options}\n }\n}`,
  }).then((s) => (c = s));
}

const rcode = async (name: string, type = 'A') => (await c!.q(name, type)).rcode;
const answers = async (name: string, type = 'A') => (await c!.q(name, type)).answer;

describe('namespaces, labels, namespace_labels', () => {
  it('namespaces exposes only the listed namespaces (names, reverse, transfers)', async () => {
    await start('namespaces testns');
    expect(await answers('dual.testns.svc.cluster.local.')).toHaveLength(1);
    expect(await rcode('kubernetes.default.svc.cluster.local.')).toBe('NXDOMAIN');
    expect(await rcode('default.svc.cluster.local.')).toBe('NXDOMAIN');
    expect(await rcode('1.0.96.10.in-addr.arpa.', 'PTR')).toBe('NXDOMAIN');
    expect(await answers('5.5.96.10.in-addr.arpa.', 'PTR')).toHaveLength(1);
  });

  it('labels makes the API server filter services and slices', async () => {
    await start('labels app in (web, api),tier!=db', {
      load: (api) => {
        api.create(namespace('default'));
        api.create(
          service('default', 'web', {
            clusterIP: '10.96.1.1',
            ports: [{ port: 80 }],
            labels: { app: 'web' },
          }),
        );
        api.create(
          service('default', 'api', {
            clusterIP: '10.96.1.2',
            ports: [{ port: 80 }],
            labels: { app: 'api', tier: 'db' },
          }),
        );
        api.create(service('default', 'other', { clusterIP: '10.96.1.3', ports: [{ port: 80 }] }));
      },
    });
    expect(await answers('web.default.svc.cluster.local.')).toHaveLength(1);
    expect(await rcode('api.default.svc.cluster.local.')).toBe('NXDOMAIN');
    expect(await rcode('other.default.svc.cluster.local.')).toBe('NXDOMAIN');
    const sent = c!.api.requests.find((r) => r.path === '/api/v1/services')!.query.get('labelSelector');
    expect(sent).toBe('app in (api,web),tier!=db');
    // A label change moves the service out of the selection: the watch deletes it.
    c!.api.update(
      service('default', 'web', { clusterIP: '10.96.1.1', ports: [{ port: 80 }], labels: { app: 'other' } }),
    );
    await eventually(async () => expect(await rcode('web.default.svc.cluster.local.')).toBe('NXDOMAIN'));
  });

  it('namespace_labels exposes the namespaces with matching labels only, following label changes', async () => {
    await start('namespace_labels team=a');
    expect(await answers('dual.testns.svc.cluster.local.')).toHaveLength(1);
    expect(await rcode('kubernetes.default.svc.cluster.local.')).toBe('NXDOMAIN');
    c!.api.update(namespace('default', { team: 'a' }));
    await eventually(async () =>
      expect(await answers('kubernetes.default.svc.cluster.local.')).toHaveLength(1),
    );
  });
});

describe('pods', () => {
  it('insecure answers any well-formed address in an existing namespace', async () => {
    await start('pods insecure');
    expect(await answers('1-2-3-4.testns.pod.cluster.local.')).toEqual([
      '1-2-3-4.testns.pod.cluster.local. 5 A 1.2.3.4',
    ]);
    expect(await answers('fd00--1.testns.pod.cluster.local.', 'AAAA')).toEqual([
      'fd00--1.testns.pod.cluster.local. 5 AAAA fd00::1',
    ]);
    expect(await rcode('1-2-3.testns.pod.cluster.local.')).toBe('NXDOMAIN');
    expect(await rcode('1-2-3-4.nowhere.pod.cluster.local.')).toBe('NXDOMAIN');
  });

  it('disabled (the default) answers NXDOMAIN for pod names', async () => {
    await start('');
    expect(await rcode('10-244-9-9.testns.pod.cluster.local.')).toBe('NXDOMAIN');
    expect(c!.api.requests.some((r) => r.path === '/api/v1/pods')).toBe(false);
  });

  it('verified follows pods coming and going and ignores pods being deleted or finished', async () => {
    await start('pods verified');
    expect(c!.api.requests.find((r) => r.path === '/api/v1/pods')!.query.get('fieldSelector')).toBe(
      'status.phase!=Succeeded,status.phase!=Failed,status.phase!=Unknown',
    );
    c!.api.create(pod('testns', 'new', '10.244.9.20'));
    await eventually(async () =>
      expect(await answers('10-244-9-20.testns.pod.cluster.local.')).toHaveLength(1),
    );
    c!.api.update(pod('testns', 'new', '10.244.9.20', { deleting: true }));
    await eventually(async () =>
      expect(await rcode('10-244-9-20.testns.pod.cluster.local.')).toBe('NXDOMAIN'),
    );
    c!.api.update(pod('testns', 'client', '10.244.9.9', { phase: 'Succeeded' }));
    await eventually(async () =>
      expect(await rcode('10-244-9-9.testns.pod.cluster.local.')).toBe('NXDOMAIN'),
    );
  });
});

describe('endpoints', () => {
  it('endpoint_pod_names names endpoints without a hostname after their pod', async () => {
    await start('endpoint_pod_names');
    expect(await answers('web-5d8f-abcde.web.testns.svc.cluster.local.')).toEqual([
      'web-5d8f-abcde.web.testns.svc.cluster.local. 5 A 10.244.4.1',
    ]);
    // A hostname still wins.
    expect(await answers('headless-0.headless.testns.svc.cluster.local.')).toHaveLength(1);
    expect(await rcode('10-244-4-1.web.testns.svc.cluster.local.')).toBe('NXDOMAIN');
    expect(await answers('1.4.244.10.in-addr.arpa.', 'PTR')).toEqual([
      '1.4.244.10.in-addr.arpa. 5 PTR web-5d8f-abcde.web.testns.svc.cluster.local.',
    ]);
  });

  it('noendpoints watches no slices: headless services and endpoints are NXDOMAIN', async () => {
    await start('noendpoints');
    expect(c!.api.requests.some((r) => r.path.includes('endpointslices'))).toBe(false);
    expect(await rcode('headless.testns.svc.cluster.local.')).toBe('NXDOMAIN');
    expect(await rcode('10-244-1-6.kube-dns.kube-system.svc.cluster.local.')).toBe('NXDOMAIN');
    expect(await answers('kube-dns.kube-system.svc.cluster.local.')).toHaveLength(1);
  });

  it('ignore empty_service makes ClusterIP services without ready endpoints NXDOMAIN', async () => {
    await start('ignore empty_service');
    expect(await rcode('empty.testns.svc.cluster.local.')).toBe('NXDOMAIN');
    expect(await answers('kube-dns.kube-system.svc.cluster.local.')).toHaveLength(1);
    c!.api.create(
      endpointSlice('testns', 'empty', 'empty-1', [{ ip: '10.244.7.1' }], [{ name: 'http', port: 80 }]),
    );
    await eventually(async () =>
      expect(await answers('empty.testns.svc.cluster.local.')).toEqual([
        'empty.testns.svc.cluster.local. 5 A 10.96.7.7',
      ]),
    );
  });

  it('publishes not-ready endpoints of a service with publishNotReadyAddresses', async () => {
    await start('');
    expect(await answers('web.testns.svc.cluster.local.')).toHaveLength(2);
    c!.api.update(
      service('testns', 'web', {
        clusterIP: 'None',
        ports: [{ name: 'http', port: 8080 }],
        publishNotReadyAddresses: true,
      }),
    );
    await eventually(async () => expect(await answers('web.testns.svc.cluster.local.')).toHaveLength(3));
  });
});

describe('ttl and fallthrough', () => {
  it('ttl sets the records’ and the SOA’s TTL', async () => {
    await start('ttl 30');
    expect(await answers('kubernetes.default.svc.cluster.local.')).toEqual([
      'kubernetes.default.svc.cluster.local. 30 A 10.96.0.1',
    ]);
    const soa = (await c!.q('nope.cluster.local.', 'A')).authority[0];
    expect(soa).toMatch(/^cluster\.local\. 30 SOA .* 86400 30$/);
  });

  it('fallthrough passes NXDOMAIN names of the listed zones down the chain', async () => {
    c = await startCluster({
      load: loadCluster,
      plugins: (k) => [k, hosts],
      corefile: (p, url) => `.:${p} {
        kubernetes cluster.local 10.0.0.0/8 {
          endpoint ${url}
          fallthrough in-addr.arpa
        }
        hosts {
          10.1.2.3 elsewhere.example.
          10.96.0.1 not-kubernetes.example.
          fallthrough
        }
      }`,
    });
    // A reverse name the cluster does not know goes on to hosts.
    expect(await answers('3.2.1.10.in-addr.arpa.', 'PTR')).toEqual([
      '3.2.1.10.in-addr.arpa. 3600 PTR elsewhere.example.',
    ]);
    // One it knows is answered by kubernetes.
    expect(await answers('1.0.96.10.in-addr.arpa.', 'PTR')).toEqual([
      '1.0.96.10.in-addr.arpa. 5 PTR kubernetes.default.svc.cluster.local.',
    ]);
    // Names in the cluster zone do not fall through (not listed).
    expect(await rcode('nope.default.svc.cluster.local.')).toBe('NXDOMAIN');
  });
});

describe('NS records at the apex', () => {
  it('names the service whose endpoint is this server (CoreDNS: the kube-dns service)', async () => {
    await start('', { localAddresses: ['10.244.1.6'] });
    const a = await c!.q('cluster.local.', 'NS');
    expect(a.answer).toEqual(['cluster.local. 5 NS kube-dns.kube-system.svc.cluster.local.']);
    expect(a.additional).toEqual(['kube-dns.kube-system.svc.cluster.local. 5 A 10.96.0.10']);
  });

  it('is ns.dns.ZONE with the local addresses when no service has them', async () => {
    await start('', { localAddresses: ['192.0.2.1', '2001:db8::1'] });
    const a = await c!.q('cluster.local.', 'NS');
    expect(a.answer).toEqual(['cluster.local. 5 NS ns.dns.cluster.local.']);
    expect(a.additional).toEqual([
      'ns.dns.cluster.local. 5 A 192.0.2.1',
      'ns.dns.cluster.local. 5 AAAA 2001:db8::1',
    ]);
    expect(await answers('ns.dns.cluster.local.')).toEqual(['ns.dns.cluster.local. 5 A 192.0.2.1']);
    expect(await answers('ns.dns.cluster.local.', 'AAAA')).toEqual([
      'ns.dns.cluster.local. 5 AAAA 2001:db8::1',
    ]);
  });
});

describe('multicluster', () => {
  it('answers ServiceImports and their slices in the multicluster zone', async () => {
    await start('multicluster clusterset.local', {
      zones: 'cluster.local clusterset.local',
      load: (api) => {
        loadCluster(api);
        api.create({
          apiVersion: 'multicluster.x-k8s.io/v1alpha1',
          kind: 'ServiceImport',
          metadata: { name: 'db', namespace: 'testns' },
          spec: {
            type: 'ClusterSetIP',
            ips: ['10.100.0.5'],
            ports: [{ name: 'sql', port: 5432, protocol: 'TCP' }],
          },
        });
        api.create({
          apiVersion: 'multicluster.x-k8s.io/v1alpha1',
          kind: 'ServiceImport',
          metadata: { name: 'cache', namespace: 'testns' },
          spec: { type: 'Headless', ports: [{ name: 'redis', port: 6379, protocol: 'TCP' }] },
        });
        api.create(
          endpointSlice(
            'testns',
            'cache',
            'cache-east',
            [{ ip: '10.50.0.1', hostname: 'r0' }],
            [{ name: 'redis', port: 6379 }],
            {
              labels: {
                'multicluster.kubernetes.io/service-name': 'cache',
                'multicluster.kubernetes.io/source-cluster': 'east',
              },
            },
          ),
        );
      },
    });
    expect(await answers('db.testns.svc.clusterset.local.')).toEqual([
      'db.testns.svc.clusterset.local. 5 A 10.100.0.5',
    ]);
    expect(await answers('_sql._tcp.db.testns.svc.clusterset.local.', 'SRV')).toEqual([
      '_sql._tcp.db.testns.svc.clusterset.local. 5 SRV 0 100 5432 db.testns.svc.clusterset.local.',
    ]);
    expect(await answers('cache.testns.svc.clusterset.local.')).toEqual([
      'cache.testns.svc.clusterset.local. 5 A 10.50.0.1',
    ]);
    expect(await answers('r0.east.cache.testns.svc.clusterset.local.')).toEqual([
      'r0.east.cache.testns.svc.clusterset.local. 5 A 10.50.0.1',
    ]);
    expect(await rcode('r0.west.cache.testns.svc.clusterset.local.')).toBe('NXDOMAIN');
    // The cluster zone does not see imports, nor the clusterset zone the cluster's services.
    expect(await rcode('db.testns.svc.cluster.local.')).toBe('NXDOMAIN');
    expect(await rcode('dual.testns.svc.clusterset.local.')).toBe('NXDOMAIN');
  });
});

describe('metadata', () => {
  it('publishes what the query names and, with pods verified, the client pod', async () => {
    c = await startCluster({
      load: (api) => {
        loadCluster(api);
        api.create(pod('testns', 'me', '127.0.0.1', { labels: { app: 'tester' } }));
      },
      plugins: (k) => [metadata, log, k],
      corefile: (p, url) => `.:${p} {
        metadata
        log . "META {/kubernetes/kind} {/kubernetes/namespace} {/kubernetes/service} {/kubernetes/endpoint} {/kubernetes/port-name} {/kubernetes/protocol} {/kubernetes/client-namespace} {/kubernetes/client-pod-name} {/kubernetes/client-label/app}"
        kubernetes cluster.local {
          endpoint ${url}
          pods verified
        }
      }`,
    });
    await c.q('_http._tcp.headless.testns.svc.cluster.local.', 'SRV');
    await eventually(() =>
      // The endpoint label is empty for a service's own name.
      expect(c!.server.logs).toContain('[INFO] META svc testns headless  http tcp testns me tester'),
    );
  });
});

describe('zone transfer', () => {
  const corefile = (xfr: string) => (p: number, url: string) =>
    `.:${p} {\n ${xfr === 'plugin' ? 'transfer cluster.local {\n to *\n }' : ''}\n kubernetes cluster.local 10.0.0.0/8 {\n endpoint ${url}\n ${xfr === 'option' ? 'transfer to 127.0.0.1' : ''}\n }\n}`;

  it.skipIf(!hasTool('kdig'))(
    'sends the cluster zone with kdig AXFR through the transfer plugin',
    async () => {
      c = await startCluster({
        load: loadCluster,
        plugins: (k) => [transfer, k],
        corefile: corefile('plugin'),
      });
      const x = await kdigTransfer('AXFR', 'cluster.local.', c.server.target);
      expect(x.error).toBeUndefined();
      const rrs = x.records.map((r) => `${r.name} ${r.type} ${r.rdata}`);
      expect(rrs[0]).toMatch(
        /^cluster\.local\. SOA ns\.dns\.cluster\.local\. hostmaster\.cluster\.local\. \d+ 7200 1800 86400 5$/,
      );
      expect(rrs.at(-1)).toBe(rrs[0]);
      expect(rrs).toContain('kubernetes.default.svc.cluster.local. A 10.96.0.1');
      expect(rrs).toContain(
        'kubernetes.default.svc.cluster.local. SRV 0 100 443 kubernetes.default.svc.cluster.local.',
      );
      expect(rrs).toContain(
        '_https._tcp.kubernetes.default.svc.cluster.local. SRV 0 100 443 kubernetes.default.svc.cluster.local.',
      );
      expect(rrs).toContain('dual.testns.svc.cluster.local. AAAA fd00:10:96::5');
      expect(rrs).toContain('headless.testns.svc.cluster.local. A 10.244.3.12');
      expect(rrs).toContain('headless-2.headless.testns.svc.cluster.local. A 10.244.3.12');
      expect(rrs).toContain(
        '_http._tcp.headless.testns.svc.cluster.local. SRV 0 25 80 headless-2.headless.testns.svc.cluster.local.',
      );
      expect(rrs).toContain('ext.testns.svc.cluster.local. CNAME www.example.com.');
      // No pod records, nothing not ready, nothing twice.
      expect(rrs.some((r) => r.includes('10.244.4.3'))).toBe(false);
      expect(new Set(rrs.slice(1, -1)).size).toBe(rrs.length - 2);
      // Reverse zones are not transferred.
      expect((await kdigTransfer('AXFR', '10.in-addr.arpa.', c.server.target)).records).toEqual([]);
    },
  );

  it.skipIf(!hasTool('kdig'))('honours the old transfer to option of the plugin itself', async () => {
    c = await startCluster({ load: loadCluster, corefile: corefile('option') });
    const x = await kdigTransfer('AXFR', 'cluster.local.', c.server.target);
    expect(x.records.map((r) => r.type)).toContain('SRV');
    expect(x.records.length).toBeGreaterThan(20);
  });

  it('refuses AXFR without any transfer configuration', async () => {
    c = await startCluster({ load: loadCluster, corefile: corefile('none') });
    expect((await c.q('cluster.local.', 'AXFR')).rcode).toBe('REFUSED');
  });
});
