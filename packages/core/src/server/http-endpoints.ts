/**
 * The HTTP listeners of the operational endpoints (/metrics, /health, /ready): one per
 * address for the whole process, shared by every plugin and server block that names the
 * address, each plugin answering its own path.
 *
 * They outlive server instances. An instance attaches its handler when it starts and
 * detaches it when it shuts down; during a reload the new instance attaches before the
 * old one detaches, so the newest handler answers and the socket is never closed while
 * some instance still wants it. A listener closes when its last handler detaches. When a
 * reload fails, the new instance detaches and the old instance's handler answers again.
 * (CoreDNS closes these listeners on every reload and opens them again, with SO_REUSEPORT;
 * Node has no SO_REUSEPORT, and keeping them open also avoids CoreDNS's failure mode of
 * a reload that closes an endpoint and then cannot open its new one.)
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { lookup } from 'node:dns/promises';
import { isIP, type AddressInfo } from 'node:net';

export type HttpHandler = (req: IncomingMessage, res: ServerResponse) => void | Promise<void>;

/** An address that is not Go's host:port form. */
export class HttpAddressError extends Error {
  override readonly name = 'HttpAddressError';
}

export interface HttpAddress {
  /** '' for every address of the machine. */
  readonly host: string;
  readonly port: number;
}

/**
 * Parses an endpoint address as CoreDNS's plugins check it (Go's net.SplitHostPort):
 * "host:port", "[v6]:port" or ":port", with errors in Go's words, plus a numeric port
 * check (Go only finds a bad port when it listens).
 */
export function parseHttpAddress(address: string): HttpAddress {
  const fail = (why: string): never => {
    throw new HttpAddressError(`address ${address}: ${why}`);
  };
  let host: string;
  let portText: string;
  if (address.startsWith('[')) {
    const end = address.indexOf(']');
    if (end < 0) fail("missing ']' in address");
    host = address.slice(1, end);
    const rest = address.slice(end + 1);
    if (rest === '') fail('missing port in address');
    if (!rest.startsWith(':'))
      fail(rest.includes(':') ? 'too many colons in address' : 'missing port in address');
    portText = rest.slice(1);
    if (host.includes('[') || host.includes(']') || portText.includes('[') || portText.includes(']'))
      fail("unexpected '[' in address");
  } else {
    const colon = address.lastIndexOf(':');
    if (colon < 0) fail('missing port in address');
    host = address.slice(0, colon);
    portText = address.slice(colon + 1);
    if (host.includes(':')) fail('too many colons in address');
    if (host.includes('[') || host.includes(']')) fail("unexpected '[' in address");
  }
  if (!/^\d{1,5}$/.test(portText) || Number(portText) > 65535) fail(`invalid port "${portText}"`);
  return { host: host.toLowerCase(), port: Number(portText) };
}

/** host:port as Go joins them, IPv6 in brackets. */
export function formatHttpAddress(a: HttpAddress): string {
  return a.host.includes(':') ? `[${a.host}]:${a.port}` : `${a.host}:${a.port}`;
}

interface Attachment {
  readonly owner: object;
  readonly handler: HttpHandler;
}

class Endpoint {
  /** Per path, the attached handlers; the last one answers. */
  readonly routes = new Map<string, Attachment[]>();
  readonly listening: Promise<void>;

  constructor(
    readonly address: HttpAddress,
    readonly server: Server,
    after: Promise<void> | undefined,
  ) {
    this.listening = (after ?? Promise.resolve()).then(() => listen(server, address));
  }

  handlerFor(path: string): HttpHandler | undefined {
    const list = this.routes.get(path);
    return list === undefined ? undefined : list[list.length - 1].handler;
  }
}

/** Go's net/http idle and read limits that CoreDNS sets on these servers. */
const TIMEOUT_MS = 5000;

/** The process's endpoints; an instance of its own serves tests that want isolation. */
export class HttpEndpoints {
  readonly #endpoints = new Map<string, Endpoint>();
  /** Listeners being closed, so a new listener on the same address waits for the port. */
  readonly #closing = new Map<string, Promise<void>>();

  /**
   * Makes `handler` answer `path` on `address` ("host:port") for `owner`, listening there
   * first when nothing does yet. Rejects when the address is malformed or cannot be
   * listened on (the attachment is then undone).
   */
  async attach(address: string, path: string, owner: object, handler: HttpHandler): Promise<void> {
    const parsed = parseHttpAddress(address);
    const key = formatHttpAddress(parsed);
    let endpoint = this.#endpoints.get(key);
    if (endpoint === undefined) {
      const ep: Endpoint = new Endpoint(
        parsed,
        createServer((req, res) => serve(ep, req, res)),
        this.#closing.get(key),
      );
      ep.server.requestTimeout = TIMEOUT_MS;
      ep.server.headersTimeout = TIMEOUT_MS;
      ep.server.keepAliveTimeout = TIMEOUT_MS;
      this.#endpoints.set(key, ep);
      endpoint = ep;
    }
    const list = endpoint.routes.get(path) ?? [];
    endpoint.routes.set(path, [...list.filter((a) => a.owner !== owner), { owner, handler }]);
    try {
      await endpoint.listening;
    } catch (e) {
      // It never listened, so there is nothing to wait for in closing it.
      void this.#remove(key, endpoint, path, owner);
      throw e;
    }
  }

  /**
   * Undoes `owner`'s attachment of `path` on `address`: the handler attached before it, if
   * any, answers again. The listener closes once no path has a handler left.
   */
  async detach(address: string, path: string, owner: object): Promise<void> {
    const key = formatHttpAddress(parseHttpAddress(address));
    const endpoint = this.#endpoints.get(key);
    if (endpoint === undefined) return;
    await this.#remove(key, endpoint, path, owner);
  }

  /** Where the listener for `address` is bound (the real port when the address asked for 0). */
  boundAddress(address: string): AddressInfo | undefined {
    const endpoint = this.#endpoints.get(formatHttpAddress(parseHttpAddress(address)));
    const bound = endpoint?.server.address();
    return bound !== null && typeof bound === 'object' ? bound : undefined;
  }

  #remove(key: string, endpoint: Endpoint, path: string, owner: object): Promise<void> {
    const list = endpoint.routes.get(path);
    if (list !== undefined) {
      const rest = list.filter((a) => a.owner !== owner);
      if (rest.length === 0) endpoint.routes.delete(path);
      else endpoint.routes.set(path, rest);
    }
    if (endpoint.routes.size > 0 || this.#endpoints.get(key) !== endpoint) return Promise.resolve();
    this.#endpoints.delete(key);
    const closed = close(endpoint).finally(() => {
      if (this.#closing.get(key) === closed) this.#closing.delete(key);
    });
    this.#closing.set(key, closed);
    return closed;
  }
}

/** The endpoints of this process. */
export const httpEndpoints: HttpEndpoints = new HttpEndpoints();

async function listen(server: Server, address: HttpAddress): Promise<void> {
  const host = await listenHost(address.host);
  await new Promise<void>((resolve, reject) => {
    const onError = (e: NodeJS.ErrnoException): void => {
      reject(new Error(`listen tcp ${formatHttpAddress(address)}: ${listenErrorText(e)}`, { cause: e }));
    };
    server.once('error', onError);
    const done = (): void => {
      server.off('error', onError);
      resolve();
    };
    if (host === undefined) server.listen(address.port, done);
    else server.listen(address.port, host, done);
  });
}

/**
 * The address to bind: none (every address) for an empty host, the literal for an IP,
 * else the name's first IPv4 address (Go listens on one address of a name, preferring
 * IPv4), or its first address of any family.
 */
async function listenHost(host: string): Promise<string | undefined> {
  if (host === '') return undefined;
  if (isIP(host) !== 0) return host;
  try {
    return (await lookup(host, { family: 4 })).address;
  } catch {
    return (await lookup(host)).address;
  }
}

function listenErrorText(e: NodeJS.ErrnoException): string {
  if (e.code === 'EADDRINUSE') return 'bind: address already in use';
  if (e.code === 'EACCES') return 'bind: permission denied';
  if (e.code === 'EADDRNOTAVAIL') return 'bind: cannot assign requested address';
  return e.message;
}

function close(endpoint: Endpoint): Promise<void> {
  return endpoint.listening.then(
    () =>
      new Promise<void>((resolve) => {
        endpoint.server.close(() => resolve());
        endpoint.server.closeAllConnections();
      }),
    // It never listened: nothing to close.
    () => undefined,
  );
}

const NOT_FOUND = '404 page not found\n';

function serve(endpoint: Endpoint, req: IncomingMessage, res: ServerResponse): void {
  const url = req.url ?? '/';
  const q = url.indexOf('?');
  const handler = endpoint.handlerFor(q < 0 ? url : url.slice(0, q));
  if (handler === undefined) {
    res.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8', 'X-Content-Type-Options': 'nosniff' });
    res.end(NOT_FOUND);
    return;
  }
  const failed = (e: unknown): void => {
    if (!res.headersSent) {
      res.writeHead(500, { 'Content-Type': 'text/plain; charset=utf-8' });
      res.end(`${e instanceof Error ? e.message : String(e)}\n`);
    } else {
      res.destroy();
    }
  };
  try {
    const done = handler(req, res);
    if (done !== undefined) done.catch(failed);
  } catch (e) {
    failed(e);
  }
}
