import type { IncomingMessage, ServerResponse } from 'node:http';
import { httpEndpoints, pluginLogger, type HttpEndpoints } from '@tsdns/core';
import type { ReadinessList } from './readiness.js';

const log = pluginLogger('ready');

/** The readiness path; CoreDNS fixes it too. */
export const READY_PATH = '/ready';

/**
 * The /ready endpoint of one server instance on one address: 200 "OK" once every plugin
 * of its list is ready, else 503 with the names of those that are not, comma-separated
 * and sorted, as CoreDNS answers.
 */
export class ReadyEndpoint {
  constructor(
    readonly address: string,
    private readonly list: ReadinessList,
    private readonly endpoints: HttpEndpoints = httpEndpoints,
  ) {}

  readonly answer = (_req: IncomingMessage, res: ServerResponse): void => {
    const notReady = this.list.notReady();
    if (notReady.length === 0) {
      res.writeHead(200, { 'Content-Type': 'text/plain; charset=utf-8' });
      res.end('OK');
      return;
    }
    const names = notReady.join(',');
    log.info(`Plugins not ready: ${JSON.stringify(names)}`);
    res.writeHead(503, { 'Content-Type': 'text/plain; charset=utf-8' });
    res.end(names);
  };

  start(): Promise<void> {
    return this.endpoints.attach(this.address, READY_PATH, this, this.answer);
  }

  stop(): Promise<void> {
    return this.endpoints.detach(this.address, READY_PATH, this);
  }
}
