import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  Flag,
  Rcode,
  definePlugin,
  nextOrFailure,
  type Message,
  type PluginDefinition,
  type Request,
} from '@tsdns/core';
import { startTestServer, type TestServer } from '@tsdns/testing';
import trace from './index.js';
import { SpanCollector, type CollectedSpan } from './test-support/span-collector.js';

/** Passes every query on, after a pause when the name starts with "slow". */
const relay = definePlugin({
  name: 'relay',
  setup(c) {
    while (c.next());
    c.addHandler((next) => ({
      name: 'relay',
      serveDNS(req, w) {
        if (!req.name.startsWith('slow')) return nextOrFailure('relay', next, req, w);
        return new Promise<void>((r) => setTimeout(r, 5)).then(() => nextOrFailure('relay', next, req, w));
      },
    }));
  },
});

/** Answers with a TXT record holding the trace ID metadata; fails for "boom.", refuses "no.". */
const answer = definePlugin({
  name: 'answer',
  setup(c) {
    while (c.next());
    c.addHandler(() => ({
      name: 'answer',
      serveDNS(req: Request, w) {
        if (req.name.startsWith('boom.')) throw new Error('exploded');
        if (req.name.startsWith('no.')) return Rcode.REFUSED;
        const reply = req.reply();
        reply.flags |= Flag.AA;
        const id = req.metadata('trace/traceid') ?? '-';
        reply.answers.push({
          name: req.qname,
          type: 'TXT',
          class: 'IN',
          ttl: 0,
          data: [new TextEncoder().encode(id)],
        });
        w.write(reply);
        return Rcode.NOERROR;
      },
    }));
  },
});

const plugins: PluginDefinition[] = [trace, relay, answer];

function txt(msg: Message): string {
  const rr = msg.answers[0];
  if (rr?.type !== 'TXT') throw new Error('no TXT answer');
  return rr.data.map((b) => new TextDecoder().decode(b)).join('');
}

let collector: SpanCollector;
let server: TestServer | undefined;

beforeEach(async () => {
  collector = await SpanCollector.start();
});

afterEach(async () => {
  await server?.stop();
  server = undefined;
  await collector.stop();
});

async function start(traceLine: string): Promise<TestServer> {
  server = await startTestServer({
    corefile: ([port]) => `example.org:${port} {\n  ${traceLine}\n  relay\n  answer\n}\n`,
    plugins,
    captureLogs: true,
  });
  return server;
}

/** The span tree of one trace as [name, parent's name] pairs, root first. */
function tree(spans: readonly CollectedSpan[]): [string, string | undefined][] {
  const byId = new Map(spans.map((s) => [s.id, s]));
  const depth = (s: CollectedSpan): number =>
    s.parentId === undefined ? 0 : 1 + depth(byId.get(s.parentId) as CollectedSpan);
  return [...spans]
    .sort((a, b) => depth(a) - depth(b))
    .map((s) => [s.name, s.parentId === undefined ? undefined : byId.get(s.parentId)?.name]);
}

describe('trace to Zipkin', () => {
  it('exports a servedns span per query with CoreDNS tags and a child span per plugin', async () => {
    const s = await start(
      `trace http://127.0.0.1:${collector.port}/api/v2/spans {\n    zipkin_max_batch_interval 50ms\n  }`,
    );
    const reply = await s.query('www.example.org.', 'TXT');
    const [root] = await collector.waitFor('servedns', 1);
    await collector.waitFor('answer', 1);
    expect(root).toMatchObject({
      format: 'zipkin',
      kind: 'SERVER',
      serviceName: 'coredns',
      parentId: undefined,
    });
    expect(root.tags).toMatchObject({
      'coredns.io/name': 'www.example.org.',
      'coredns.io/type': 'TXT',
      'coredns.io/proto': 'udp',
      'coredns.io/remote': '127.0.0.1',
      'coredns.io/rcode': 'NOERROR',
    });
    expect(tree(collector.trace(root.traceId))).toEqual([
      ['servedns', undefined],
      ['relay', 'servedns'],
      ['answer', 'relay'],
    ]);
    // trace/traceid metadata is the exported trace's ID.
    expect(txt(reply)).toBe(root.traceId);
    expect(collector.requests[0]).toEqual({ path: '/api/v2/spans', contentType: 'application/json' });
  });

  it('completes HOST:PORT to the Zipkin API URL and nests spans of asynchronous plugins', async () => {
    const s = await start(
      `trace zipkin 127.0.0.1:${collector.port} {\n    zipkin_max_batch_interval 50ms\n  }`,
    );
    await s.query('slow.example.org.', 'A', { transport: 'tcp' });
    const [root] = await collector.waitFor('servedns', 1);
    await collector.waitFor('answer', 1);
    expect(root.tags['coredns.io/proto']).toBe('tcp');
    expect(tree(collector.trace(root.traceId))).toEqual([
      ['servedns', undefined],
      ['relay', 'servedns'],
      ['answer', 'relay'],
    ]);
  });

  it('traces one query in every N, counting from the first', async () => {
    const s = await start(
      `trace http://127.0.0.1:${collector.port}/api/v2/spans {\n    every 3\n    zipkin_max_batch_interval 50ms\n  }`,
    );
    for (let i = 1; i <= 9; i++) await s.query(`q${i}.example.org.`, 'A');
    const roots = await collector.waitFor('servedns', 3);
    await new Promise((r) => setTimeout(r, 200));
    expect(collector.spans.filter((x) => x.name === 'servedns')).toHaveLength(3);
    expect(roots.map((r) => r.tags['coredns.io/name']).sort()).toEqual([
      'q3.example.org.',
      'q6.example.org.',
      'q9.example.org.',
    ]);
  });

  it('marks failures: the rcode the client gets and the error', async () => {
    const s = await start(
      `trace http://127.0.0.1:${collector.port}/api/v2/spans {\n    zipkin_max_batch_interval 50ms\n  }`,
    );
    const failed = await s.query('boom.example.org.', 'A');
    const refused = await s.query('no.example.org.', 'A');
    expect(failed.flags & 0xf).toBe(Rcode.SERVFAIL);
    expect(refused.flags & 0xf).toBe(Rcode.REFUSED);
    const roots = await collector.waitFor('servedns', 2);
    const byName = new Map(roots.map((r) => [r.tags['coredns.io/name'], r]));
    const boom = byName.get('boom.example.org.') as CollectedSpan;
    expect(boom.tags['coredns.io/rcode']).toBe('SERVFAIL');
    expect(boom.tags.error).toBe('exploded');
    expect(byName.get('no.example.org.')?.tags['coredns.io/rcode']).toBe('REFUSED');
    const failedAnswer = (await collector.waitFor('answer', 2)).find((x) => x.traceId === boom.traceId);
    expect(failedAnswer?.tags.error).toBe('exploded');
  });

  it('sends nothing with every 0, and what is held when the server stops', async () => {
    const none = await start(`trace http://127.0.0.1:${collector.port}/api/v2/spans {\n    every 0\n  }`);
    await none.query('a.example.org.', 'A');
    await none.stop();
    server = undefined;
    expect(collector.spans).toEqual([]);

    // A long batch interval: only the shutdown flush can deliver these.
    const s = await start(
      `trace http://127.0.0.1:${collector.port}/api/v2/spans {\n    zipkin_max_batch_interval 1h\n  }`,
    );
    await s.query('b.example.org.', 'A');
    await s.stop();
    server = undefined;
    expect(
      collector.spans.filter((x) => x.name === 'servedns').map((x) => x.tags['coredns.io/name']),
    ).toEqual(['b.example.org.']);
  });
});

describe('trace over OTLP/HTTP', () => {
  it('exports the same spans as OTLP JSON with the service name as a resource attribute', async () => {
    const s = await start(
      `trace otlp 127.0.0.1:${collector.port} {\n    service dnsproxy\n    zipkin_max_batch_interval 50ms\n  }`,
    );
    const reply = await s.query('www.example.org.', 'AAAA');
    const [root] = await collector.waitFor('servedns', 1);
    await collector.waitFor('answer', 1);
    expect(collector.requests[0].path).toBe('/v1/traces');
    expect(collector.requests[0].contentType).toBe('application/json');
    expect(root).toMatchObject({ format: 'otlp', kind: 'SERVER', serviceName: 'dnsproxy' });
    expect(root.tags).toMatchObject({
      'coredns.io/name': 'www.example.org.',
      'coredns.io/type': 'AAAA',
      'coredns.io/rcode': 'NOERROR',
    });
    expect(root.traceId).toBe(txt(reply));
    expect(tree(collector.trace(root.traceId))).toEqual([
      ['servedns', undefined],
      ['relay', 'servedns'],
      ['answer', 'relay'],
    ]);
  });

  it('sets the error status of a failed query', async () => {
    const s = await start(
      `trace otlp http://127.0.0.1:${collector.port}/v1/traces {\n    zipkin_max_batch_interval 50ms\n  }`,
    );
    await s.query('boom.example.org.', 'A');
    const [root] = await collector.waitFor('servedns', 1);
    expect(root.statusCode).toBe(2);
    expect(root.tags['coredns.io/rcode']).toBe('SERVFAIL');
  });
});
