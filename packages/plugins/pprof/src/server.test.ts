import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { definePlugin, type PluginDefinition } from '@tsdns/core';
import { startTestServer, type TestServer } from '@tsdns/testing';
import pprof from './index.js';

/** Something to answer queries with while the profiler watches. */
const answer = definePlugin({
  name: 'answer',
  setup(c) {
    while (c.next());
    c.addHandler(() => ({
      name: 'answer',
      serveDNS(req, w) {
        w.write(req.reply());
        return 0;
      },
    }));
  },
});

const plugins: PluginDefinition[] = [pprof, answer];

interface Response {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

function get(port: number, path: string, method = 'GET'): Promise<Response> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, method, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () =>
        resolve({
          status: res.statusCode ?? 0,
          headers: res.headers,
          body: Buffer.concat(chunks).toString('utf8'),
        }),
      );
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

describe('pprof through the server', () => {
  let server: TestServer;
  let port: number;

  beforeAll(async () => {
    server = await startTestServer({
      corefile: ([dns, http]) => `.:${dns} {\n  pprof 127.0.0.1:${http}\n  answer\n}\n`,
      portCount: 2,
      plugins,
    });
    port = server.ports[1];
  });
  afterAll(() => server.stop());

  it('lists the profiles at /debug/pprof/', async () => {
    const r = await get(port, '/debug/pprof/');
    expect(r.status).toBe(200);
    expect(r.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(r.body).toContain('href="profile?seconds=30"');
    expect(r.body).toContain('href="heap"');
  });

  it('takes a CPU profile over the seconds asked for, in the .cpuprofile format', async () => {
    const started = Date.now();
    const pending = get(port, '/debug/pprof/profile?seconds=1');
    // Some work for the profiler to see, through the server.
    for (let i = 0; i < 50; i++) await server.query(`q${i}.example.`, 'A');
    const r = await pending;
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
    expect(r.status).toBe(200);
    expect(r.headers['content-type']).toBe('application/json');
    expect(r.headers['content-disposition']).toBe('attachment; filename="profile.cpuprofile"');
    const profile = JSON.parse(r.body) as {
      nodes: { id: number; callFrame: { functionName: string; url: string }; children?: number[] }[];
      startTime: number;
      endTime: number;
      samples: number[];
      timeDeltas: number[];
    };
    expect(profile.nodes.length).toBeGreaterThan(1);
    expect(profile.nodes[0].callFrame.functionName).toBe('(root)');
    // Microseconds: about one second long.
    expect(profile.endTime - profile.startTime).toBeGreaterThan(900_000);
    expect(profile.samples.length).toBe(profile.timeDeltas.length);
    const ids = new Set(profile.nodes.map((n) => n.id));
    expect(profile.samples.every((s) => ids.has(s))).toBe(true);
  });

  it('refuses a second CPU profile while one runs', async () => {
    const first = get(port, '/debug/pprof/profile?seconds=1');
    await new Promise((r) => setTimeout(r, 100));
    const second = await get(port, '/debug/pprof/profile?seconds=1');
    expect(second.status).toBe(409);
    expect(second.body).toBe('a CPU profile is already being taken\n');
    expect((await first).status).toBe(200);
  });

  it.each(['0', '-1', 'abc', '3601', '1.5'])('rejects seconds=%s', async (s) => {
    const r = await get(port, `/debug/pprof/profile?seconds=${s}`);
    expect(r.status).toBe(400);
    expect(r.body).toMatch(/^seconds must be a whole number from 1 to 3600/);
  });

  it('writes a heap snapshot in the .heapsnapshot format', async () => {
    const r = await get(port, '/debug/pprof/heap');
    expect(r.status).toBe(200);
    expect(r.headers['content-disposition']).toBe('attachment; filename="heap.heapsnapshot"');
    const snapshot = JSON.parse(r.body) as {
      snapshot: { meta: { node_fields: string[] }; node_count: number };
      nodes: number[];
      strings: string[];
    };
    expect(snapshot.snapshot.meta.node_fields).toContain('name');
    expect(snapshot.nodes.length).toBe(
      snapshot.snapshot.node_count * snapshot.snapshot.meta.node_fields.length,
    );
    expect(snapshot.strings).toContain('Request');
  });

  it('answers 405 to other methods and 404 elsewhere', async () => {
    expect((await get(port, '/debug/pprof/heap', 'POST')).status).toBe(405);
    expect((await get(port, '/debug/pprof/goroutine')).status).toBe(404);
    expect((await get(port, '/')).status).toBe(404);
  });
});

describe('pprof across reloads', () => {
  it('keeps serving on the same address after a reload and stops with the server', async () => {
    const server = await startTestServer({
      corefile: ([dns, http]) => `.:${dns} {\n  pprof 127.0.0.1:${http}\n  answer\n}\n`,
      portCount: 2,
      plugins,
    });
    const port = server.ports[1];
    try {
      await server.reload(([dns, http]) => `.:${dns} {\n  pprof 127.0.0.1:${http}\n  answer\n}\n`);
      expect((await get(port, '/debug/pprof/')).status).toBe(200);
    } finally {
      await server.stop();
    }
    await expect(get(port, '/debug/pprof/')).rejects.toThrow(/ECONNREFUSED/);
  });
});
