/**
 * Reads a query name below the cluster zone into the parts of the Kubernetes DNS schema
 * (CoreDNS's parseRequest), right to left:
 *
 *     [_PORT._PROTO. | ENDPOINT. | ENDPOINT.CLUSTER.]SERVICE.NAMESPACE.(svc|pod).ZONE
 *
 * Two labels left of the service are a port and protocol when either starts with `_` (or
 * always outside multicluster zones), else an endpoint and its cluster. Leading
 * underscores are dropped. Anything longer is not a name of the schema (NXDOMAIN).
 */

export type ResourceKind = 'svc' | 'pod';

export interface RecordRequest {
  /** The port name of an SRV name ('' when absent: any port). */
  readonly port: string;
  /** The protocol of an SRV name ('' when absent: any protocol). */
  readonly protocol: string;
  /** The endpoint's hostname label ('' when the name is the service's own). */
  readonly endpoint: string;
  /** The cluster label of a multicluster endpoint name. */
  readonly cluster: string;
  /** The service or pod label ('' for a namespace's own name). */
  readonly service: string;
  readonly namespace: string;
  /** '' for the zone's own name and the `svc`/`pod` names themselves. */
  readonly kind: ResourceKind | '';
}

/** The name is not one of the schema (an unknown kind, or too many labels). */
export const INVALID = Symbol('invalid query name');

const APEX: RecordRequest = {
  port: '',
  protocol: '',
  endpoint: '',
  cluster: '',
  service: '',
  namespace: '',
  kind: '',
};

function stripUnderscore(s: string): string {
  return s.startsWith('_') ? s.slice(1) : s;
}

/** The labels of `name` left of `zone` (both lowercased, absolute); empty for the zone itself. */
export function labelsBelow(name: string, zone: string): string[] {
  if (name.length <= zone.length) return [];
  const base = zone === '.' ? name.slice(0, -1) : name.slice(0, name.length - zone.length - 1);
  return base.split('.');
}

/** Parses `name` (lowercased) below `zone`. */
export function parseRequest(
  name: string,
  zone: string,
  multicluster: boolean,
): RecordRequest | typeof INVALID {
  const segs = labelsBelow(name, zone);
  let last = segs.length - 1;
  if (last < 0) return APEX;
  const kind = segs[last];
  if (kind !== 'svc' && kind !== 'pod') return INVALID;
  // `svc.ZONE` and `pod.ZONE` exist (names below them do) without records.
  if (--last < 0) return APEX;
  const namespace = segs[last];
  if (--last < 0) return { ...APEX, kind, namespace };
  const service = segs[last];
  if (--last < 0) return { ...APEX, kind, namespace, service };
  switch (last) {
    case 0:
      return { ...APEX, kind, namespace, service, endpoint: segs[0] };
    case 1:
      if (!multicluster || segs[1].startsWith('_') || segs[0].startsWith('_'))
        return {
          ...APEX,
          kind,
          namespace,
          service,
          protocol: stripUnderscore(segs[1]),
          port: stripUnderscore(segs[0]),
        };
      return { ...APEX, kind, namespace, service, cluster: segs[1], endpoint: segs[0] };
    default:
      return INVALID;
  }
}

/** The book's wildcard labels (chapter 6): `*` and `any` match every value. */
export function isWildcard(label: string): boolean {
  return label === '*' || label === 'any';
}

/**
 * Whether a query label (lowercased) matches a value: equal, or a wildcard. Values are
 * names the API keeps in lower case (DNS labels), so equality is the case-insensitive
 * comparison the specification asks for.
 */
export function matchLabel(query: string, value: string): boolean {
  return query === value || isWildcard(query);
}

/** Port and protocol of an SRV name against a port: an absent label matches any. */
export function matchPort(r: RecordRequest, name: string, protocol: string): boolean {
  return (
    (r.port === '' || matchLabel(r.port, name)) && (r.protocol === '' || matchLabel(r.protocol, protocol))
  );
}
