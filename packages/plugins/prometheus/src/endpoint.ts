import { promisify } from 'node:util';
import { gzip } from 'node:zlib';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { METRICS_CONTENT_TYPE, httpEndpoints, metricsText, type HttpEndpoints } from '@tsdns/core';

const gzipAsync = promisify(gzip);

/** The metrics path; CoreDNS fixes it too. */
export const METRICS_PATH = '/metrics';

/**
 * Answers a scrape with every metric of the process registry in the text exposition
 * format, gzipped when the scraper accepts it (Prometheus does), as Go's promhttp does.
 */
export async function serveMetrics(req: IncomingMessage, res: ServerResponse): Promise<void> {
  const text = await metricsText();
  const accept = req.headers['accept-encoding'] ?? '';
  if (/\bgzip\b/.test(Array.isArray(accept) ? accept.join(',') : accept)) {
    const body = await gzipAsync(text);
    res.writeHead(200, {
      'Content-Type': METRICS_CONTENT_TYPE,
      'Content-Encoding': 'gzip',
      Vary: 'Accept-Encoding',
    });
    res.end(body);
    return;
  }
  res.writeHead(200, { 'Content-Type': METRICS_CONTENT_TYPE });
  res.end(text);
}

/**
 * The /metrics endpoint of one server instance on one address: every block of the
 * instance naming the address shares it. It attaches when the instance starts and
 * detaches when the instance shuts down; the listener itself is the process's (see
 * core's HttpEndpoints) and stays open across reloads that keep the address.
 */
export class MetricsEndpoint {
  constructor(
    readonly address: string,
    private readonly endpoints: HttpEndpoints = httpEndpoints,
  ) {}

  start(): Promise<void> {
    return this.endpoints.attach(this.address, METRICS_PATH, this, serveMetrics);
  }

  stop(): Promise<void> {
    return this.endpoints.detach(this.address, METRICS_PATH, this);
  }
}
