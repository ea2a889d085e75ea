/**
 * The informers at work through a running server: watch events change answers (scaling
 * up and down, a service deleted, a namespace gone), 410 Gone makes a relist, a dropped or
 * refused API server is reconnected with back-off, readiness flips once the first sync is
 * done, and the keys of a server block share one client.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { metricFamily, type Counter, type Histogram } from '@tsdns/core';
import ready from '@tsdns/plugin-ready';
import { endpointSlice, loadCluster, namespace, service } from './test-support/cluster.js';
import { eventually } from '@tsdns/testing';
import { startCluster, type ClusterServer } from './test-support/harness.js';

let c: ClusterServer | undefined;
afterEach(async () => {
  await c?.stop();
  c = undefined;
});

const corefile = (p: number, url: string): string =>
  `.:${p} {\n kubernetes cluster.local {\n endpoint ${url}\n }\n}`;

async function addresses(name: string, type = 'A'): Promise<string[]> {
  return (await c!.q(name, type)).answer.map((r) => r.split(' ').pop()!).sort();
}

describe('watch events', () => {
  it('scales a headless service up and down, deletes services and namespaces', async () => {
    c = await startCluster({ load: loadCluster, corefile });
    const name = 'headless.testns.svc.cluster.local.';
    expect(await addresses(name)).toHaveLength(4);
    const eps = (n: number) =>
      endpointSlice(
        'testns',
        'headless',
        'headless-x1',
        Array.from({ length: n }, (_, i) => ({ ip: `10.244.3.${10 + i}`, hostname: `headless-${i}` })),
        [{ name: 'http', port: 80 }],
      );
    c.api.update(eps(6));
    await eventually(async () => expect(await addresses(name)).toHaveLength(6));
    expect((await c.q('headless-5.headless.testns.svc.cluster.local.', 'A')).answer).toHaveLength(1);
    c.api.update(eps(1));
    await eventually(async () => expect(await addresses(name)).toEqual(['10.244.3.10']));
    expect((await c.q('headless-5.headless.testns.svc.cluster.local.', 'A')).rcode).toBe('NXDOMAIN');
    // A second slice of the same service adds to it.
    c.api.create(
      endpointSlice(
        'testns',
        'headless',
        'headless-x2',
        [{ ip: '10.244.3.99', hostname: 'extra' }],
        [{ name: 'http', port: 80 }],
      ),
    );
    await eventually(async () => expect(await addresses(name)).toEqual(['10.244.3.10', '10.244.3.99']));
    c.api.delete(eps(1));
    await eventually(async () => expect(await addresses(name)).toEqual(['10.244.3.99']));

    c.api.delete(service('default', 'kubernetes'));
    await eventually(async () =>
      expect((await c!.q('kubernetes.default.svc.cluster.local.', 'A')).rcode).toBe('NXDOMAIN'),
    );
    c.api.create(
      service('default', 'kubernetes', { clusterIP: '10.96.0.2', ports: [{ name: 'https', port: 443 }] }),
    );
    await eventually(async () =>
      expect(await addresses('kubernetes.default.svc.cluster.local.')).toEqual(['10.96.0.2']),
    );

    c.api.delete(namespace('testns'));
    await eventually(async () =>
      expect((await c!.q('dual.testns.svc.cluster.local.', 'A')).rcode).toBe('NXDOMAIN'),
    );
    expect((await c.q('testns.svc.cluster.local.', 'A')).rcode).toBe('NXDOMAIN');
  });

  it('moves the SOA serial when answers change and not for changes that do not matter', async () => {
    c = await startCluster({ load: loadCluster, corefile });
    const serial = async () => Number((await c!.q('cluster.local.', 'SOA')).answer[0].split(' ')[5]);
    const before = await serial();
    expect(before).toBeGreaterThan(1_600_000_000);
    // Only a label changes: answers do not, the serial stays.
    c.api.update(
      service('default', 'kubernetes', {
        clusterIP: '10.96.0.1',
        ports: [{ name: 'https', port: 443 }],
        labels: { x: 'y' },
      }),
    );
    await new Promise((r) => setTimeout(r, 1100));
    expect(await serial()).toBe(before);
    c.api.update(
      service('default', 'kubernetes', { clusterIP: '10.96.0.1', ports: [{ name: 'https', port: 8443 }] }),
    );
    await eventually(async () => expect(await serial()).toBeGreaterThan(before));
  });
});

describe('metrics', () => {
  it('observes DNS programming latency for slice changes and counts API requests', async () => {
    c = await startCluster({ load: loadCluster, corefile });
    const latency = metricFamily('coredns_kubernetes_dns_programming_duration_seconds')!;
    const count = (kind: string): number =>
      (latency.series().find((s) => s.values[0] === kind)?.child as Histogram | undefined)?.count ?? 0;
    const before = count('headless_with_selector');
    const triggered = new Date(Date.now() - 1500).toISOString();
    c.api.update(
      endpointSlice(
        'testns',
        'headless',
        'headless-x1',
        [{ ip: '10.244.3.10', hostname: 'headless-0' }],
        [{ name: 'http', port: 80 }],
        {
          annotations: { 'endpoints.kubernetes.io/last-change-trigger-time': triggered },
        },
      ),
    );
    await eventually(() => expect(count('headless_with_selector')).toBe(before + 1));
    const h = latency.series().find((s) => s.values[0] === 'headless_with_selector')!.child as Histogram;
    // The observation is at least the 1.5 s since the trigger.
    expect(h.sum).toBeGreaterThanOrEqual(1.5);
    const requests = metricFamily('coredns_kubernetes_rest_client_requests_total')!;
    const ok = requests
      .series()
      .filter(
        (s) => s.values[0] === '200' && s.values[1] === 'GET' && s.values[2] === `127.0.0.1:${c!.api.port}`,
      )
      .reduce((n, s) => n + (s.child as Counter).value, 0);
    // Three lists and three watches at least.
    expect(ok).toBeGreaterThanOrEqual(6);
  });
});

describe('410 Gone and broken watches', () => {
  it('lists again after a watch ERROR 410, without losing changes made meanwhile', async () => {
    c = await startCluster({ load: loadCluster, corefile });
    await eventually(() => expect(c!.api.watchesOf('services')).toBe(1));
    const lists = () =>
      c!.api.requests.filter((r) => r.path === '/api/v1/services' && r.query.get('watch') === null).length;
    const listsBefore = lists();
    c.api.goneWatches();
    c.api.compact();
    c.api.create(service('default', 'late', { clusterIP: '10.96.9.9', ports: [{ name: 'http', port: 80 }] }));
    await eventually(async () =>
      expect(await addresses('late.default.svc.cluster.local.')).toEqual(['10.96.9.9']),
    );
    expect(lists()).toBeGreaterThan(listsBefore);
    expect(c.server.logs.some((l) => l.includes('expired (410 Gone); listing again'))).toBe(true);
  });

  it('lists again when a resumed watch answers HTTP 410', async () => {
    c = await startCluster({ load: loadCluster, corefile, api: { goneAsHttpStatus: true } });
    await eventually(() => expect(c!.api.watchesOf('endpointslices')).toBe(1));
    // Break the watches and keep them out, change the slice and compact history, so the
    // resume point is too old by the time they come back.
    c.api.failRequests(1_000_000, 503);
    c.api.dropConnections();
    await eventually(() => expect(c!.api.requests.some((r) => r.status === 503)).toBe(true));
    c.api.update(
      endpointSlice(
        'testns',
        'headless',
        'headless-x1',
        [{ ip: '10.244.3.50', hostname: 'only' }],
        [{ name: 'http', port: 80 }],
      ),
    );
    c.api.compact();
    c.api.failRequests(0);
    await eventually(async () =>
      expect(await addresses('headless.testns.svc.cluster.local.')).toEqual(['10.244.3.50']),
    );
    expect(c.api.requests.some((r) => r.status === 410)).toBe(true);
  });

  it('resumes a dropped watch from its resource version (no relist)', async () => {
    c = await startCluster({ load: loadCluster, corefile });
    await eventually(() => expect(c!.api.watchesOf('services')).toBe(1));
    const servicesLists = () =>
      c!.api.requests.filter((r) => r.path === '/api/v1/services' && r.query.get('watch') === null).length;
    const before = servicesLists();
    c.api.dropConnections();
    c.api.create(
      service('default', 'after-drop', { clusterIP: '10.96.8.8', ports: [{ name: 'http', port: 80 }] }),
    );
    await eventually(async () =>
      expect(await addresses('after-drop.default.svc.cluster.local.')).toEqual(['10.96.8.8']),
    );
    expect(servicesLists()).toBe(before);
    const resumed = c.api.requests.filter(
      (r) => r.path === '/api/v1/services' && r.query.get('watch') === 'true',
    );
    expect(resumed.length).toBeGreaterThanOrEqual(2);
    expect(resumed.at(-1)!.query.get('allowWatchBookmarks')).toBe('true');
    expect(Number(resumed.at(-1)!.query.get('resourceVersion'))).toBeGreaterThan(0);
  });

  it('keeps the resume point fresh with bookmarks', async () => {
    c = await startCluster({ load: loadCluster, corefile, api: { bookmarkIntervalMs: 0 } });
    await eventually(() =>
      expect(c!.api.watchesOf('pods') + c!.api.watchesOf('services')).toBeGreaterThan(0),
    );
    // Changes to other resources move the resource version; a bookmark tells the services watch.
    for (let i = 0; i < 5; i++) c.api.create(namespace(`ns-${i}`));
    const rv = c.api.store.resourceVersion;
    c.api.bookmarkWatches();
    await new Promise((r) => setTimeout(r, 100));
    c.api.endWatches();
    await eventually(() => {
      const last = c!.api.requests
        .filter((r) => r.path === '/api/v1/services' && r.query.get('watch') === 'true')
        .at(-1)!;
      expect(Number(last.query.get('resourceVersion'))).toBe(rv);
    });
  });

  it('retries with back-off while the API server fails, then serves', async () => {
    c = await startCluster({
      load: loadCluster,
      corefile: (p, url) =>
        `.:${p} {\n kubernetes cluster.local {\n endpoint ${url}\n startup_timeout 100ms\n }\n}`,
      api: {},
      runtime: { reflector: { backoffInitialMs: 50, backoffMaxMs: 400 } },
    });
    await eventually(() => expect(c!.api.watchCount).toBe(3));
    c.api.failRequests(12, 503);
    c.api.dropConnections();
    await eventually(() =>
      expect(c!.server.logs.some((l) => l.includes('Failed to watch *v1.Service'))).toBe(true),
    );
    c.api.create(
      service('default', 'recovered', { clusterIP: '10.96.6.6', ports: [{ name: 'http', port: 80 }] }),
    );
    await eventually(
      async () => expect(await addresses('recovered.default.svc.cluster.local.')).toEqual(['10.96.6.6']),
      { timeout: 10_000 },
    );
    // Back-off: the failures are spread out (about 50+100+200 ms per reflector), not a burst.
    const failed = c.api.requests.filter((r) => r.status === 503);
    expect(failed).toHaveLength(12);
    expect(failed.at(-1)!.time - failed[0].time).toBeGreaterThanOrEqual(250);
  });
});

describe('readiness and startup', () => {
  it('reports not ready while the API is unreachable, SERVFAIL for names it cannot know, ready after', async () => {
    c = await startCluster({
      load: (api) => {
        loadCluster(api);
        api.failRequests(1_000_000, 503);
      },
      portCount: 2,
      corefile: (p, url, ports) =>
        `.:${p} {\n ready 127.0.0.1:${ports[1]}\n kubernetes cluster.local {\n endpoint ${url}\n startup_timeout 50ms\n }\n}`,
      plugins: (k) => [ready, k],
      runtime: { reflector: { backoffInitialMs: 50, backoffMaxMs: 50 } },
    });
    const readyUrl = `http://127.0.0.1:${c.server.ports[1]}/ready`;
    const notReady = await fetch(readyUrl);
    expect(notReady.status).toBe(503);
    expect(await notReady.text()).toContain('kubernetes');
    expect(c.server.logs).toContain(
      '[WARNING] plugin/kubernetes: starting server with unsynced Kubernetes API',
    );
    expect((await c.q('kubernetes.default.svc.cluster.local.', 'A')).rcode).toBe('SERVFAIL');
    c.api.failRequests(0);
    await eventually(async () => expect((await fetch(readyUrl)).status).toBe(200));
    expect(await addresses('kubernetes.default.svc.cluster.local.')).toEqual(['10.96.0.1']);
  });

  it('shares one client and copy among the keys of a server block', async () => {
    c = await startCluster({
      load: loadCluster,
      corefile: (p, url) =>
        `cluster.local:${p} .:${p} {\n kubernetes cluster.local {\n endpoint ${url}\n }\n}`,
    });
    expect(await addresses('kubernetes.default.svc.cluster.local.')).toEqual(['10.96.0.1']);
    const lists = c.api.requests.filter(
      (r) => r.path === '/api/v1/services' && r.query.get('watch') === null,
    );
    expect(lists).toHaveLength(1);
  });
});
