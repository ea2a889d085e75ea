import type { IncomingMessage, ServerResponse } from 'node:http';
import { httpEndpoints, type HttpEndpoints } from '@tsdns/core';
import { ProfileBusyError, takeCpuProfile, writeHeapSnapshot } from './profiles.js';

export const INDEX_PATH = '/debug/pprof/';
export const PROFILE_PATH = '/debug/pprof/profile';
export const HEAP_PATH = '/debug/pprof/heap';

/** Go's default CPU profile length, and a ceiling that keeps a typo from profiling for days. */
export const DEFAULT_PROFILE_SECONDS = 30;
export const MAX_PROFILE_SECONDS = 3600;

const TEXT = 'text/plain; charset=utf-8';
const SECONDS = /^\d+$/;

function reply(res: ServerResponse, status: number, text: string): void {
  res.writeHead(status, { 'Content-Type': TEXT, 'X-Content-Type-Options': 'nosniff' });
  res.end(`${text}\n`);
}

/** Only GET (and HEAD) read profiles. */
function allowed(req: IncomingMessage, res: ServerResponse): boolean {
  if (req.method === 'GET' || req.method === 'HEAD') return true;
  res.setHeader('Allow', 'GET, HEAD');
  reply(res, 405, 'method not allowed');
  return false;
}

/** The list of profiles, as Go's /debug/pprof/ page lists its own. */
export function serveIndex(req: IncomingMessage, res: ServerResponse): void {
  if (!allowed(req, res)) return;
  res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' });
  res.end(
    '<html><head><title>/debug/pprof/</title></head><body>\n' +
      '<p>Profiles of this Node.js process:</p>\n<ul>\n' +
      `<li><a href="profile?seconds=${DEFAULT_PROFILE_SECONDS}">profile</a>: a CPU profile over ?seconds=N ` +
      `(default ${DEFAULT_PROFILE_SECONDS}), as a .cpuprofile file for Chrome DevTools or speedscope</li>\n` +
      '<li><a href="heap">heap</a>: a heap snapshot, as a .heapsnapshot file for Chrome DevTools ' +
      '(the server pauses while it is taken)</li>\n</ul>\n</body></html>\n',
  );
}

/** GET /debug/pprof/profile?seconds=N: a CPU profile over N seconds. */
export async function serveProfile(req: IncomingMessage, res: ServerResponse): Promise<void> {
  if (!allowed(req, res)) return;
  const query = new URL(req.url ?? '/', 'http://localhost').searchParams;
  const text = query.get('seconds');
  let seconds = DEFAULT_PROFILE_SECONDS;
  if (text !== null && text !== '') {
    if (!SECONDS.test(text) || Number(text) < 1 || Number(text) > MAX_PROFILE_SECONDS) {
      reply(
        res,
        400,
        `seconds must be a whole number from 1 to ${MAX_PROFILE_SECONDS}: ${JSON.stringify(text)}`,
      );
      return;
    }
    seconds = Number(text);
  }
  // A client that hangs up ends the profile early; nobody would read it.
  const gone = new AbortController();
  const onClose = (): void => gone.abort();
  res.on('close', onClose);
  let profile: unknown;
  try {
    profile = await takeCpuProfile(seconds, gone.signal);
  } catch (e) {
    if (e instanceof ProfileBusyError) {
      reply(res, 409, e.message);
      return;
    }
    throw e;
  } finally {
    res.off('close', onClose);
  }
  if (gone.signal.aborted) return;
  const body = JSON.stringify(profile);
  res.writeHead(200, {
    'Content-Type': 'application/json',
    'Content-Disposition': 'attachment; filename="profile.cpuprofile"',
    'Content-Length': Buffer.byteLength(body),
  });
  res.end(req.method === 'HEAD' ? undefined : body);
}

/** GET /debug/pprof/heap: a heap snapshot, streamed as V8 writes it. */
export async function serveHeap(req: IncomingMessage, res: ServerResponse): Promise<void> {
  if (!allowed(req, res)) return;
  res.writeHead(200, {
    'Content-Type': 'application/json',
    'Content-Disposition': 'attachment; filename="heap.heapsnapshot"',
  });
  if (req.method === 'HEAD') {
    res.end();
    return;
  }
  await writeHeapSnapshot((chunk) => res.write(chunk));
  res.end();
}

/**
 * The profile endpoints of one server instance on one address. The listener is the
 * process's (core's HttpEndpoints), so it stays open across reloads that keep the address
 * and is shared with metrics or health endpoints on the same address.
 */
export class PprofEndpoint {
  constructor(
    readonly address: string,
    private readonly endpoints: HttpEndpoints = httpEndpoints,
  ) {}

  async start(): Promise<void> {
    await this.endpoints.attach(this.address, INDEX_PATH, this, serveIndex);
    await this.endpoints.attach(this.address, PROFILE_PATH, this, serveProfile);
    await this.endpoints.attach(this.address, HEAP_PATH, this, serveHeap);
  }

  async stop(): Promise<void> {
    await this.endpoints.detach(this.address, INDEX_PATH, this);
    await this.endpoints.detach(this.address, PROFILE_PATH, this);
    await this.endpoints.detach(this.address, HEAP_PATH, this);
  }
}
