// autopath in a running server, in front of the file plugin, asked by the harness client and dig.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  Rcode,
  definePlugin,
  getRcode,
  metricsText,
  nextOrFailure,
  type AutoPathSource,
  type Handler,
  type Message,
  type Request,
  type ResponseWriter,
} from '@tsdns/core';
import file from '@tsdns/plugin-file';
import { dig, hasTool, parseExposition, startTestServer, type TestServer } from '@tsdns/testing';
import autopath from './index.js';

const dir = mkdtempSync(join(tmpdir(), 'autopath-it-'));
const resolvConf = join(dir, 'resolv.conf');
writeFileSync(
  resolvConf,
  'nameserver 10.96.0.10\nsearch default.svc.cluster.local svc.cluster.local cluster.local example.net\noptions ndots:5\n',
);

/** The names the rest of the chain knows, in a root zone: anything else is NXDOMAIN. */
writeFileSync(
  join(dir, 'root.db'),
  `$TTL 30
.                               IN SOA ns.test. hostmaster.test. 1 7200 3600 1209600 30
.                               IN NS  ns.test.
web.default.svc.cluster.local.  IN A   10.96.0.10
db.other.svc.cluster.local.     IN A   10.96.0.20
www.example.com.                IN A   192.0.2.7
app.example.net.                IN A   192.0.2.8
`,
);
const FILE = `file ${join(dir, 'root.db')}`;

/** A plugin that knows every client's search path: a pod in namespace "other". */
class PodSearchPaths implements Handler, AutoPathSource {
  readonly name = 'podpaths';
  next: Handler | undefined;
  asked = 0;
  serveDNS(req: Request, w: ResponseWriter): number | Promise<number> {
    return nextOrFailure(this.name, this.next, req, w);
  }
  autoPath(req: Request): readonly string[] | undefined {
    this.asked++;
    return req.ip === '127.0.0.1'
      ? ['other.svc.cluster.local.', 'svc.cluster.local.', 'cluster.local.', '']
      : undefined;
  }
}
const podPaths = new PodSearchPaths();
const podpathsPlugin = definePlugin({
  name: 'podpaths',
  setup(c) {
    while (c.next());
    c.addHandler((next) => {
      podPaths.next = next;
      return podPaths;
    });
  },
});

function answers(msg: Message): [string, string, unknown][] {
  return msg.answers.map((rr) => [rr.name, rr.type, 'data' in rr ? rr.data : undefined]);
}

describe('autopath RESOLV-CONF through the server', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({
      corefile: ([port]) => `.:${port} {\n    autopath ${resolvConf}\n    ${FILE}\n}\n`,
      plugins: [autopath, file],
    });
  });
  afterAll(() => server.stop());

  it('answers the first step of a search for an outside name with the CNAME of example 6-27', async () => {
    const reply = await server.query('www.example.com.default.svc.cluster.local.', 'A');
    expect(getRcode(reply)).toBe(Rcode.NOERROR);
    expect(answers(reply)).toEqual([
      ['www.example.com.default.svc.cluster.local.', 'CNAME', 'www.example.com.'],
      ['www.example.com.', 'A', '192.0.2.7'],
    ]);
  });

  it('finds a service of another namespace and a name under the node domain', async () => {
    expect(answers(await server.query('db.other.default.svc.cluster.local.', 'A'))).toEqual([
      ['db.other.default.svc.cluster.local.', 'CNAME', 'db.other.svc.cluster.local.'],
      ['db.other.svc.cluster.local.', 'A', '10.96.0.20'],
    ]);
    expect(answers(await server.query('app.default.svc.cluster.local.', 'A'))[0]).toEqual([
      'app.default.svc.cluster.local.',
      'CNAME',
      'app.example.net.',
    ]);
  });

  it('gives NXDOMAIN for a name no step finds, and leaves other names alone', async () => {
    expect(getRcode(await server.query('nothing.default.svc.cluster.local.', 'A'))).toBe(Rcode.NXDOMAIN);
    expect(answers(await server.query('www.example.com.', 'A'))).toEqual([
      ['www.example.com.', 'A', '192.0.2.7'],
    ]);
  });

  it('counts its successes for the prometheus plugin', async () => {
    await server.query('www.example.com.default.svc.cluster.local.', 'A');
    const scrape = parseExposition(await metricsText());
    // The three walks above that found an answer, and this one.
    expect(scrape.value('coredns_autopath_success_total', { server: `dns://:${server.port}` })).toBe(4);
  });

  it.skipIf(!hasTool('dig'))('lets dig +search stop at its first try', async () => {
    const r = await dig(['+domain=default.svc.cluster.local', '+ndots=5', 'www.example.com', 'A'], {
      target: server.target,
    });
    expect(r.status).toBe('NOERROR');
    expect(r.question[0].name).toBe('www.example.com.default.svc.cluster.local.');
    expect(r.answer.map((a) => [a.name, a.type, a.rdata])).toEqual([
      ['www.example.com.default.svc.cluster.local.', 'CNAME', 'www.example.com.'],
      ['www.example.com.', 'A', '192.0.2.7'],
    ]);
  });
});

describe('autopath @plugin through the server', () => {
  it('asks the named plugin for each client search path', async () => {
    const server = await startTestServer({
      corefile: ([port]) => `.:${port} {\n    podpaths\n    autopath @podpaths\n    ${FILE}\n}\n`,
      plugins: [podpathsPlugin, autopath, file],
    });
    try {
      const before = podPaths.asked;
      expect(answers(await server.query('www.example.com.other.svc.cluster.local.', 'A'))).toEqual([
        ['www.example.com.other.svc.cluster.local.', 'CNAME', 'www.example.com.'],
        ['www.example.com.', 'A', '192.0.2.7'],
      ]);
      // The node domain is not in this client's path.
      expect(getRcode(await server.query('app.other.svc.cluster.local.', 'A'))).toBe(Rcode.NXDOMAIN);
      expect(podPaths.asked - before).toBe(2);
    } finally {
      await server.stop();
    }
  });

  it('warns and passes queries on when the named plugin is not in the block', async () => {
    const server = await startTestServer({
      corefile: ([port]) => `.:${port} {\n    autopath @kubernetes\n    ${FILE}\n}\n`,
      plugins: [autopath, file],
      captureLogs: true,
    });
    try {
      expect(server.logs.join('\n')).toMatch(
        /\[WARNING\] plugin\/autopath: no kubernetes plugin in the server block of \.: search paths are not completed/,
      );
      expect(getRcode(await server.query('www.example.com.default.svc.cluster.local.', 'A'))).toBe(
        Rcode.NXDOMAIN,
      );
    } finally {
      await server.stop();
    }
  });

  it('refuses to start when the named plugin cannot give search paths', async () => {
    await expect(
      startTestServer({
        corefile: ([port]) => `.:${port} {\n    autopath @file\n    ${FILE}\n}\n`,
        plugins: [autopath, file],
      }),
    ).rejects.toThrow(/file does not implement the AutoPather interface/);
  });
});
