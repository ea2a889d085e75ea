import {
  Rcode,
  splitLabels,
  type ExternalLookup,
  type ExternalService,
  type ExternalSource,
  type ResourceRecord,
} from '@tsdns/core';

/** A cluster service as the fake source knows it. */
export interface FakeService {
  readonly name: string;
  readonly namespace: string;
  /** externalIPs and load balancer ingress (addresses or host names). */
  readonly external: readonly string[];
  readonly ports: readonly { readonly name: string; readonly port: number; readonly protocol: string }[];
  /** Ready endpoints of a headless service, by endpoint name. */
  readonly endpoints?: readonly { readonly hostname: string; readonly ip: string }[];
}

/**
 * An ExternalSource over a fixed list of services, reading names the way CoreDNS's
 * kubernetes plugin does for k8s_external: `[ENDPOINT.]SERVICE.NAMESPACE` and
 * `_PORT._PROTO.SERVICE.NAMESPACE` below the zone. Records every call.
 */
export class FakeExternalSource implements ExternalSource {
  serial = 1_700_000_000;
  readonly calls: string[] = [];
  nameServers: ResourceRecord[] = [];
  /** Forces the rcode of every lookup (a source in trouble). */
  failWith: number | undefined;

  constructor(readonly services: FakeService[]) {}

  external(name: string, zone: string, headless: boolean): ExternalLookup {
    this.calls.push(`external ${name} ${zone} ${headless}`);
    if (this.failWith !== undefined) return { rcode: this.failWith, services: [] };
    const labels = zone === '.' ? splitLabels(name) : splitLabels(name).slice(0, -splitLabels(zone).length);
    const namespace = labels.pop();
    if (namespace === undefined || !this.services.some((s) => s.namespace === namespace))
      return { rcode: Rcode.NXDOMAIN, services: [] };
    const service = labels.pop();
    if (service === undefined) return { rcode: Rcode.NOERROR, services: [] };
    let endpoint: string | undefined;
    let portName: string | undefined;
    let protocol: string | undefined;
    if (labels.length === 1) endpoint = labels[0];
    else if (labels.length === 2) [portName, protocol] = labels.map((l) => l.replace(/^_/, ''));
    else if (labels.length > 2) return { rcode: Rcode.NXDOMAIN, services: [] };
    const out: ExternalService[] = [];
    let rcode: number = Rcode.NXDOMAIN;
    for (const svc of this.services) {
      if (svc.name !== service || svc.namespace !== namespace) continue;
      for (const s of this.expand(svc, zone, headless)) {
        if (endpoint !== undefined && s.name === s.service) continue;
        if (endpoint !== undefined && s.name !== `${endpoint}.${s.service}`) continue;
        if (portName !== undefined && (s.portName !== portName || s.protocol !== protocol)) continue;
        rcode = Rcode.NOERROR;
        out.push(s);
      }
    }
    return { rcode, services: out };
  }

  externalReverse(ip: string, zone: string): readonly string[] {
    this.calls.push(`reverse ${ip} ${zone}`);
    return this.services
      .filter((s) => s.external.includes(ip))
      .map((s) => `${s.name}.${s.namespace}.${zone}`);
  }

  externalAddresses(zone: string, headless: boolean): readonly ResourceRecord[] {
    this.calls.push(`addresses ${zone} ${headless}`);
    return this.nameServers;
  }

  externalServices(zone: string, headless: boolean): readonly ExternalService[] {
    return this.services.flatMap((s) => this.expand(s, zone, headless));
  }

  externalSerial(): number {
    return this.serial;
  }

  private expand(svc: FakeService, zone: string, headless: boolean): ExternalService[] {
    const service = `${svc.name}.${svc.namespace}.${zone}`;
    const ports = svc.ports.length > 0 ? svc.ports : [{ name: '', port: -1, protocol: '' }];
    if (svc.external.length === 0 && svc.endpoints !== undefined) {
      if (!headless) return [];
      return svc.endpoints.flatMap((e) =>
        ports.map((p) => ({
          name: `${e.hostname}.${service}`,
          service,
          host: e.ip,
          port: p.port,
          portName: p.name,
          protocol: p.protocol,
          ttl: 5,
        })),
      );
    }
    return svc.external.flatMap((host) =>
      ports.map((p) => ({
        name: service,
        service,
        host,
        port: p.port,
        portName: p.name,
        protocol: p.protocol,
        ttl: 5,
      })),
    );
  }
}

/** The services most tests use: see each test for what they show. */
export function sampleServices(): FakeService[] {
  return [
    {
      name: 'web',
      namespace: 'default',
      external: ['192.0.2.10', '192.0.2.11', '2001:db8::10'],
      ports: [
        { name: 'http', port: 80, protocol: 'tcp' },
        { name: 'https', port: 443, protocol: 'tcp' },
      ],
    },
    {
      name: 'lb',
      namespace: 'default',
      external: ['lb-1234.elb.example.net'],
      ports: [{ name: 'http', port: 80, protocol: 'tcp' }],
    },
    { name: 'noport', namespace: 'default', external: ['192.0.2.20'], ports: [] },
    {
      name: 'db',
      namespace: 'data',
      external: [],
      ports: [{ name: 'pg', port: 5432, protocol: 'tcp' }],
      endpoints: [
        { hostname: 'db-0', ip: '10.244.1.5' },
        { hostname: 'db-1', ip: '10.244.2.6' },
      ],
    },
    { name: 'internal', namespace: 'data', external: [], ports: [{ name: 'x', port: 1, protocol: 'tcp' }] },
  ];
}
