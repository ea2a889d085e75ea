/**
 * An HTTP collector for tests: accepts Zipkin v2 JSON on /api/v2/spans (and any path
 * ending in /spans) and OTLP/HTTP JSON on /v1/traces, and turns both into one span shape.
 */
import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { waitFor as waitUntil } from '@tsdns/testing';

export interface CollectedSpan {
  readonly format: 'zipkin' | 'otlp';
  readonly traceId: string;
  readonly id: string;
  readonly parentId: string | undefined;
  readonly name: string;
  readonly kind: string | undefined;
  readonly serviceName: string | undefined;
  readonly tags: Readonly<Record<string, string>>;
  /** OTLP status code (2 is ERROR); Zipkin marks errors with an "error" tag. */
  readonly statusCode: number | undefined;
}

interface ZipkinSpan {
  traceId: string;
  id: string;
  parentId?: string;
  name: string;
  kind?: string;
  localEndpoint?: { serviceName?: string };
  tags?: Record<string, string>;
}

interface OtlpValue {
  stringValue?: string;
  intValue?: number | string;
  boolValue?: boolean;
}
interface OtlpAttribute {
  key: string;
  value: OtlpValue;
}
interface OtlpRequest {
  resourceSpans: {
    resource?: { attributes?: OtlpAttribute[] };
    scopeSpans: {
      spans: {
        traceId: string;
        spanId: string;
        parentSpanId?: string;
        name: string;
        kind?: number;
        attributes?: OtlpAttribute[];
        status?: { code?: number };
      }[];
    }[];
  }[];
}

const OTLP_KINDS = ['UNSPECIFIED', 'INTERNAL', 'SERVER', 'CLIENT', 'PRODUCER', 'CONSUMER'];

function attributes(list: OtlpAttribute[] | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const a of list ?? [])
    out[a.key] = String(a.value.stringValue ?? a.value.intValue ?? a.value.boolValue);
  return out;
}

async function body(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

export class SpanCollector {
  readonly spans: CollectedSpan[] = [];
  /** Request paths and content types, in arrival order. */
  readonly requests: { path: string; contentType: string | undefined }[] = [];

  private constructor(readonly server: Server) {}

  static async start(): Promise<SpanCollector> {
    const server = createServer();
    const collector = new SpanCollector(server);
    server.on('request', (req, res) => {
      void collector.#receive(req).then(
        (status) => res.writeHead(status).end(),
        () => res.writeHead(400).end(),
      );
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    return collector;
  }

  get port(): number {
    return (this.server.address() as AddressInfo).port;
  }

  async #receive(req: IncomingMessage): Promise<number> {
    const path = req.url ?? '';
    this.requests.push({ path, contentType: req.headers['content-type'] });
    const text = await body(req);
    if (req.method !== 'POST') return 405;
    if (path.endsWith('/spans')) {
      for (const s of JSON.parse(text) as ZipkinSpan[]) {
        this.spans.push({
          format: 'zipkin',
          traceId: s.traceId,
          id: s.id,
          parentId: s.parentId,
          name: s.name,
          kind: s.kind,
          serviceName: s.localEndpoint?.serviceName,
          tags: s.tags ?? {},
          statusCode: undefined,
        });
      }
      return 202;
    }
    if (path === '/v1/traces') {
      const request = JSON.parse(text) as OtlpRequest;
      for (const rs of request.resourceSpans) {
        const serviceName = attributes(rs.resource?.attributes)['service.name'];
        for (const ss of rs.scopeSpans) {
          for (const s of ss.spans) {
            this.spans.push({
              format: 'otlp',
              traceId: s.traceId,
              id: s.spanId,
              parentId: s.parentSpanId === '' ? undefined : s.parentSpanId,
              name: s.name,
              kind: s.kind === undefined ? undefined : OTLP_KINDS[s.kind],
              serviceName,
              tags: attributes(s.attributes),
              statusCode: s.status?.code,
            });
          }
        }
      }
      return 200;
    }
    return 404;
  }

  /** Resolves once `n` spans named `name` have arrived (rejects after `timeoutMs`). */
  async waitFor(name: string, n: number, timeoutMs = 5000): Promise<CollectedSpan[]> {
    const named = (): CollectedSpan[] => this.spans.filter((s) => s.name === name);
    await waitUntil(() => named().length >= n, {
      timeout: timeoutMs,
      what: `${n} "${name}" spans`,
      detail: () => `the collector has ${named().length}`,
    });
    return named();
  }

  /** The spans of one trace. */
  trace(traceId: string): CollectedSpan[] {
    return this.spans.filter((s) => s.traceId === traceId);
  }

  stop(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}
