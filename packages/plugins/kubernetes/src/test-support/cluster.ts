/**
 * Kubernetes objects for tests, shaped as the API serves them, and a cluster fixture: the
 * fake API server with the objects of the book's chapter 6 examples and the
 * specification's examples.
 */
import type { FakeKubeApi, KubeObject } from '@tsdns/testing';

export interface PortSpec {
  name?: string;
  port: number;
  protocol?: 'TCP' | 'UDP' | 'SCTP';
}

export interface ServiceSpec {
  clusterIP?: string;
  clusterIPs?: string[];
  type?: 'ClusterIP' | 'NodePort' | 'LoadBalancer' | 'ExternalName';
  externalName?: string;
  ports?: PortSpec[];
  externalIPs?: string[];
  ingress?: { ip?: string; hostname?: string }[];
  publishNotReadyAddresses?: boolean;
  labels?: Record<string, string>;
}

export function namespace(name: string, labels: Record<string, string> = {}): KubeObject {
  return { apiVersion: 'v1', kind: 'Namespace', metadata: { name, labels } };
}

export function service(ns: string, name: string, spec: ServiceSpec = {}): KubeObject {
  const clusterIPs = spec.clusterIPs ?? (spec.clusterIP === undefined ? undefined : [spec.clusterIP]);
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name, namespace: ns, labels: spec.labels ?? {} },
    spec: {
      type: spec.type ?? 'ClusterIP',
      clusterIP: clusterIPs?.[0],
      clusterIPs,
      externalName: spec.externalName,
      externalIPs: spec.externalIPs,
      publishNotReadyAddresses: spec.publishNotReadyAddresses,
      ports: (spec.ports ?? []).map((p) => ({
        name: p.name,
        port: p.port,
        protocol: p.protocol ?? 'TCP',
        targetPort: p.port,
      })),
    },
    status: { loadBalancer: spec.ingress === undefined ? {} : { ingress: spec.ingress } },
  };
}

export interface EndpointSpec {
  ip: string | string[];
  hostname?: string;
  ready?: boolean;
  /** The pod behind it (targetRef). */
  pod?: string;
}

export function endpointSlice(
  ns: string,
  svc: string,
  slice: string,
  endpoints: EndpointSpec[],
  ports: PortSpec[] = [],
  extra: {
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
    addressType?: 'IPv4' | 'IPv6';
  } = {},
): KubeObject {
  return {
    apiVersion: 'discovery.k8s.io/v1',
    kind: 'EndpointSlice',
    metadata: {
      name: slice,
      namespace: ns,
      labels: { 'kubernetes.io/service-name': svc, ...extra.labels },
      annotations: extra.annotations ?? {},
    },
    addressType: extra.addressType ?? 'IPv4',
    endpoints: endpoints.map((e) => ({
      addresses: Array.isArray(e.ip) ? e.ip : [e.ip],
      hostname: e.hostname,
      conditions: e.ready === undefined ? {} : { ready: e.ready },
      targetRef: e.pod === undefined ? undefined : { kind: 'Pod', name: e.pod, namespace: ns },
    })),
    ports: ports.map((p) => ({ name: p.name ?? '', port: p.port, protocol: p.protocol ?? 'TCP' })),
  };
}

export function pod(
  ns: string,
  name: string,
  ips: string | string[],
  extra: { labels?: Record<string, string>; phase?: string; deleting?: boolean } = {},
): KubeObject {
  const list = Array.isArray(ips) ? ips : [ips];
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name,
      namespace: ns,
      labels: extra.labels ?? {},
      ...(extra.deleting === true ? { deletionTimestamp: new Date().toISOString() } : {}),
    },
    spec: { containers: [{ name: 'c', image: 'nginx' }] },
    status: { phase: extra.phase ?? 'Running', podIP: list[0], podIPs: list.map((ip) => ({ ip })) },
  };
}

/**
 * The test cluster: namespaces default, kube-system and testns; the kubernetes and
 * kube-dns ClusterIP services, a dual-stack service, a headless service backed by a
 * StatefulSet (hostnames), a headless service of a Deployment (no hostnames, one
 * endpoint not ready), an ExternalName service pointing out of the cluster and one
 * pointing inside it, a service without endpoints, and pods.
 */
export function loadCluster(api: FakeKubeApi): void {
  for (const ns of ['default', 'kube-system', 'testns'])
    api.create(namespace(ns, { team: ns === 'testns' ? 'a' : 'core' }));
  api.create(
    service('default', 'kubernetes', { clusterIP: '10.96.0.1', ports: [{ name: 'https', port: 443 }] }),
  );
  api.create(
    service('kube-system', 'kube-dns', {
      clusterIP: '10.96.0.10',
      ports: [
        { name: 'dns', port: 53, protocol: 'UDP' },
        { name: 'dns-tcp', port: 53 },
        { name: 'metrics', port: 9153 },
      ],
    }),
  );
  api.create(
    endpointSlice(
      'kube-system',
      'kube-dns',
      'kube-dns-a1',
      [
        { ip: '10.244.1.6', pod: 'coredns-1' },
        { ip: '10.244.2.7', pod: 'coredns-2' },
      ],
      [
        { name: 'dns', port: 53, protocol: 'UDP' },
        { name: 'dns-tcp', port: 53 },
        { name: 'metrics', port: 9153 },
      ],
    ),
  );
  api.create(
    service('testns', 'dual', {
      clusterIPs: ['10.96.5.5', 'fd00:10:96::5'],
      ports: [{ name: 'http', port: 80 }],
    }),
  );
  api.create(service('testns', 'headless', { clusterIP: 'None', ports: [{ name: 'http', port: 80 }] }));
  api.create(
    endpointSlice(
      'testns',
      'headless',
      'headless-x1',
      [0, 1, 2, 3].map((i) => ({
        ip: `10.244.3.${10 + i}`,
        hostname: `headless-${i}`,
        pod: `headless-${i}`,
      })),
      [{ name: 'http', port: 80 }],
    ),
  );
  api.create(
    service('testns', 'web', { clusterIP: 'None', ports: [{ name: 'http', port: 8080 }, { port: 9000 }] }),
  );
  api.create(
    endpointSlice(
      'testns',
      'web',
      'web-y1',
      [
        { ip: '10.244.4.1', pod: 'web-5d8f-abcde' },
        { ip: '10.244.4.2', pod: 'web-5d8f-fghij' },
        { ip: '10.244.4.3', pod: 'web-5d8f-klmno', ready: false },
      ],
      [{ name: 'http', port: 8080 }, { port: 9000 }],
    ),
  );
  api.create(
    endpointSlice(
      'testns',
      'web',
      'web-y2',
      [{ ip: 'fd00:10:244::4', pod: 'web-5d8f-v6' }],
      [{ name: 'http', port: 8080 }],
      {
        addressType: 'IPv6',
      },
    ),
  );
  api.create(service('testns', 'ext', { type: 'ExternalName', externalName: 'www.example.com' }));
  api.create(
    service('testns', 'alias', { type: 'ExternalName', externalName: 'dual.testns.svc.cluster.local' }),
  );
  api.create(service('testns', 'empty', { clusterIP: '10.96.7.7', ports: [{ name: 'http', port: 80 }] }));
  api.create(service('testns', 'empty-headless', { clusterIP: 'None', ports: [{ name: 'http', port: 80 }] }));
  api.create(pod('testns', 'client', '10.244.9.9', { labels: { app: 'client', tier: 'front' } }));
  api.create(pod('default', 'other', '10.244.9.10'));
}
