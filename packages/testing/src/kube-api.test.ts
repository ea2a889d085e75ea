import { afterEach, describe, expect, it } from 'vitest';
import { FakeKubeApi } from './kube-api.js';

const svc = (ns: string, name: string, labels: Record<string, string> = {}) => ({
  apiVersion: 'v1',
  kind: 'Service',
  metadata: { name, namespace: ns, labels },
  spec: { clusterIP: '10.0.0.1', ports: [{ name: 'http', port: 80, protocol: 'TCP' }] },
});

interface Event {
  type: string;
  object: { metadata: { name?: string; resourceVersion?: string }; code?: number };
}

/** Reads watch events from a streaming response until `count` arrived. */
async function readEvents(res: Response, count: number): Promise<Event[]> {
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  const events: Event[] = [];
  let buffered = '';
  while (events.length < count) {
    const { value, done } = await reader.read();
    if (done) break;
    buffered += decoder.decode(value, { stream: true });
    let nl: number;
    while ((nl = buffered.indexOf('\n')) >= 0) {
      events.push(JSON.parse(buffered.slice(0, nl)) as Event);
      buffered = buffered.slice(nl + 1);
    }
  }
  await reader.cancel();
  return events;
}

let api: FakeKubeApi | undefined;
afterEach(async () => {
  await api?.close();
  api = undefined;
});

describe('FakeKubeApi lists', () => {
  it('lists all namespaces, one namespace and one object with resource versions', async () => {
    api = await FakeKubeApi.start();
    api.create(svc('default', 'a'));
    api.create(svc('kube-system', 'b'));
    const all = (await (await fetch(`${api.url}/api/v1/services`)).json()) as {
      kind: string;
      metadata: { resourceVersion: string };
      items: { metadata: { name: string; resourceVersion: string } }[];
    };
    expect(all.kind).toBe('ServiceList');
    expect(all.items.map((i) => i.metadata.name)).toEqual(['a', 'b']);
    expect(Number(all.metadata.resourceVersion)).toBe(api.store.resourceVersion);
    expect(Number(all.items[1].metadata.resourceVersion)).toBeGreaterThan(
      Number(all.items[0].metadata.resourceVersion),
    );
    const one = (await (await fetch(`${api.url}/api/v1/namespaces/kube-system/services`)).json()) as {
      items: unknown[];
    };
    expect(one.items).toHaveLength(1);
    const item = await fetch(`${api.url}/api/v1/namespaces/default/services/a`);
    expect(((await item.json()) as { kind: string }).kind).toBe('Service');
    const missing = await fetch(`${api.url}/api/v1/namespaces/default/services/zz`);
    expect(missing.status).toBe(404);
    expect(((await missing.json()) as { kind: string; code: number }).code).toBe(404);
  });

  it('pages with limit and continue over one snapshot', async () => {
    api = await FakeKubeApi.start();
    for (let i = 0; i < 5; i++) api.create(svc('default', `s${i}`));
    const first = (await (await fetch(`${api.url}/api/v1/services?limit=2`)).json()) as {
      metadata: { continue: string; resourceVersion: string };
      items: { metadata: { name: string } }[];
    };
    expect(first.items.map((i) => i.metadata.name)).toEqual(['s0', 's1']);
    api.delete(svc('default', 's3'));
    const rest: string[] = [];
    let token = first.metadata.continue;
    while (token !== undefined) {
      const page = (await (await fetch(`${api.url}/api/v1/services?limit=2&continue=${token}`)).json()) as {
        metadata: { continue: string; resourceVersion: string };
        items: { metadata: { name: string } }[];
      };
      expect(page.metadata.resourceVersion).toBe(first.metadata.resourceVersion);
      rest.push(...page.items.map((i) => i.metadata.name));
      token = page.metadata.continue;
    }
    expect(rest).toEqual(['s2', 's3', 's4']);
    const expired = Buffer.from(JSON.stringify({ id: 'gone', offset: 2 })).toString('base64url');
    expect((await fetch(`${api.url}/api/v1/services?continue=${expired}`)).status).toBe(410);
    expect((await fetch(`${api.url}/api/v1/services?continue=%%%`)).status).toBe(400);
  });

  it('filters by label and field selectors and refuses bad ones', async () => {
    api = await FakeKubeApi.start();
    api.create(svc('default', 'web', { app: 'web', env: 'qa' }));
    api.create(svc('default', 'db', { app: 'db' }));
    const q = encodeURIComponent('env in (qa,staging)');
    const sel = (await (await fetch(`${api.url}/api/v1/services?labelSelector=${q}`)).json()) as {
      items: { metadata: { name: string } }[];
    };
    expect(sel.items.map((i) => i.metadata.name)).toEqual(['web']);
    const byName = (await (
      await fetch(`${api.url}/api/v1/services?fieldSelector=metadata.name%3Ddb`)
    ).json()) as {
      items: { metadata: { name: string } }[];
    };
    expect(byName.items.map((i) => i.metadata.name)).toEqual(['db']);
    expect((await fetch(`${api.url}/api/v1/services?labelSelector=a%20in%20(`)).status).toBe(400);
  });

  it('answers 410 for an exact list at a resource version it no longer has', async () => {
    api = await FakeKubeApi.start();
    api.create(svc('default', 'a'));
    const rv = api.store.resourceVersion;
    expect(
      (await fetch(`${api.url}/api/v1/services?resourceVersion=${rv}&resourceVersionMatch=Exact`)).status,
    ).toBe(200);
    api.create(svc('default', 'b'));
    expect(
      (await fetch(`${api.url}/api/v1/services?resourceVersion=${rv}&resourceVersionMatch=Exact`)).status,
    ).toBe(410);
  });
});

describe('FakeKubeApi watches', () => {
  it('streams changes after a resource version, with selectors turning updates into adds and deletes', async () => {
    api = await FakeKubeApi.start();
    api.create(svc('default', 'a', { app: 'x' }));
    const rv = api.store.resourceVersion;
    api.create(svc('default', 'b', { app: 'x' }));
    const res = await fetch(
      `${api.url}/api/v1/services?watch=true&resourceVersion=${rv}&labelSelector=app%3Dx`,
    );
    expect(res.status).toBe(200);
    const reading = readEvents(res, 4);
    await waitFor(() => api!.watchCount === 1);
    api.update(svc('default', 'a', { app: 'y' })); // leaves the selection: DELETED
    api.update(svc('default', 'a', { app: 'x' })); // back: ADDED
    api.delete(svc('default', 'b'));
    const events = await reading;
    expect(events.map((e) => `${e.type} ${e.object.metadata.name}`)).toEqual([
      'ADDED b',
      'DELETED a',
      'ADDED a',
      'DELETED b',
    ]);
  });

  it('starts a watch without a resource version with the current objects', async () => {
    api = await FakeKubeApi.start();
    api.create(svc('default', 'a'));
    const res = await fetch(`${api.url}/api/v1/namespaces/default/services?watch=1`);
    expect((await readEvents(res, 1))[0].type).toBe('ADDED');
  });

  it('sends bookmarks when allowed', async () => {
    api = await FakeKubeApi.start({ bookmarkIntervalMs: 20 });
    api.create(svc('default', 'a'));
    const rv = api.store.resourceVersion;
    const res = await fetch(
      `${api.url}/api/v1/services?watch=true&resourceVersion=${rv}&allowWatchBookmarks=true`,
    );
    const [bookmark] = await readEvents(res, 1);
    expect(bookmark.type).toBe('BOOKMARK');
    expect(bookmark.object.metadata.resourceVersion).toBe(String(rv));
  });

  it('answers a too-old resource version with an ERROR event holding a 410 Status, or HTTP 410', async () => {
    api = await FakeKubeApi.start();
    api.create(svc('default', 'a'));
    const old = api.store.resourceVersion - 1;
    api.compact();
    const res = await fetch(`${api.url}/api/v1/services?watch=true&resourceVersion=${old}`);
    expect(res.status).toBe(200);
    const [ev] = await readEvents(res, 1);
    expect(ev.type).toBe('ERROR');
    expect(ev.object.code).toBe(410);
    await api.close();
    api = await FakeKubeApi.start({ goneAsHttpStatus: true, historyLimit: 1 });
    api.create(svc('default', 'a'));
    api.create(svc('default', 'b'));
    expect((await fetch(`${api.url}/api/v1/services?watch=true&resourceVersion=1`)).status).toBe(410);
  });

  it('ends watches with 410, at timeoutSeconds, and when connections drop', async () => {
    api = await FakeKubeApi.start();
    const rv = api.store.resourceVersion;
    const res = await fetch(`${api.url}/api/v1/services?watch=true&resourceVersion=${rv}`);
    const reading = readEvents(res, 2);
    await waitFor(() => api!.watchCount === 1);
    api.goneWatches();
    expect((await reading).map((e) => e.type)).toEqual(['ERROR']);
    expect(api.watchCount).toBe(0);
    const timed = await fetch(`${api.url}/api/v1/services?watch=true&resourceVersion=${rv}&timeoutSeconds=1`);
    expect(await readEvents(timed, 1)).toEqual([]);
    const dropped = await fetch(`${api.url}/api/v1/services?watch=true&resourceVersion=${rv}`);
    await waitFor(() => api!.watchCount === 1);
    api.dropConnections();
    await expect(readEvents(dropped, 1)).rejects.toThrow();
  });
});

describe('FakeKubeApi authentication and failures', () => {
  it('requires the bearer token when one is set', async () => {
    api = await FakeKubeApi.start({ token: 's3cret' });
    expect((await fetch(`${api.url}/api/v1/services`)).status).toBe(401);
    expect(
      (await fetch(`${api.url}/api/v1/services`, { headers: { Authorization: 'Bearer nope' } })).status,
    ).toBe(401);
    expect(
      (await fetch(`${api.url}/api/v1/services`, { headers: { Authorization: 'Bearer s3cret' } })).status,
    ).toBe(200);
    expect(api.requests.map((r) => r.status)).toEqual([401, 401, 200]);
  });

  it('fails the next requests on demand', async () => {
    api = await FakeKubeApi.start();
    api.failRequests(2, 503);
    expect((await fetch(`${api.url}/api/v1/services`)).status).toBe(503);
    expect((await fetch(`${api.url}/api/v1/services`)).status).toBe(503);
    expect((await fetch(`${api.url}/api/v1/services`)).status).toBe(200);
  });

  it('refuses objects a real server refuses', () => {
    return FakeKubeApi.start().then((a) => {
      api = a;
      a.create(svc('default', 'a'));
      expect(() => a.create(svc('default', 'a'))).toThrow(/already exists/);
      expect(() => a.update(svc('default', 'zz'))).toThrow(/not found/);
      expect(() => a.create({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'x' } })).toThrow(
        /namespace/,
      );
      expect(() => a.create({ apiVersion: 'v9', kind: 'Thing', metadata: { name: 'x' } })).toThrow(
        /no resource/,
      );
    });
  });
});

async function waitFor(cond: () => boolean, ms = 2000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 5));
  }
}
