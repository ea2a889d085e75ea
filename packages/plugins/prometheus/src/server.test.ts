import { gunzipSync } from 'node:zlib';
import { request } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { CORE_VERSION, type Message } from '@tsdns/core';
import { parseExposition, startTestServer, type Exposition, type TestServer } from '@tsdns/testing';
import prometheus from './index.js';
import { listenPlugin, passPlugin, respondPlugin } from './test-support/plugins.js';

const plugins = [listenPlugin, prometheus, passPlugin, respondPlugin];

async function scrape(port: number, path = '/metrics'): Promise<Exposition> {
  const res = await fetch(`http://127.0.0.1:${port}${path}`);
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8');
  return parseExposition(await res.text());
}

function rcodeOf(m: Message): number {
  return m.flags & 0xf;
}

const servers: TestServer[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) await s.stop();
});

async function start(corefile: (ports: readonly number[]) => string, portCount = 2): Promise<TestServer> {
  const s = await startTestServer({ corefile, plugins, portCount });
  servers.push(s);
  return s;
}

describe('prometheus: the server metrics over HTTP', () => {
  it('counts requests, responses by rcode and plugin, durations and sizes after real queries', async () => {
    const s = await start(
      ([dns, http]) => `example.org:${dns} {\n  prometheus 127.0.0.1:${http}\n  pass\n  respond\n}\n`,
    );
    const [dns, http] = s.ports;
    const server = `dns://:${dns}`;
    const zone = 'example.org.';
    expect(rcodeOf(await s.query('www.example.org.', 'A'))).toBe(0);
    expect(rcodeOf(await s.query('www.example.org.', 'A', { transport: 'tcp' }))).toBe(0);
    expect(rcodeOf(await s.query('nxdomain.example.org.', 'AAAA', { do: true }))).toBe(3);
    expect(rcodeOf(await s.query('servfail.example.org.', 'NAPTR'))).toBe(2);
    expect(rcodeOf(await s.query('throw.example.org.', 'TXT'))).toBe(5);

    const m = await scrape(http);
    const base = { server, zone, view: '' };
    expect(m.families.get('coredns_dns_requests_total')?.type).toBe('counter');
    expect(m.value('coredns_dns_requests_total', { ...base, proto: 'udp', family: '1', type: 'A' })).toBe(1);
    expect(m.value('coredns_dns_requests_total', { ...base, proto: 'tcp', family: '1', type: 'A' })).toBe(1);
    expect(m.value('coredns_dns_requests_total', { ...base, proto: 'udp', type: 'AAAA' })).toBe(1);
    expect(m.value('coredns_dns_requests_total', { ...base, proto: 'udp', type: 'other' })).toBe(1);
    expect(m.value('coredns_dns_requests_total', { ...base, proto: 'udp', type: 'TXT' })).toBe(1);

    // the plugin label names who wrote: respond, not pass; nobody for what the server wrote
    expect(m.value('coredns_dns_responses_total', { ...base, rcode: 'NOERROR', plugin: 'respond' })).toBe(2);
    expect(m.value('coredns_dns_responses_total', { ...base, rcode: 'NXDOMAIN', plugin: 'respond' })).toBe(1);
    expect(m.value('coredns_dns_responses_total', { ...base, rcode: 'SERVFAIL', plugin: '' })).toBe(1);
    expect(m.value('coredns_dns_responses_total', { ...base, rcode: 'REFUSED', plugin: '' })).toBe(1);
    expect(m.sum('coredns_dns_responses_total', { server })).toBe(5);

    expect(m.value('coredns_dns_do_requests_total', base)).toBe(1);

    expect(m.families.get('coredns_dns_request_duration_seconds')?.type).toBe('histogram');
    const les = m.find('coredns_dns_request_duration_seconds_bucket', base).map((x) => x.labels.le);
    expect(les).toEqual([
      '0.00025',
      '0.0005',
      '0.001',
      '0.002',
      '0.004',
      '0.008',
      '0.016',
      '0.032',
      '0.064',
      '0.128',
      '0.256',
      '0.512',
      '1.024',
      '2.048',
      '4.096',
      '8.192',
      '+Inf',
    ]);
    expect(m.value('coredns_dns_request_duration_seconds_count', base)).toBe(5);
    expect(m.value('coredns_dns_request_duration_seconds_bucket', { ...base, le: '+Inf' })).toBe(5);
    expect(m.value('coredns_dns_request_duration_seconds_bucket', { ...base, le: '8.192' })).toBe(5);
    expect(m.value('coredns_dns_request_duration_seconds_sum', base)).toBeGreaterThan(0);

    expect(m.value('coredns_dns_request_size_bytes_count', { ...base, proto: 'udp' })).toBe(4);
    expect(m.value('coredns_dns_request_size_bytes_count', { ...base, proto: 'tcp' })).toBe(1);
    // a query of ~30-60 bytes lands in the 100 bucket, not the 0 bucket
    expect(m.value('coredns_dns_request_size_bytes_bucket', { ...base, proto: 'udp', le: '0' })).toBe(0);
    expect(m.value('coredns_dns_request_size_bytes_bucket', { ...base, proto: 'udp', le: '100' })).toBe(4);
    // what the plugins wrote (3 over UDP) has a size; what the server wrote counts as 0, as in CoreDNS
    expect(m.value('coredns_dns_response_size_bytes_count', { ...base, proto: 'udp' })).toBe(4);
    expect(m.value('coredns_dns_response_size_bytes_bucket', { ...base, proto: 'udp', le: '0' })).toBe(2);
    expect(m.value('coredns_dns_response_size_bytes_sum', { ...base, proto: 'udp' })).toBeGreaterThan(40);
  });

  it('times asynchronous chains from arrival to answer', async () => {
    const s = await start(
      ([dns, http]) => `example.org:${dns} {\n  prometheus 127.0.0.1:${http}\n  respond 30\n}\n`,
    );
    await s.query('a.example.org.', 'A');
    const m = await scrape(s.ports[1]);
    const base = { server: `dns://:${s.ports[0]}`, zone: 'example.org.' };
    expect(m.value('coredns_dns_request_duration_seconds_bucket', { ...base, le: '0.016' })).toBe(0);
    expect(m.value('coredns_dns_request_duration_seconds_bucket', { ...base, le: '0.064' })).toBe(1);
    expect(m.value('coredns_dns_request_duration_seconds_sum', base)).toBeGreaterThanOrEqual(0.029);
  });

  it('exports plugin_enabled, build_info, panics and the process metrics', async () => {
    const s = await start(
      ([dns, http]) =>
        `example.org:${dns} {\n  listen 127.0.0.1\n  prometheus 127.0.0.1:${http}\n  pass\n  respond\n}\n`,
    );
    const m = await scrape(s.ports[1]);
    const server = `dns://127.0.0.1:${s.ports[0]}`;
    for (const name of ['prometheus', 'pass', 'respond']) {
      expect(m.value('coredns_plugin_enabled', { server, zone: 'example.org.', view: '', name })).toBe(1);
    }
    expect(
      m.value('coredns_build_info', { version: CORE_VERSION, revision: '', goversion: process.version }),
    ).toBe(1);
    expect(m.families.get('coredns_panics_total')?.type).toBe('counter');
    expect(m.value('coredns_panics_total')).toBeGreaterThanOrEqual(0);
    for (const name of [
      'process_cpu_seconds_total',
      'process_resident_memory_bytes',
      'process_open_fds',
      'process_start_time_seconds',
    ]) {
      expect(m.families.has(name), name).toBe(true);
    }
    expect(m.families.has('nodejs_eventloop_lag_seconds')).toBe(true);
  }, 20_000);

  it('answers 404 off /metrics and gzips for scrapers that accept it', async () => {
    const s = await start(
      ([dns, http]) => `example.org:${dns} {\n  prometheus 127.0.0.1:${http}\n  respond\n}\n`,
    );
    const http = s.ports[1];
    const res = await fetch(`http://127.0.0.1:${http}/`);
    expect(res.status).toBe(404);
    expect(await res.text()).toBe('404 page not found\n');
    const gz = await new Promise<{ encoding?: string; body: Buffer }>((resolve, reject) => {
      request(
        { host: '127.0.0.1', port: http, path: '/metrics', headers: { 'Accept-Encoding': 'gzip' } },
        (r) => {
          const chunks: Buffer[] = [];
          r.on('data', (c: Buffer) => chunks.push(c));
          r.on('end', () =>
            resolve({ encoding: r.headers['content-encoding'], body: Buffer.concat(chunks) }),
          );
        },
      )
        .on('error', reject)
        .end();
    });
    expect(gz.encoding).toBe('gzip');
    expect(parseExposition(gunzipSync(gz.body).toString('utf8')).families.has('coredns_build_info')).toBe(
      true,
    );
  });

  it('counts a panic once, as a SERVFAIL the server wrote under the zone "dropped"', async () => {
    const s = await start(
      ([dns, http]) => `example.org:${dns} {\n  prometheus 127.0.0.1:${http}\n  respond\n}\n`,
    );
    const before = (await scrape(s.ports[1])).value('coredns_panics_total') ?? 0;
    expect(rcodeOf(await s.query('panic.example.org.', 'A'))).toBe(2);
    const m = await scrape(s.ports[1]);
    const server = `dns://:${s.ports[0]}`;
    expect(m.value('coredns_panics_total')).toBe(before + 1);
    expect(m.value('coredns_dns_responses_total', { server, zone: 'dropped', rcode: 'SERVFAIL' })).toBe(1);
    expect(m.find('coredns_dns_requests_total', { server, zone: 'example.org.' })).toEqual([]);
  });
});

describe('prometheus: one endpoint per address', () => {
  it('is shared by the blocks that name the same address, each block with its zone label', async () => {
    const s = await start(
      ([dns, http]) =>
        `example.org:${dns} {\n  prometheus 127.0.0.1:${http}\n  respond\n}\n` +
        `example.net:${dns} {\n  prometheus 127.0.0.1:${http}\n  respond\n}\n`,
    );
    await s.query('a.example.org.', 'A');
    await s.query('a.example.net.', 'A');
    await s.query('b.example.net.', 'A');
    const m = await scrape(s.ports[1]);
    const server = `dns://:${s.ports[0]}`;
    expect(m.value('coredns_dns_requests_total', { server, zone: 'example.org.', type: 'A' })).toBe(1);
    expect(m.value('coredns_dns_requests_total', { server, zone: 'example.net.', type: 'A' })).toBe(2);
  });

  it('serves the same registry on every address named', async () => {
    const s = await start(
      ([dns, h1, h2]) =>
        `example.org:${dns} {\n  prometheus 127.0.0.1:${h1}\n  respond\n}\n` +
        `example.net:${dns} {\n  prometheus 127.0.0.1:${h2}\n  respond\n}\n`,
      3,
    );
    await s.query('a.example.net.', 'A');
    const server = `dns://:${s.ports[0]}`;
    for (const http of [s.ports[1], s.ports[2]]) {
      expect((await scrape(http)).value('coredns_dns_requests_total', { server, zone: 'example.net.' })).toBe(
        1,
      );
    }
  });

  it('keeps its listener and its counters across a reload, and goes when a reload drops it', async () => {
    const corefile =
      (answer: string) =>
      ([dns, http]: readonly number[]) =>
        `example.org:${dns} {\n  prometheus 127.0.0.1:${http}\n  ${answer}\n}\n`;
    const s = await start(corefile('respond'));
    const [dns, http] = s.ports;
    await s.query('a.example.org.', 'A');

    // scrape continuously while reloading: the endpoint never refuses a connection
    let scrapes = 0;
    let failures = 0;
    let reloading = true;
    const hammer = (async () => {
      while (reloading) {
        try {
          await scrape(http);
          scrapes++;
        } catch {
          failures++;
        }
      }
    })();
    await s.reload(corefile('pass\n  respond'));
    reloading = false;
    await hammer;
    expect(failures).toBe(0);
    expect(scrapes).toBeGreaterThan(0);

    await s.query('b.example.org.', 'A');
    const m = await scrape(http);
    const base = { server: `dns://:${dns}`, zone: 'example.org.', view: '' };
    expect(m.value('coredns_dns_requests_total', { ...base, type: 'A' })).toBe(2);
    // plugin_enabled follows the running configuration
    expect(m.value('coredns_plugin_enabled', { ...base, name: 'pass' })).toBe(1);

    await s.reload(([p]) => `example.org:${p} {\n  respond\n}\n`);
    await expect(fetch(`http://127.0.0.1:${http}/metrics`)).rejects.toThrow();
  });

  it("keeps serving the old instance's metrics when a reload fails", async () => {
    const s = await start(
      ([dns, http]) => `example.org:${dns} {\n  prometheus 127.0.0.1:${http}\n  respond\n}\n`,
    );
    const http = s.ports[1];
    await expect(
      s.reload(([dns, h]) => `example.org:${dns} {\n  prometheus 127.0.0.1:${h}\n  nosuchplugin\n}\n`),
    ).rejects.toThrow();
    const m = await scrape(http);
    expect(m.value('coredns_plugin_enabled', { server: `dns://:${s.ports[0]}`, name: 'respond' })).toBe(1);
  });
});
