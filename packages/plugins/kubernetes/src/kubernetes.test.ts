/**
 * The handler's interfaces for other plugins, on a store filled by hand: ExternalSource
 * (k8s_external), AutoPathSource (autopath), MetadataProvider, Readiness and Transferer,
 * and the reverse-name reader.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  Fallthrough,
  Rcode,
  Request,
  isAutoPathSource,
  isExternalSource,
  isMetadataProvider,
  isReadiness,
  isTransferer,
  type Message,
  type ResponseWriter,
} from '@tsdns/core';
import { reverseAddress } from './answer.js';
import { Kubernetes } from './kubernetes.js';
import { Lookup } from './lookup.js';
import { Interner, toEndpoints, toPod, toService } from './objects.js';
import { ClusterStore } from './store.js';
import { endpointSlice, pod, service } from './test-support/cluster.js';
import { KubeView } from './view.js';

function handler(podMode: 'disabled' | 'verified' = 'verified', synced = true): Kubernetes {
  const store = new ClusterStore(() => 1700000000);
  const i = new Interner();
  for (const ns of ['default', 'kube-system']) store.putNamespace(ns);
  const put = (o: ReturnType<typeof service>) => store.cluster.putService(toService(o, i));
  put(
    service('default', 'lb', {
      type: 'LoadBalancer',
      clusterIP: '10.96.1.1',
      ports: [{ name: 'http', port: 80 }],
      ingress: [{ ip: '198.51.100.7' }],
    }),
  );
  put(
    service('default', 'named-lb', {
      type: 'LoadBalancer',
      clusterIP: '10.96.1.2',
      ports: [{ name: 'http', port: 80 }],
      ingress: [{ hostname: 'lb.example.com' }],
    }),
  );
  put(service('default', 'db', { clusterIP: 'None', ports: [{ name: 'sql', port: 5432 }] }));
  put(service('default', 'internal', { clusterIP: '10.96.1.3', ports: [{ port: 80 }] }));
  put(
    service('kube-system', 'kube-dns-ext', {
      type: 'LoadBalancer',
      clusterIP: '10.96.0.10',
      ports: [{ name: 'dns', port: 53, protocol: 'UDP' }],
      externalIPs: ['192.0.2.53'],
    }),
  );
  store.cluster.putEndpoints(
    'default/db-1',
    toEndpoints(
      endpointSlice(
        'default',
        'db',
        'db-1',
        [{ ip: '10.244.0.5', hostname: 'db-0' }],
        [{ name: 'sql', port: 5432 }],
      ),
      i,
    ),
  );
  store.cluster.putEndpoints(
    'kube-system/kd-1',
    toEndpoints(
      endpointSlice(
        'kube-system',
        'kube-dns-ext',
        'kd-1',
        [{ ip: '10.244.0.53' }],
        [{ name: 'dns', port: 53, protocol: 'UDP' }],
      ),
      i,
    ),
  );
  store.putPod(
    'default/client',
    toPod(pod('default', 'client', '10.244.0.9', { labels: { app: 'shop' } }), i)!,
  );
  const lookup = new Lookup(store, {
    namespaces: undefined,
    namespacesFiltered: false,
    podMode,
    endpointPodNames: false,
    ignoreEmptyService: false,
  });
  const view = new KubeView(
    {
      zones: ['cluster.local.', '10.in-addr.arpa.'],
      primaryZone: 'cluster.local.',
      multiclusterZones: [],
      ttl: 5,
    },
    lookup,
  );
  view.localIPs = ['10.244.0.53'];
  return new Kubernetes(
    view,
    { fallthrough: Fallthrough.none, transferTo: undefined, resolvSearch: ['corp.example.'] },
    { synced },
    undefined,
  );
}

function request(name: string, type: string, ip = '10.244.0.9'): Request {
  const msg: Message = {
    id: 1,
    flags: 0x0100,
    questions: [{ name, type, class: 'IN' }],
    answers: [],
    authorities: [],
    additionals: [],
  };
  const w: ResponseWriter = {
    write: () => undefined,
    transport: 'udp',
    remoteAddress: ip,
    remotePort: 5353,
    localAddress: '127.0.0.1',
    localPort: 53,
  };
  return new Request(msg, w);
}

describe('interfaces', () => {
  it('is recognised by the guards other plugins use', () => {
    const k = handler();
    expect(
      isExternalSource(k) &&
        isAutoPathSource(k) &&
        isMetadataProvider(k) &&
        isReadiness(k) &&
        isTransferer(k),
    ).toBe(true);
    expect(k.ready()).toBe(true);
    expect(handler('verified', false).ready()).toBe(false);
  });
});

describe('ExternalSource', () => {
  const Z = 'example.org.';
  it('answers services by their external addresses and load-balancer ingress', () => {
    const k = handler();
    expect(k.external(`lb.default.${Z}`, Z, false)).toEqual({
      rcode: Rcode.NOERROR,
      services: [
        {
          name: `lb.default.${Z}`,
          service: `lb.default.${Z}`,
          host: '198.51.100.7',
          port: 80,
          portName: 'http',
          protocol: 'tcp',
          ttl: 5,
        },
      ],
    });
    expect(k.external(`named-lb.default.${Z}`, Z, false).services[0].host).toBe('lb.example.com');
    expect(k.external(`_http._tcp.lb.default.${Z}`, Z, false).services).toHaveLength(1);
    expect(k.external(`_http._udp.lb.default.${Z}`, Z, false).rcode).toBe(Rcode.NXDOMAIN);
    // Cluster-internal only: not external.
    expect(k.external(`internal.default.${Z}`, Z, false).rcode).toBe(Rcode.NXDOMAIN);
    expect(k.external(`default.${Z}`, Z, false)).toEqual({ rcode: Rcode.NOERROR, services: [] });
    expect(k.external(`x.nowhere.${Z}`, Z, false).rcode).toBe(Rcode.NXDOMAIN);
  });

  it('answers headless endpoints only when asked to', () => {
    const k = handler();
    expect(k.external(`db.default.${Z}`, Z, false).rcode).toBe(Rcode.NXDOMAIN);
    expect(k.external(`db.default.${Z}`, Z, true).services).toEqual([
      {
        name: `db-0.db.default.${Z}`,
        service: `db.default.${Z}`,
        host: '10.244.0.5',
        port: 5432,
        portName: 'sql',
        protocol: 'tcp',
        ttl: 5,
      },
    ]);
    expect(k.external(`db-0.db.default.${Z}`, Z, true).services).toHaveLength(1);
    expect(k.external(`db-1.db.default.${Z}`, Z, true).rcode).toBe(Rcode.NXDOMAIN);
  });

  it('has reverse names, name-server addresses, every service for transfers, and a serial', () => {
    const k = handler();
    expect(k.externalReverse('198.51.100.7', Z)).toEqual([`lb.default.${Z}`]);
    expect(k.externalReverse('10.96.1.1', Z)).toEqual([]);
    expect(k.externalAddresses(Z, false)).toEqual([
      { name: `kube-dns-ext.kube-system.${Z}`, type: 'A', class: 'IN', ttl: 5, data: '192.0.2.53' },
    ]);
    const all = k.externalServices(Z, true).map((s) => `${s.name} ${s.host}`);
    expect(all.sort()).toEqual([
      `db-0.db.default.${Z} 10.244.0.5`,
      `kube-dns-ext.kube-system.${Z} 192.0.2.53`,
      `lb.default.${Z} 198.51.100.7`,
      `named-lb.default.${Z} lb.example.com`,
    ]);
    expect(k.externalSerial(Z)).toBe(1700000000);
  });
});

describe('AutoPathSource', () => {
  it("gives a known pod's search path ending with the empty name", () => {
    const k = handler();
    expect(k.autoPath(request('web.cluster.local.', 'A'))).toEqual([
      'default.svc.cluster.local.',
      'svc.cluster.local.',
      'cluster.local.',
      'corp.example.',
      '',
    ]);
    expect(k.autoPath(request('web.cluster.local.', 'A', '10.9.9.9'))).toBeUndefined();
    expect(k.autoPath(request('example.com.', 'A'))).toBeUndefined();
    expect(handler('disabled').autoPath(request('web.cluster.local.', 'A'))).toBeUndefined();
  });
});

describe('MetadataProvider', () => {
  it('publishes the parts of the name and the client pod', () => {
    const req = request('_sql._tcp.db.default.svc.cluster.local.', 'SRV');
    handler().metadata(req);
    expect(
      Object.fromEntries(
        [
          'kind',
          'namespace',
          'service',
          'endpoint',
          'port-name',
          'protocol',
          'client-namespace',
          'client-pod-name',
          'client-label/app',
        ].map((k) => [k, req.metadata(`kubernetes/${k}`)]),
      ),
    ).toEqual({
      kind: 'svc',
      namespace: 'default',
      service: 'db',
      endpoint: '',
      'port-name': 'sql',
      protocol: 'tcp',
      'client-namespace': 'default',
      'client-pod-name': 'client',
      'client-label/app': 'shop',
    });
    const bad = request('x.y.z.cluster.local.', 'A', '10.1.1.1');
    handler().metadata(bad);
    expect(bad.metadata('kubernetes/parse-error')).toBe('invalid query name');
    expect(bad.metadata('kubernetes/client-namespace')).toBeUndefined();
  });
});

describe('Transferer', () => {
  it('transfers forward zones only, once synced', () => {
    expect([...handler().transferZones()]).toEqual(['cluster.local.']);
    expect(handler().transfer('10.in-addr.arpa.')).toBeUndefined();
    expect(handler('verified', false).transfer('cluster.local.')).toBeUndefined();
    const batches = [...handler().transfer('cluster.local.')!];
    const records = batches.flat();
    expect(records[0].type).toBe('SOA');
    expect(records.at(-1)).toBe(records[0]);
  });
});

describe('reverseAddress', () => {
  it('reads full reverse names and nothing else', () => {
    expect(reverseAddress('4.3.2.1.in-addr.arpa.')).toBe('1.2.3.4');
    expect(reverseAddress('3.2.1.in-addr.arpa.')).toBe('');
    expect(reverseAddress('256.3.2.1.in-addr.arpa.')).toBe('');
    expect(reverseAddress('1.in-addr.arpa.')).toBe('');
    expect(reverseAddress('x.ip6.arpa.')).toBe('');
  });

  it('round-trips every IPv4 and IPv6 address to its canonical text', () => {
    fc.assert(
      fc.property(fc.ipV4(), (ip) => {
        const name = `${ip.split('.').map(Number).reverse().join('.')}.in-addr.arpa.`;
        expect(reverseAddress(name)).toBe(ip.split('.').map(Number).join('.'));
      }),
    );
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 0xffff }), { minLength: 8, maxLength: 8 }), (groups) => {
        const nibbles = groups.map((g) => g.toString(16).padStart(4, '0')).join('');
        const name = `${nibbles.split('').reverse().join('.')}.ip6.arpa.`;
        const ip = reverseAddress(name);
        // Node's own canonical form of the same address.
        const canonical = new URL(`http://[${groups.map((g) => g.toString(16)).join(':')}]/`).hostname.slice(
          1,
          -1,
        );
        expect(ip).toBe(canonical);
      }),
    );
  });
});
