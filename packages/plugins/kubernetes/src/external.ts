/**
 * The kubernetes plugin's side of k8s_external (core's ExternalSource; CoreDNS's
 * External, ExternalAddress, ExternalServices, ExternalSerial and ExternalReverse):
 * services' external IPs and load-balancer ingress under an external zone as
 * `SERVICE.NAMESPACE.ZONE`, `_PORT._PROTO.SERVICE.NAMESPACE.ZONE`, and with `headless`,
 * the ready endpoints of headless services as `ENDPOINT.SERVICE.NAMESPACE.ZONE`.
 *
 * Unlike CoreDNS, an endpoint label below a service that is not headless does not answer
 * with the service's external addresses: such a name does not exist.
 */
import { Rcode, type ExternalLookup, type ExternalService, type ResourceRecord } from '@tsdns/core';
import { endpointLabel, published } from './lookup.js';
import { ServiceKind, type Service } from './objects.js';
import { labelsBelow, matchLabel } from './parse.js';
import { Serial } from './store.js';
import { joinName, type KubeView } from './view.js';

function strip(label: string): string {
  return label.startsWith('_') ? label.slice(1) : label;
}

const NXDOMAIN: ExternalLookup = { rcode: Rcode.NXDOMAIN, services: [] };
const NODATA: ExternalLookup = { rcode: Rcode.NOERROR, services: [] };

/** Whether a headless service answers with its endpoints (it has no external address of its own). */
function endpointsAnswer(svc: Service, headless: boolean): boolean {
  return headless && svc.externalIPs.length === 0 && svc.kind === ServiceKind.Headless;
}

export class ExternalServices {
  constructor(private readonly view: KubeView) {}

  lookup(name: string, zone: string, headless: boolean): ExternalLookup {
    const segs = labelsBelow(name, zone);
    let last = segs.length - 1;
    if (last < 0) return NODATA;
    const namespace = segs[last];
    if (!this.view.lookup.namespaceExposed(namespace)) return NXDOMAIN;
    if (--last < 0) return NODATA;
    const service = segs[last--];
    let endpoint = '';
    let port = '';
    let protocol = '';
    if (last === 0) endpoint = strip(segs[0]);
    else if (last === 1) {
      protocol = strip(segs[1]);
      port = strip(segs[0]);
    } else if (last > 1) return NXDOMAIN;

    const svc = this.view.store.cluster.service(`${service}.${namespace}`);
    if (svc === undefined) return NXDOMAIN;
    const matches = (pName: string, pProto: string): boolean =>
      (port === '' || matchLabel(port, pName)) && (protocol === '' || matchLabel(protocol, pProto));
    const out: ExternalService[] = [];
    let found = false;
    const base = joinName(`${svc.name}.${svc.namespace}`, zone);
    const ttl = this.view.settings.ttl;
    if (endpointsAnswer(svc, headless)) {
      for (const e of this.view.store.cluster.endpoints(svc.key) ?? []) {
        for (const a of e.addresses) {
          if (!published(a, svc)) continue;
          const label = endpointLabel(a, this.view.lookup.settings.endpointPodNames);
          if (endpoint !== '' && !matchLabel(endpoint, label)) continue;
          for (const p of e.ports) {
            if (!matches(p.name, p.protocol)) continue;
            found = true;
            out.push({
              name: `${label}.${base}`,
              service: base,
              host: a.ip,
              port: p.port,
              portName: p.name,
              protocol: p.protocol,
              ttl,
            });
          }
        }
      }
    } else if (endpoint === '') {
      for (const ip of svc.externalIPs) {
        for (const p of svc.ports) {
          if (!matches(p.name, p.protocol)) continue;
          found = true;
          out.push({
            name: base,
            service: base,
            host: ip,
            port: p.port,
            portName: p.name,
            protocol: p.protocol,
            ttl,
          });
        }
      }
    }
    return found ? { rcode: Rcode.NOERROR, services: out } : NXDOMAIN;
  }

  reverse(ip: string, zone: string): string[] {
    const out: string[] = [];
    for (const svc of this.view.store.cluster.servicesByExternalIP(ip) ?? []) {
      if (this.view.lookup.reverseExposed(svc.namespace))
        out.push(joinName(`${svc.name}.${svc.namespace}`, zone));
    }
    return out;
  }

  addresses(zone: string, headless: boolean): ResourceRecord[] {
    return this.view.nsAddresses(zone, true, headless);
  }

  all(zone: string, headless: boolean): ExternalService[] {
    const out: ExternalService[] = [];
    const ttl = this.view.settings.ttl;
    const index = this.view.store.cluster;
    for (const svc of index.services()) {
      if (!this.view.lookup.namespaceExposed(svc.namespace)) continue;
      const base = joinName(`${svc.name}.${svc.namespace}`, zone);
      if (endpointsAnswer(svc, headless)) {
        for (const e of index.endpoints(svc.key) ?? []) {
          for (const a of e.addresses) {
            if (!published(a, svc)) continue;
            const name = `${endpointLabel(a, this.view.lookup.settings.endpointPodNames)}.${base}`;
            for (const p of e.ports)
              out.push({
                name,
                service: base,
                host: a.ip,
                port: p.port,
                portName: p.name,
                protocol: p.protocol,
                ttl,
              });
          }
        }
        continue;
      }
      for (const ip of svc.externalIPs) {
        for (const p of svc.ports)
          out.push({
            name: base,
            service: base,
            host: ip,
            port: p.port,
            portName: p.name,
            protocol: p.protocol,
            ttl,
          });
      }
    }
    return out;
  }

  serial(): number {
    return this.view.store.serial(Serial.External);
  }
}
