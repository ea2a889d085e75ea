import { afterEach, describe, expect, it } from 'vitest';
import { HttpEndpoints, captureLog, type LogCapture } from '@tsdns/core';
import { startTestServer, waitFor, type TestServer } from '@tsdns/testing';
import health, { HealthEndpoint, healthDuration, healthFailures } from './index.js';
import { answerPlugin } from './test-support/plugins.js';

const plugins = [health, answerPlugin];
const servers: TestServer[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) await s.stop().catch(() => undefined);
});

async function start(corefile: (ports: readonly number[]) => string, portCount = 2): Promise<TestServer> {
  const s = await startTestServer({ corefile, plugins, portCount, captureLogs: true });
  servers.push(s);
  return s;
}

async function get(port: number, path = '/health'): Promise<{ status: number; body: string }> {
  const res = await fetch(`http://127.0.0.1:${port}${path}`);
  return { status: res.status, body: await res.text() };
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

describe('health over HTTP', () => {
  it('answers 200 OK on /health and 404 elsewhere', async () => {
    const s = await start(([dns, http]) => `.:${dns} {\n  health 127.0.0.1:${http}\n  answer\n}\n`);
    expect(await get(s.ports[1])).toEqual({ status: 200, body: 'OK' });
    expect((await get(s.ports[1], '/ready')).status).toBe(404);
  });

  it('serves one endpoint for every block naming the address', async () => {
    const s = await start(
      ([dns, http]) =>
        `example.org:${dns} {\n  health 127.0.0.1:${http}\n  answer\n}\nexample.net:${dns} {\n  health 127.0.0.1:${http}\n  answer\n}\n`,
    );
    expect(await get(s.ports[1])).toEqual({ status: 200, body: 'OK' });
  });

  it('measures itself every second: coredns_health_request_duration_seconds', async () => {
    const before = healthDuration.count;
    await start(([dns, http]) => `.:${dns} {\n  health 127.0.0.1:${http}\n  answer\n}\n`);
    await waitFor(() => healthDuration.count - before >= 2, { timeout: 5000, what: 'two self-checks' });
    expect(healthDuration.sum).toBeGreaterThan(0);
  });

  it('keeps its endpoint through a reload and a failed reload', async () => {
    const corefile = ([dns, http]: readonly number[]) =>
      `.:${dns} {\n  health 127.0.0.1:${http}\n  answer\n}\n`;
    const s = await start(corefile);
    await s.reload(corefile);
    expect(await get(s.ports[1])).toEqual({ status: 200, body: 'OK' });
    await expect(
      s.reload(
        ([dns, http]) => `.:${dns} {\n  health 127.0.0.1:${http} {\n    lameduck 10s\n  }\n  bogus\n}\n`,
      ),
    ).rejects.toThrow(/Unknown directive 'bogus'/);
    expect(await get(s.ports[1])).toEqual({ status: 200, body: 'OK' });
  });

  it('does not sleep a lameduck for a reload that failed after its health started', async () => {
    const s = await start(([dns, http]) => `.:${dns} {\n  health 127.0.0.1:${http}\n  answer\n}\n`, 3);
    const [dns, http, other] = s.ports;
    // the new health starts on another address, then the DNS listener fails to bind
    const { createSocket } = await import('node:dgram');
    const blocker = createSocket('udp4');
    const { freePorts } = await import('@tsdns/testing');
    const [busy] = await freePorts(1);
    await new Promise<void>((r) => blocker.bind(busy, r));
    try {
      const t = performance.now();
      await expect(
        s.reload(
          () =>
            `.:${dns} {\n  health 127.0.0.1:${http}\n  answer\n}\n` +
            `example.org:${busy} {\n  health 127.0.0.1:${other} {\n    lameduck 5s\n  }\n  answer\n}\n`,
        ),
      ).rejects.toThrow(/address already in use/);
      expect(performance.now() - t).toBeLessThan(2000);
      await expect(fetch(`http://127.0.0.1:${other}/health`)).rejects.toThrow();
      expect(await get(http)).toEqual({ status: 200, body: 'OK' });
    } finally {
      blocker.close();
    }
  });

  it('in lameduck keeps answering /health and DNS for the duration, then closes', async () => {
    const s = await start(
      ([dns, http]) => `.:${dns} {\n  health 127.0.0.1:${http} {\n    lameduck 700ms\n  }\n  answer\n}\n`,
    );
    const [, http] = s.ports;
    const t = performance.now();
    const stopping = s.instance.stop();
    await sleep(300);
    expect(await get(http)).toEqual({ status: 200, body: 'OK' });
    expect((await s.query('example.org.', 'A')).flags & 0xf).toBe(0);
    expect(s.logs).toContain('[INFO] plugin/health: Going into lameduck mode for 700ms');
    await stopping;
    expect(performance.now() - t).toBeGreaterThanOrEqual(690);
    await expect(fetch(`http://127.0.0.1:${http}/health`)).rejects.toThrow();
  });
});

describe('HealthEndpoint probe', () => {
  let logs: LogCapture;
  afterEach(() => logs.restore());

  it('counts and logs a probe that fails', async () => {
    logs = captureLog();
    const endpoints = new HttpEndpoints();
    const ep = new HealthEndpoint('127.0.0.1:0', endpoints);
    await ep.start();
    const before = healthDuration.count;
    await ep.probe();
    expect(healthDuration.count).toBe(before + 1);
    const failures = healthFailures.value;
    // the listener goes away under the probe's feet
    await endpoints.detach('127.0.0.1:0', '/health', ep);
    await ep.probe();
    expect(healthFailures.value).toBe(failures + 1);
    expect(healthDuration.count).toBe(before + 2);
    expect(
      logs.lines.some((l) =>
        /^\[WARNING\] plugin\/health: Local health request to "http:\/\/127\.0\.0\.1:\d+\/health" failed: /.test(
          l,
        ),
      ),
    ).toBe(true);
    await ep.stop();
  });
});
