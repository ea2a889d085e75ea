import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { endpointLabel, podLabelAddress } from './lookup.js';
import {
  Interner,
  NO_PORTS,
  ObjectShapeError,
  ServiceKind,
  serviceImportToService,
  toEndpoints,
  toNamespace,
  toPod,
  toService,
} from './objects.js';
import { endpointSlice, pod, service } from './test-support/cluster.js';

describe('compact objects', () => {
  it('keeps what a service needs, and shares port lists and strings', () => {
    const intern = new Interner();
    const a = toService(
      service('ns', 'a', { clusterIP: '10.0.0.1', ports: [{ name: 'http', port: 80 }] }),
      intern,
    );
    const b = toService(
      service('ns', 'b', { clusterIPs: ['10.0.0.2', 'fd00::2'], ports: [{ name: 'http', port: 80 }] }),
      intern,
    );
    expect(a).toEqual({
      name: 'a',
      namespace: 'ns',
      key: 'a.ns',
      kind: ServiceKind.ClusterIP,
      clusterIPs: ['10.0.0.1'],
      externalName: '',
      ports: [{ name: 'http', port: 80, protocol: 'tcp' }],
      externalIPs: [],
      publishNotReady: false,
    });
    expect(b.clusterIPs).toEqual(['10.0.0.2', 'fd00::2']);
    expect(a.ports).toBe(b.ports);
    expect(a.namespace).toBe(b.namespace);
  });

  it('tells the kinds of service apart', () => {
    const i = new Interner();
    expect(toService(service('n', 'h', { clusterIP: 'None' }), i)).toMatchObject({
      kind: ServiceKind.Headless,
      clusterIPs: [],
      ports: NO_PORTS,
    });
    expect(
      toService(service('n', 'e', { type: 'ExternalName', externalName: 'x.example.' }), i),
    ).toMatchObject({
      kind: ServiceKind.ExternalName,
      externalName: 'x.example.',
    });
    expect(
      toService(
        service('n', 'lb', {
          type: 'LoadBalancer',
          clusterIP: '10.0.0.9',
          externalIPs: ['192.0.2.1'],
          ingress: [{ ip: '198.51.100.1' }, { hostname: 'lb.example' }],
        }),
        i,
      ),
    ).toMatchObject({
      kind: ServiceKind.ClusterIP,
      externalIPs: ['192.0.2.1', '198.51.100.1', 'lb.example'],
    });
    const tolerate = service('n', 't', { clusterIP: 'None' });
    (tolerate.metadata as { annotations?: Record<string, string> }).annotations = {
      'service.alpha.kubernetes.io/tolerate-unready-endpoints': 'true',
    };
    expect(toService(tolerate, i).publishNotReady).toBe(true);
  });

  it('keeps every endpoint address with its readiness, hostname and pod', () => {
    const e = toEndpoints(
      endpointSlice(
        'ns',
        'web',
        'web-1',
        [
          { ip: ['10.0.0.1', '10.0.0.2'], hostname: 'h', pod: 'p' },
          { ip: '10.0.0.3', ready: false },
          { ip: '10.0.0.4', pod: 'x'.repeat(64) },
        ],
        [{ name: 'http', port: 80, protocol: 'UDP' }],
      ),
      new Interner(),
    );
    expect(e.service).toBe('web.ns');
    expect(e.ports).toEqual([{ name: 'http', port: 80, protocol: 'udp' }]);
    expect(e.addresses).toEqual([
      { ip: '10.0.0.1', hostname: 'h', targetName: 'p', ready: true },
      { ip: '10.0.0.2', hostname: 'h', targetName: 'p', ready: true },
      { ip: '10.0.0.3', hostname: '', targetName: '', ready: false },
      { ip: '10.0.0.4', hostname: '', targetName: '', ready: true },
    ]);
  });

  it('drops pods being deleted and keeps all pod IPs', () => {
    const i = new Interner();
    expect(toPod(pod('ns', 'p', ['10.0.0.1', 'fd00::1'], { labels: { app: 'x' } }), i)).toEqual({
      name: 'p',
      namespace: 'ns',
      ips: ['10.0.0.1', 'fd00::1'],
      labels: { app: 'x' },
    });
    expect(toPod(pod('ns', 'p', '10.0.0.1', { deleting: true }), i)).toBeUndefined();
  });

  it('reads ServiceImports and refuses objects without a name', () => {
    const s = serviceImportToService(
      {
        metadata: { name: 'db', namespace: 'ns' },
        spec: { type: 'ClusterSetIP', ips: ['10.1.0.1'], ports: [{ port: 5432 }] },
      },
      new Interner(),
    );
    expect(s).toMatchObject({ kind: ServiceKind.ClusterIP, clusterIPs: ['10.1.0.1'], key: 'db.ns' });
    expect(() => toService({ metadata: {} }, new Interner())).toThrow(ObjectShapeError);
    expect(() => toNamespace({})).toThrow(ObjectShapeError);
    // Garbage where structure is expected is read as absent, never a crash.
    expect(
      toService(
        { metadata: { name: 'x', namespace: 'n' }, spec: { ports: 'no', clusterIPs: [1, null] } } as never,
        new Interner(),
      ),
    ).toMatchObject({
      kind: ServiceKind.Headless,
      ports: NO_PORTS,
    });
  });
});

describe('endpoint and pod labels', () => {
  it('names endpoints by hostname, pod name (endpoint_pod_names) or dashed address', () => {
    const a = { ip: '10.0.0.1', hostname: '', targetName: 'web-abc', ready: true };
    expect(endpointLabel(a, false)).toBe('10-0-0-1');
    expect(endpointLabel(a, true)).toBe('web-abc');
    expect(endpointLabel({ ...a, hostname: 'h' }, true)).toBe('h');
    expect(endpointLabel({ ...a, ip: 'fd00::' }, false)).toBe('fd00--0');
    expect(endpointLabel({ ...a, ip: '2001:db8::1' }, false)).toBe('2001-db8--1');
  });

  it('reads pod labels back to addresses', () => {
    expect(podLabelAddress('10-244-1-2')).toBe('10.244.1.2');
    expect(podLabelAddress('fd00--1')).toBe('fd00::1');
    expect(podLabelAddress('1-2-3')).toBe('1:2:3');
  });
});

describe('conversions of arbitrary API data', () => {
  it('never fail with anything but ObjectShapeError', () => {
    const obj = fc.record(
      {
        metadata: fc.oneof(
          fc.constant(null),
          fc.record(
            {
              name: fc.oneof(fc.string(), fc.integer()),
              namespace: fc.string(),
              labels: fc.dictionary(fc.string(), fc.string()),
              deletionTimestamp: fc.jsonValue(),
            },
            { requiredKeys: [] },
          ),
        ),
        spec: fc.jsonValue(),
        status: fc.jsonValue(),
        endpoints: fc.oneof(
          fc.jsonValue(),
          fc.array(
            fc.record(
              {
                addresses: fc.jsonValue(),
                conditions: fc.jsonValue(),
                hostname: fc.jsonValue(),
                targetRef: fc.jsonValue(),
              },
              { requiredKeys: [] },
            ),
          ),
        ),
        ports: fc.oneof(
          fc.jsonValue(),
          fc.array(
            fc.record(
              { name: fc.jsonValue(), port: fc.jsonValue(), protocol: fc.jsonValue() },
              { requiredKeys: [] },
            ),
          ),
        ),
      },
      { requiredKeys: [] },
    );
    const i = new Interner();
    fc.assert(
      fc.property(obj, (o) => {
        for (const convert of [
          () => toService(o as never, i),
          () => toEndpoints(o as never, i),
          () => toEndpoints(o as never, i, true),
          () => toPod(o as never, i),
          () => serviceImportToService(o as never, i),
        ]) {
          try {
            convert();
          } catch (e) {
            expect(e).toBeInstanceOf(ObjectShapeError);
          }
        }
      }),
    );
  });
});
