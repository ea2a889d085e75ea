import { parseGoDuration, type Dispenser } from '@tsdns/core';

/** Where spans go: Zipkin's v2 JSON API, or an OpenTelemetry collector's OTLP/HTTP endpoint. */
export type EndpointType = 'zipkin' | 'otlp';

export interface TraceConfig {
  readonly type: EndpointType;
  /** The URL spans are POSTed to. */
  readonly endpoint: string;
  /** Trace one query in every `every`; 0 traces none. */
  readonly every: number;
  readonly serviceName: string;
  /** CoreDNS's client_server (Zipkin's shared client and server span). */
  readonly clientServer: boolean;
  /** Spans held for export before the oldest are dropped. */
  readonly maxBacklog: number;
  /** Spans sent in one request. */
  readonly maxBatchSize: number;
  /** Longest wait before held spans are sent. */
  readonly batchIntervalMs: number;
}

/** CoreDNS's defaults: Zipkin on localhost:9411, service "coredns"; zipkin-go's reporter batching. */
export const DEFAULT_SERVICE_NAME = 'coredns';
export const DEFAULT_ENDPOINTS: Readonly<Record<EndpointType, string>> = {
  zipkin: 'localhost:9411',
  otlp: 'localhost:4318',
};
export const DEFAULT_MAX_BACKLOG = 1000;
export const DEFAULT_MAX_BATCH_SIZE = 100;
export const DEFAULT_BATCH_INTERVAL_MS = 1000;

const DIGITS = /^\d+$/;
/** Go's strconv.ParseBool. */
const TRUE = new Set(['1', 't', 'T', 'TRUE', 'true', 'True']);
const FALSE = new Set(['0', 'f', 'F', 'FALSE', 'false', 'False']);

/**
 * An endpoint as a URL, the way CoreDNS completes a Zipkin one: anything without "http" in
 * it is a HOST:PORT and gets the API path (/api/v2/spans for Zipkin, /v1/traces for OTLP).
 */
export function normalizeEndpoint(type: EndpointType, endpoint: string): string {
  if (endpoint.includes('http')) return endpoint;
  return type === 'zipkin' ? `http://${endpoint}/api/v2/spans` : `http://${endpoint}/v1/traces`;
}

/**
 * Parses `trace` (CoreDNS's traceParse); when the directive occurs more than once in a
 * block, the last one counts, as in CoreDNS.
 *
 *     trace [TYPE] [ENDPOINT] {
 *         every AMOUNT
 *         service NAME
 *         client_server [BOOL]
 *         zipkin_max_backlog_size SIZE
 *         zipkin_max_batch_size SIZE
 *         zipkin_max_batch_interval DURATION
 *     }
 */
export function parseTrace(c: Dispenser): TraceConfig {
  let config: TraceConfig | undefined;
  while (c.next()) {
    const args = c.remainingArgs();
    let type: EndpointType = 'zipkin';
    let endpoint: string | undefined;
    if (args.length === 1) {
      // A lone argument naming a type is the type; CoreDNS would take it as a host name.
      if (isTypeName(args[0])) type = endpointType(c, args[0]);
      else endpoint = args[0];
    } else if (args.length === 2) {
      type = endpointType(c, args[0]);
      endpoint = args[1];
    } else if (args.length > 2) throw c.argErr();

    let every = 1;
    let serviceName = DEFAULT_SERVICE_NAME;
    let clientServer = false;
    let maxBacklog = DEFAULT_MAX_BACKLOG;
    let maxBatchSize = DEFAULT_MAX_BATCH_SIZE;
    let batchIntervalMs = DEFAULT_BATCH_INTERVAL_MS;
    while (c.nextBlock()) {
      const property = c.val();
      switch (property) {
        case 'every':
          every = count(c, property, single(c), 0);
          break;
        case 'service':
          serviceName = single(c);
          break;
        case 'client_server': {
          const v = c.remainingArgs();
          if (v.length > 1) throw c.argErr();
          clientServer = v.length === 0 ? true : parseBool(c, v[0]);
          // Shared client/server spans need trace context carried with the query, which no
          // transport here carries yet: refuse rather than accept an option with no effect.
          if (clientServer)
            throw c.err(
              'client_server is not supported yet: no transport of this server carries trace context',
            );
          break;
        }
        case 'zipkin_max_backlog_size':
          maxBacklog = count(c, property, single(c), 1);
          break;
        case 'zipkin_max_batch_size':
          maxBatchSize = count(c, property, single(c), 1);
          break;
        case 'zipkin_max_batch_interval': {
          const text = single(c);
          try {
            batchIntervalMs = parseGoDuration(text) / 1e6;
          } catch (e) {
            throw c.err(`${property}: ${e instanceof Error ? e.message : String(e)}`);
          }
          if (!(batchIntervalMs > 0)) throw c.err(`${property} must be positive: ${text}`);
          break;
        }
        case 'datadog_analytics_rate':
          throw c.err(`${property} is an option of the datadog endpoint type, which is not supported`);
        default:
          throw c.err(`unknown property '${property}'`);
      }
    }
    config = {
      type,
      endpoint: normalizeEndpoint(type, endpoint ?? DEFAULT_ENDPOINTS[type]),
      every,
      serviceName,
      clientServer,
      maxBacklog,
      // OpenTelemetry's batch processor wants a batch no larger than its queue.
      maxBatchSize: Math.min(maxBatchSize, maxBacklog),
      batchIntervalMs,
    };
  }
  if (config === undefined) throw c.err('trace: no directive to parse');
  return config;
}

function isTypeName(s: string): boolean {
  const t = s.toLowerCase();
  return t === 'zipkin' || t === 'otlp' || t === 'datadog';
}

function endpointType(c: Dispenser, text: string): EndpointType {
  const t = text.toLowerCase();
  if (t === 'zipkin' || t === 'otlp') return t;
  throw c.err(`tracing endpoint type '${t}' is not supported`);
}

function single(c: Dispenser): string {
  const args = c.remainingArgs();
  if (args.length !== 1) throw c.argErr();
  return args[0];
}

function count(c: Dispenser, property: string, text: string, min: number): number {
  const v = DIGITS.test(text) ? Number(text) : NaN;
  if (!Number.isSafeInteger(v)) throw c.err(`${property}: invalid number ${JSON.stringify(text)}`);
  if (v < min) throw c.err(`${property} must be at least ${min}: ${v}`);
  return v;
}

function parseBool(c: Dispenser, text: string): boolean {
  if (TRUE.has(text)) return true;
  if (FALSE.has(text)) return false;
  throw c.err(`client_server: invalid boolean ${JSON.stringify(text)}`);
}
