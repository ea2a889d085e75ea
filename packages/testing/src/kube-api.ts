/**
 * A fake Kubernetes API server on loopback that speaks the API's wire protocol closely
 * enough for real clients (@kubernetes/client-node, kubectl-style list+watch):
 *
 *  - GET lists at `/api/v1/...` and `/apis/GROUP/VERSION/...` (all namespaces, one
 *    namespace, one object) with `metadata.resourceVersion`, `limit`/`continue` paging
 *    over one consistent snapshot, `labelSelector`/`fieldSelector`, and
 *    `resourceVersion`+`resourceVersionMatch=Exact` (410 when too old);
 *  - watches (`?watch=true&resourceVersion=RV`) as chunked JSON lines of ADDED, MODIFIED,
 *    DELETED, BOOKMARK (with `allowWatchBookmarks=true`) and ERROR events; a watch from a
 *    resource version older than history gets an ERROR event with a 410 Status (as a
 *    real server does), or HTTP 410 when `goneAsHttpStatus` is set; `timeoutSeconds`
 *    ends a watch; an object that stops or starts matching a selector is DELETED or ADDED;
 *  - bearer-token authentication and HTTPS (optionally requiring client certificates);
 *  - Status objects for errors, as the API server writes them.
 *
 * Tests change the cluster through `create`/`update`/`apply`/`delete` and break it
 * through `compact` (every older resource version becomes too old), `goneWatches` (410
 * to every watch), `dropConnections` (sockets destroyed) and `failRequests`.
 */
import {
  createServer as createHttpServer,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { Socket } from 'node:net';
import type { TLSSocket } from 'node:tls';
import {
  KubeSelectorError,
  matchesFields,
  matchesLabels,
  parseFieldSelector,
  parseLabelSelector,
  type FieldRequirement,
  type LabelRequirement,
} from './kube-api-selector.js';
import {
  KubeObjectStore,
  apiVersionOf,
  type KubeChange,
  type KubeObject,
  type KubeResource,
} from './kube-api-store.js';

export interface FakeKubeApiOptions {
  /** When set, every request must carry `Authorization: Bearer TOKEN` (else 401). */
  token?: string;
  /** Serve HTTPS with this certificate and key (PEM). */
  tls?: {
    cert: string | Buffer;
    key: string | Buffer;
    /** CA (PEM) that client certificates must chain to; with it, a client certificate is required. */
    clientCa?: string | Buffer;
  };
  /** How many changes the server keeps for watches to resume from; default 100000. */
  historyLimit?: number;
  /** Interval of BOOKMARK events on watches that allow them; default 1000 ms, 0 for none. */
  bookmarkIntervalMs?: number;
  /** Answer a watch from a too-old resource version with HTTP 410 instead of an ERROR event. */
  goneAsHttpStatus?: boolean;
}

/** One request the server received, for assertions. */
export interface KubeApiRequest {
  readonly method: string;
  readonly path: string;
  readonly query: URLSearchParams;
  readonly authorization: string | undefined;
  /** When it arrived (ms since the epoch). */
  readonly time: number;
  /** The HTTP status answered (200 for a watch that started streaming). */
  status: number;
}

/** A Status object (the API's error body). */
export function kubeStatus(code: number, reason: string, message: string): Record<string, unknown> {
  return { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason, code };
}

interface ListSnapshot {
  readonly items: readonly KubeObject[];
  readonly rv: number;
  readonly expires: number;
}

/** How long a paged list's snapshot stays valid for `continue` (a real server keeps ~5 min). */
const SNAPSHOT_TTL_MS = 60_000;

interface Route {
  readonly resource: KubeResource;
  readonly namespace: string | undefined;
  readonly name: string | undefined;
}

class Watch {
  #bookmarkTimer: NodeJS.Timeout | undefined;
  #timeout: NodeJS.Timeout | undefined;
  #ended = false;

  constructor(
    readonly resource: KubeResource,
    readonly namespace: string | undefined,
    readonly name: string | undefined,
    readonly labels: readonly LabelRequirement[],
    readonly fields: readonly FieldRequirement[],
    readonly res: ServerResponse,
    readonly bookmarks: boolean,
    readonly onEnd: () => void,
  ) {}

  start(bookmarkIntervalMs: number, timeoutSeconds: number | undefined, currentRv: () => number): void {
    if (this.bookmarks && bookmarkIntervalMs > 0) {
      this.#bookmarkTimer = setInterval(() => this.bookmark(currentRv()), bookmarkIntervalMs);
      this.#bookmarkTimer.unref();
    }
    if (timeoutSeconds !== undefined && timeoutSeconds > 0) {
      this.#timeout = setTimeout(() => this.end(), timeoutSeconds * 1000);
      this.#timeout.unref();
    }
    this.res.on('close', () => this.#cleanup());
  }

  selects(obj: KubeObject): boolean {
    if (this.namespace !== undefined && obj.metadata.namespace !== this.namespace) return false;
    if (this.name !== undefined && obj.metadata.name !== this.name) return false;
    return matchesLabels(this.labels, obj.metadata.labels) && matchesFields(this.fields, obj);
  }

  /** Sends the change as this watch sees it (selectors turn MODIFIED into ADDED/DELETED). */
  deliver(change: KubeChange): void {
    if (change.resource !== this.resource) return;
    const now = this.selects(change.object);
    if (change.type === 'MODIFIED') {
      const before = change.previous !== undefined && this.selects(change.previous);
      if (now && before) this.send('MODIFIED', change.object);
      else if (now) this.send('ADDED', change.object);
      else if (before) this.send('DELETED', change.object);
      return;
    }
    if (change.type === 'DELETED') {
      if (change.previous !== undefined ? this.selects(change.previous) : now)
        this.send('DELETED', change.object);
      return;
    }
    if (now) this.send(change.type, change.object);
  }

  send(type: string, object: unknown): void {
    if (this.#ended) return;
    this.res.write(`${JSON.stringify({ type, object })}\n`);
  }

  bookmark(rv: number): void {
    if (!this.bookmarks) return;
    this.send('BOOKMARK', {
      kind: this.resource.kind,
      apiVersion: apiVersionOf(this.resource),
      metadata: { resourceVersion: String(rv), annotations: { 'k8s.io/initial-events-end': 'true' } },
    });
  }

  /** Ends the stream cleanly (what a server does at timeoutSeconds or after an ERROR). */
  end(): void {
    if (this.#ended) return;
    this.#ended = true;
    this.res.end();
    this.#cleanup();
  }

  get ended(): boolean {
    return this.#ended;
  }

  #cleanup(): void {
    this.#ended = true;
    clearInterval(this.#bookmarkTimer);
    clearTimeout(this.#timeout);
    this.onEnd();
  }
}

export class FakeKubeApi {
  readonly store: KubeObjectStore;
  /** Every request received, in order. */
  readonly requests: KubeApiRequest[] = [];
  readonly #server: Server;
  readonly #options: FakeKubeApiOptions;
  readonly #watches = new Set<Watch>();
  readonly #sockets = new Set<Socket>();
  readonly #snapshots = new Map<string, ListSnapshot>();
  #snapshotId = 0;
  #failures: { count: number; code: number } | undefined;
  #unsubscribe: () => void;
  #port = 0;

  private constructor(options: FakeKubeApiOptions) {
    this.#options = options;
    this.store = new KubeObjectStore(options.historyLimit);
    const handler = (req: IncomingMessage, res: ServerResponse): void => this.#handle(req, res);
    this.#server =
      options.tls === undefined
        ? createHttpServer(handler)
        : createHttpsServer(
            {
              cert: options.tls.cert,
              key: options.tls.key,
              ca: options.tls.clientCa,
              requestCert: options.tls.clientCa !== undefined,
              rejectUnauthorized: false,
            },
            handler,
          );
    const track = (s: Socket): void => {
      this.#sockets.add(s);
      s.on('close', () => this.#sockets.delete(s));
    };
    this.#server.on(options.tls === undefined ? 'connection' : 'secureConnection', track);
    this.#unsubscribe = this.store.subscribe((change) => {
      for (const w of this.#watches) w.deliver(change);
    });
  }

  /** Starts a server on 127.0.0.1 and a free port. */
  static async start(options: FakeKubeApiOptions = {}): Promise<FakeKubeApi> {
    const api = new FakeKubeApi(options);
    await new Promise<void>((resolve, reject) => {
      api.#server.once('error', reject);
      api.#server.listen(0, '127.0.0.1', () => resolve());
    });
    const addr = api.#server.address();
    if (addr === null || typeof addr === 'string') throw new Error('fake API server has no port');
    api.#port = addr.port;
    return api;
  }

  get port(): number {
    return this.#port;
  }

  /** The server's URL: `http(s)://127.0.0.1:PORT`. */
  get url(): string {
    return `${this.#options.tls === undefined ? 'http' : 'https'}://127.0.0.1:${this.#port}`;
  }

  /** Watches streaming now. */
  get watchCount(): number {
    return this.#watches.size;
  }

  /** Open watches per resource plural, for tests waiting for clients to (re)connect. */
  watchesOf(plural: string): number {
    let n = 0;
    for (const w of this.#watches) if (w.resource.plural === plural) n++;
    return n;
  }

  create(obj: KubeObject): KubeObject {
    return this.store.create(obj);
  }

  update(obj: KubeObject): KubeObject {
    return this.store.update(obj);
  }

  apply(obj: KubeObject): KubeObject {
    return this.store.apply(obj);
  }

  /** Deletes by apiVersion, kind, namespace and name (as `kubectl delete`). */
  delete(obj: {
    apiVersion?: string;
    kind?: string;
    metadata: { name: string; namespace?: string };
  }): KubeObject {
    return this.store.delete(this.store.resourceOf(obj), obj.metadata.namespace, obj.metadata.name);
  }

  /** Makes every resource version up to now too old (history compacted). */
  compact(): void {
    this.store.compact();
  }

  /** Sends an ERROR event with a 410 Gone Status to every watch and ends them. */
  goneWatches(): void {
    for (const w of [...this.#watches]) {
      w.send('ERROR', kubeStatus(410, 'Expired', 'too old resource version'));
      w.end();
    }
  }

  /** Sends a BOOKMARK event now to every watch that allows them. */
  bookmarkWatches(): void {
    for (const w of this.#watches) w.bookmark(this.store.resourceVersion);
  }

  /** Ends every watch cleanly (as at the server's watch timeout). */
  endWatches(): void {
    for (const w of [...this.#watches]) w.end();
  }

  /** Destroys every open connection (a network failure or an API server restart). */
  dropConnections(): void {
    for (const s of this.#sockets) s.destroy();
  }

  /** Answers the next `count` requests with `code` (a Status error) instead of serving them. */
  failRequests(count: number, code = 503): void {
    this.#failures = count > 0 ? { count, code } : undefined;
  }

  async close(): Promise<void> {
    this.#unsubscribe();
    for (const w of [...this.#watches]) w.end();
    this.dropConnections();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }

  #handle(req: IncomingMessage, res: ServerResponse): void {
    const url = new URL(req.url ?? '/', 'http://fake');
    const record: KubeApiRequest = {
      method: req.method ?? 'GET',
      path: url.pathname,
      query: url.searchParams,
      authorization: req.headers.authorization,
      time: Date.now(),
      status: 0,
    };
    this.requests.push(record);
    const reply = (code: number, body: unknown): void => {
      record.status = code;
      const text = JSON.stringify(body);
      res.writeHead(code, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text) });
      res.end(text);
    };
    const fail = (code: number, reason: string, message: string): void =>
      reply(code, kubeStatus(code, reason, message));

    if (!this.#authenticated(req)) return fail(401, 'Unauthorized', 'Unauthorized');
    if (this.#failures !== undefined) {
      const f = this.#failures;
      if (--f.count <= 0) this.#failures = undefined;
      return fail(f.code, f.code === 429 ? 'TooManyRequests' : 'ServiceUnavailable', 'injected failure');
    }
    if (record.method !== 'GET') return fail(405, 'MethodNotAllowed', `${record.method} is not served`);
    const route = this.#route(url.pathname);
    if (route === undefined) return fail(404, 'NotFound', `the server could not find the requested resource`);

    let labels: LabelRequirement[];
    let fields: FieldRequirement[];
    try {
      labels = parseLabelSelector(url.searchParams.get('labelSelector') ?? '');
      fields = parseFieldSelector(url.searchParams.get('fieldSelector') ?? '');
    } catch (e) {
      if (e instanceof KubeSelectorError) return fail(400, 'BadRequest', e.message);
      throw e;
    }
    const watch = url.searchParams.get('watch');
    if (watch === 'true' || watch === '1')
      return this.#watch(route, url.searchParams, labels, fields, res, record);
    if (route.name !== undefined) {
      const obj = this.store.get(route.resource, route.namespace, route.name);
      if (obj === undefined)
        return fail(404, 'NotFound', `${route.resource.plural} "${route.name}" not found`);
      return reply(200, obj);
    }
    this.#list(route, url.searchParams, labels, fields, reply, fail);
  }

  #authenticated(req: IncomingMessage): boolean {
    if (this.#options.tls?.clientCa !== undefined) {
      const socket = req.socket as TLSSocket;
      if (!socket.authorized) return false;
    }
    const token = this.#options.token;
    if (token === undefined) return true;
    return req.headers.authorization === `Bearer ${token}`;
  }

  /** Reads `/api/v1[/namespaces/NS]/PLURAL[/NAME]` and `/apis/G/V[/namespaces/NS]/PLURAL[/NAME]`. */
  #route(path: string): Route | undefined {
    const parts = path.split('/').filter((p) => p !== '');
    let group: string;
    let version: string;
    let rest: string[];
    if (parts[0] === 'api' && parts.length >= 3) {
      group = '';
      version = parts[1];
      rest = parts.slice(2);
    } else if (parts[0] === 'apis' && parts.length >= 4) {
      group = parts[1];
      version = parts[2];
      rest = parts.slice(3);
    } else return undefined;
    let namespace: string | undefined;
    // `namespaces/NS/PLURAL...` is a namespaced path unless PLURAL is missing (a namespace itself).
    if (rest[0] === 'namespaces' && rest.length >= 3) {
      namespace = rest[1];
      rest = rest.slice(2);
    }
    const resource = this.store.resourceAt(group, version, rest[0]);
    if (resource === undefined || rest.length > 2) return undefined;
    if (namespace !== undefined && !resource.namespaced) return undefined;
    return { resource, namespace, name: rest[1] };
  }

  #list(
    route: Route,
    query: URLSearchParams,
    labels: readonly LabelRequirement[],
    fields: readonly FieldRequirement[],
    reply: (code: number, body: unknown) => void,
    fail: (code: number, reason: string, message: string) => void,
  ): void {
    const now = Date.now();
    for (const [id, s] of this.#snapshots) if (s.expires < now) this.#snapshots.delete(id);
    const rvParam = query.get('resourceVersion');
    if (
      rvParam !== null &&
      rvParam !== '' &&
      rvParam !== '0' &&
      query.get('resourceVersionMatch') === 'Exact'
    ) {
      const rv = Number(rvParam);
      // The fake keeps no old states: only the current one can be listed exactly.
      if (!Number.isInteger(rv)) return fail(400, 'BadRequest', `invalid resourceVersion ${rvParam}`);
      if (rv !== this.store.resourceVersion)
        return fail(410, 'Expired', `too old resource version: ${rv} (${this.store.resourceVersion})`);
    }
    let snapshot: ListSnapshot;
    let snapshotId: string | undefined;
    let offset = 0;
    const token = query.get('continue');
    if (token !== null && token !== '') {
      let parsed: { id?: unknown; offset?: unknown };
      try {
        parsed = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as typeof parsed;
      } catch {
        return fail(400, 'BadRequest', 'invalid continue token');
      }
      const found = typeof parsed.id === 'string' ? this.#snapshots.get(parsed.id) : undefined;
      if (found === undefined || typeof parsed.offset !== 'number')
        return fail(
          410,
          'Expired',
          'The provided continue parameter is too old to display a consistent list result.',
        );
      snapshot = found;
      snapshotId = parsed.id as string;
      offset = parsed.offset;
    } else {
      const items = this.store
        .list(route.resource, route.namespace)
        .filter(
          (o) =>
            (route.name === undefined || o.metadata.name === route.name) &&
            matchesLabels(labels, o.metadata.labels) &&
            matchesFields(fields, o),
        );
      snapshot = { items, rv: this.store.resourceVersion, expires: now + SNAPSHOT_TTL_MS };
    }
    const limit = Number(query.get('limit') ?? '0');
    let items = snapshot.items.slice(offset);
    const metadata: Record<string, unknown> = { resourceVersion: String(snapshot.rv) };
    if (Number.isInteger(limit) && limit > 0 && items.length > limit) {
      items = items.slice(0, limit);
      const id = snapshotId ?? String(++this.#snapshotId);
      this.#snapshots.set(id, snapshot);
      metadata.continue = Buffer.from(JSON.stringify({ id, offset: offset + limit })).toString('base64url');
      metadata.remainingItemCount = snapshot.items.length - offset - limit;
    }
    reply(200, {
      kind: `${route.resource.kind}List`,
      apiVersion: apiVersionOf(route.resource),
      metadata,
      // Items of a list carry no kind or apiVersion, as a real server writes them.
      items: items.map(({ kind: _k, apiVersion: _a, ...rest }) => rest),
    });
  }

  #watch(
    route: Route,
    query: URLSearchParams,
    labels: readonly LabelRequirement[],
    fields: readonly FieldRequirement[],
    res: ServerResponse,
    record: KubeApiRequest,
  ): void {
    const rvParam = query.get('resourceVersion') ?? '';
    let backlog: KubeChange[] | undefined;
    let initial: KubeObject[] | undefined;
    if (rvParam === '' || rvParam === '0') {
      // "Start at most recent" (unset) and "any" (0): the current state as ADDED events first.
      initial = this.store.list(route.resource, route.namespace);
    } else {
      const rv = Number(rvParam);
      if (!Number.isInteger(rv) || rv < 0) {
        record.status = 400;
        const text = JSON.stringify(kubeStatus(400, 'BadRequest', `invalid resourceVersion ${rvParam}`));
        res.writeHead(400, { 'Content-Type': 'application/json' }).end(text);
        return;
      }
      backlog = this.store.changesSince(route.resource, rv);
      if (backlog === undefined && this.#options.goneAsHttpStatus === true) {
        record.status = 410;
        const text = JSON.stringify(kubeStatus(410, 'Expired', `too old resource version: ${rv}`));
        res.writeHead(410, { 'Content-Type': 'application/json' }).end(text);
        return;
      }
    }
    record.status = 200;
    res.writeHead(200, { 'Content-Type': 'application/json', 'Transfer-Encoding': 'chunked' });
    // Clients wait for the headers before reading events; a quiet watch must still start.
    res.flushHeaders();
    const timeout = query.get('timeoutSeconds');
    const w = new Watch(
      route.resource,
      route.namespace,
      route.name,
      labels,
      fields,
      res,
      query.get('allowWatchBookmarks') === 'true',
      () => this.#watches.delete(w),
    );
    if (rvParam !== '' && rvParam !== '0' && backlog === undefined) {
      // A real API server answers 200 and then one ERROR event with a 410 Status.
      w.send('ERROR', kubeStatus(410, 'Expired', `too old resource version: ${rvParam}`));
      w.end();
      return;
    }
    this.#watches.add(w);
    w.start(
      this.#options.bookmarkIntervalMs ?? 1000,
      timeout === null ? undefined : Number(timeout),
      () => this.store.resourceVersion,
    );
    if (initial !== undefined) for (const o of initial) if (w.selects(o)) w.send('ADDED', o);
    if (backlog !== undefined) for (const c of backlog) w.deliver(c);
  }
}
