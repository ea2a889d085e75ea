/**
 * The server's own metrics, under CoreDNS's names and labels (plugin/metrics/vars), so
 * dashboards and alerts written for CoreDNS work unchanged. The *prometheus* plugin
 * records the per-query ones for the server blocks it is in; the server itself counts
 * panics and the queries it refuses before any chain sees them.
 *
 * Labels: `server` is the listener as CoreDNS names it (`dns://:53`,
 * `dns://127.0.0.1:1053`), `zone` the server block's zone that matched, `view` the
 * view's name (empty: tsdns has no views yet), `proto` "udp" or "tcp", `family` "1" for
 * IPv4 and "2" for IPv6, `type` the query type when it is one of the monitored types,
 * else "other".
 */
import { defineCounter, defineGauge, defineHistogram } from './registry.js';
import { SIZE_BUCKETS, TIME_BUCKETS } from './buckets.js';

export const dnsRequests = defineCounter({
  name: 'coredns_dns_requests_total',
  help: 'Counter of DNS requests made per zone, protocol and family.',
  labelNames: ['server', 'zone', 'view', 'proto', 'family', 'type'],
});

export const dnsRequestDuration = defineHistogram({
  name: 'coredns_dns_request_duration_seconds',
  help: 'Histogram of the time (in seconds) each request took per zone.',
  // CoreDNS's README lists a type label here, but its code (what dashboards see) has none.
  labelNames: ['server', 'zone', 'view'],
  buckets: TIME_BUCKETS,
});

export const dnsRequestSize = defineHistogram({
  name: 'coredns_dns_request_size_bytes',
  help: 'Size of the EDNS0 UDP buffer in bytes (64K for TCP) per zone and protocol.',
  labelNames: ['server', 'zone', 'view', 'proto'],
  buckets: SIZE_BUCKETS,
});

export const dnsDoRequests = defineCounter({
  name: 'coredns_dns_do_requests_total',
  help: 'Counter of DNS requests with DO bit set per zone.',
  labelNames: ['server', 'zone', 'view'],
});

export const dnsResponseSize = defineHistogram({
  name: 'coredns_dns_response_size_bytes',
  help: 'Size of the returned response in bytes.',
  labelNames: ['server', 'zone', 'view', 'proto'],
  buckets: SIZE_BUCKETS,
});

export const dnsResponses = defineCounter({
  name: 'coredns_dns_responses_total',
  help: 'Counter of response status codes.',
  labelNames: ['server', 'zone', 'view', 'rcode', 'plugin'],
});

export const panics = defineCounter({
  name: 'coredns_panics_total',
  help: 'A metrics that counts the number of panics.',
});

export const pluginEnabled = defineGauge({
  name: 'coredns_plugin_enabled',
  help: 'A metric that indicates whether a plugin is enabled on per server and zone basis.',
  labelNames: ['server', 'zone', 'view', 'name'],
});

export const buildInfo = defineGauge({
  name: 'coredns_build_info',
  help: "A metric with a constant '1' value labeled by version, revision, and goversion from which CoreDNS was built.",
  labelNames: ['version', 'revision', 'goversion'],
});

/** The zone label of queries the server answers without a chain ("dropped" is no valid name). */
export const DROPPED_ZONE = 'dropped';

/**
 * CoreDNS's monitored query types, in its order; every other type is counted as "other".
 * Exported so that plugins labelling by type (prometheus) use the same list.
 */
export const MONITORED_QTYPES: readonly string[] = [
  'A',
  'AAAA',
  'CNAME',
  'DNSKEY',
  'DS',
  'MX',
  'NSEC3',
  'NSEC',
  'NS',
  'PTR',
  'RRSIG',
  'SOA',
  'SRV',
  'TXT',
  'HTTPS',
  'SVCB',
  'IXFR',
  'AXFR',
  'ANY',
];
const MONITORED_TYPES: ReadonlySet<string> = new Set(MONITORED_QTYPES);

/** The `type` label of a query type mnemonic. */
export function qtypeLabel(qtype: string): string {
  return MONITORED_TYPES.has(qtype) ? qtype : 'other';
}

/** The `proto` label: CoreDNS says "tcp" for every stream transport. */
export function protoLabel(transport: string): 'udp' | 'tcp' {
  return transport === 'udp' ? 'udp' : 'tcp';
}

/** The `family` label: "1" for IPv4, "2" for IPv6. */
export function familyLabel(family: 4 | 6): '1' | '2' {
  return family === 6 ? '2' : '1';
}

/** The `server` label of a listener: `dns://` then Go's host:port (CoreDNS's plugin_enabled). */
export function serverLabel(transport: string, host: string, port: string | number): string {
  return `${transport}://${host.includes(':') ? `[${host}]` : host}:${port}`;
}

/** One query's facts, as CoreDNS's vars.Report takes them. */
export interface QueryReport {
  readonly server: string;
  readonly zone: string;
  readonly view: string;
  readonly proto: 'udp' | 'tcp';
  readonly family: '1' | '2';
  readonly type: string;
  readonly do: boolean;
  /** The query's size on the wire, in bytes. */
  readonly requestSize: number;
  /** The response's size on the wire (0 when the chain wrote nothing). */
  readonly responseSize: number;
  readonly rcode: string;
  /** The plugin that wrote the response; empty when the server wrote it. */
  readonly plugin: string;
  readonly durationSeconds: number;
}

/**
 * Records one query in every per-query family (CoreDNS's vars.Report). This looks each
 * series up by its labels: fine for the server's rare paths (refused queries); the
 * prometheus plugin keeps the series of its hot path instead.
 */
export function reportQuery(r: QueryReport): void {
  if (r.do) dnsDoRequests.labels(r.server, r.zone, r.view).inc();
  dnsRequests.labels(r.server, r.zone, r.view, r.proto, r.family, r.type).inc();
  dnsRequestDuration.labels(r.server, r.zone, r.view).observe(r.durationSeconds);
  dnsResponseSize.labels(r.server, r.zone, r.view, r.proto).observe(r.responseSize);
  dnsRequestSize.labels(r.server, r.zone, r.view, r.proto).observe(r.requestSize);
  dnsResponses.labels(r.server, r.zone, r.view, r.rcode, r.plugin).inc();
}
