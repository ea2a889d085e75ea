import { createServer } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { HttpAddressError, HttpEndpoints, parseHttpAddress, formatHttpAddress } from './http-endpoints.js';

const ADDR = '127.0.0.1:0';

async function get(
  endpoints: HttpEndpoints,
  path: string,
  address = ADDR,
): Promise<{ status: number; body: string }> {
  const bound = endpoints.boundAddress(address);
  if (bound === undefined) throw new Error('not listening');
  const res = await fetch(`http://127.0.0.1:${bound.port}${path}`);
  return { status: res.status, body: await res.text() };
}

const text =
  (body: string, status = 200) =>
  (_req: unknown, res: import('node:http').ServerResponse): void => {
    res.writeHead(status, { 'Content-Type': 'text/plain' });
    res.end(body);
  };

describe('parseHttpAddress', () => {
  it.each([
    [':8080', { host: '', port: 8080 }],
    ['localhost:9153', { host: 'localhost', port: 9153 }],
    ['127.0.0.1:0', { host: '127.0.0.1', port: 0 }],
    ['[::1]:8181', { host: '::1', port: 8181 }],
    ['[FE80::1]:80', { host: 'fe80::1', port: 80 }],
  ])('%s', (address, parsed) => {
    expect(parseHttpAddress(address)).toEqual(parsed);
    expect(formatHttpAddress(parsed)).toBe(address.toLowerCase());
  });

  it.each([
    ['localhost', 'address localhost: missing port in address'],
    ['::1:80', 'address ::1:80: too many colons in address'],
    ['[::1]', 'address [::1]: missing port in address'],
    ['[::1', "address [::1: missing ']' in address"],
    ['[::1]x:80', 'address [::1]x:80: too many colons in address'],
    [':http', 'address :http: invalid port "http"'],
    [':70000', 'address :70000: invalid port "70000"'],
    [':', 'address :: invalid port ""'],
  ])('rejects %s', (address, message) => {
    expect(() => parseHttpAddress(address)).toThrow(HttpAddressError);
    expect(() => parseHttpAddress(address)).toThrow(message);
  });
});

describe('HttpEndpoints', () => {
  const endpoints = new HttpEndpoints();
  const owners: [string, string, object][] = [];
  const attach = async (path: string, owner: object, body: string, address = ADDR): Promise<void> => {
    owners.push([address, path, owner]);
    await endpoints.attach(address, path, owner, text(body));
  };
  afterEach(async () => {
    for (const [address, path, owner] of owners.splice(0)) await endpoints.detach(address, path, owner);
  });

  it('serves each attached path on one listener and 404 elsewhere, as Go does', async () => {
    await attach('/health', {}, 'OK');
    await attach('/ready', {}, 'ready');
    expect(await get(endpoints, '/health')).toEqual({ status: 200, body: 'OK' });
    expect(await get(endpoints, '/health?verbose=1')).toEqual({ status: 200, body: 'OK' });
    expect(await get(endpoints, '/ready')).toEqual({ status: 200, body: 'ready' });
    expect(await get(endpoints, '/health/')).toEqual({ status: 404, body: '404 page not found\n' });
    expect(await get(endpoints, '/')).toEqual({ status: 404, body: '404 page not found\n' });
  });

  it('lets the newest attachment answer, and the previous one again once it detaches (a reload)', async () => {
    const old = {};
    const next = {};
    await attach('/metrics', old, 'old');
    const port = endpoints.boundAddress(ADDR)?.port;
    await attach('/metrics', next, 'new');
    expect(endpoints.boundAddress(ADDR)?.port).toBe(port);
    expect((await get(endpoints, '/metrics')).body).toBe('new');
    await endpoints.detach(ADDR, '/metrics', next);
    expect((await get(endpoints, '/metrics')).body).toBe('old');
    await attach('/metrics', next, 'new');
    await endpoints.detach(ADDR, '/metrics', old);
    expect((await get(endpoints, '/metrics')).body).toBe('new');
    expect(endpoints.boundAddress(ADDR)?.port).toBe(port);
  });

  it('closes the listener when its last handler detaches', async () => {
    const owner = {};
    await endpoints.attach(ADDR, '/x', owner, text('x'));
    const port = endpoints.boundAddress(ADDR)?.port as number;
    await endpoints.detach(ADDR, '/x', owner);
    expect(endpoints.boundAddress(ADDR)).toBeUndefined();
    await expect(fetch(`http://127.0.0.1:${port}/x`)).rejects.toThrow();
  });

  it("reports a port in use in Go's words and can be attached again later", async () => {
    const blocker = createServer();
    await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', r));
    const port = (blocker.address() as import('node:net').AddressInfo).port;
    const address = `127.0.0.1:${port}`;
    await expect(endpoints.attach(address, '/health', {}, text('OK'))).rejects.toThrow(
      `listen tcp 127.0.0.1:${port}: bind: address already in use`,
    );
    expect(endpoints.boundAddress(address)).toBeUndefined();
    await new Promise<void>((r) => blocker.close(() => r()));
    await attach('/health', {}, 'OK', address);
    expect((await fetch(`http://127.0.0.1:${port}/health`)).status).toBe(200);
  });

  it('answers 500 when a handler throws', async () => {
    const owner = {};
    owners.push([ADDR, '/boom', owner]);
    await endpoints.attach(ADDR, '/boom', owner, () => {
      throw new Error('broken');
    });
    expect(await get(endpoints, '/boom')).toEqual({ status: 500, body: 'broken\n' });
  });

  it('rejects a malformed address', async () => {
    await expect(endpoints.attach('localhost', '/x', {}, text('x'))).rejects.toThrow(HttpAddressError);
  });
});
