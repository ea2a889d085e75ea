import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '@tsdns/testing';
import ready from './index.js';
import { answerPlugin, gate, gate2, lingerPlugin, switches } from './test-support/plugins.js';

const plugins = [ready, lingerPlugin, gate, gate2, answerPlugin];
const servers: TestServer[] = [];
beforeEach(() => switches.clear());
afterEach(async () => {
  for (const s of servers.splice(0)) await s.stop().catch(() => undefined);
});

async function start(corefile: (ports: readonly number[]) => string, portCount = 2): Promise<TestServer> {
  const s = await startTestServer({ corefile, plugins, portCount, captureLogs: true });
  servers.push(s);
  return s;
}

async function get(port: number): Promise<{ status: number; body: string }> {
  const res = await fetch(`http://127.0.0.1:${port}/ready`);
  return { status: res.status, body: await res.text() };
}

describe('ready over HTTP', () => {
  it('answers 200 OK when no plugin needs time', async () => {
    const s = await start(([dns, http]) => `.:${dns} {\n  ready 127.0.0.1:${http}\n  answer\n}\n`);
    expect(await get(s.ports[1])).toEqual({ status: 200, body: 'OK' });
  });

  it('answers 503 naming the plugins not ready, then 200 once they are', async () => {
    const s = await start(
      ([dns, http]) => `.:${dns} {\n  ready 127.0.0.1:${http}\n  gate a\n  gate2 b\n  answer\n}\n`,
    );
    const http = s.ports[1];
    expect(await get(http)).toEqual({ status: 503, body: 'gate,gate2' });
    expect(s.logs).toContain('[INFO] plugin/ready: Plugins not ready: "gate,gate2"');
    switches.set('b', true);
    expect(await get(http)).toEqual({ status: 503, body: 'gate' });
    switches.set('a', true);
    expect(await get(http)).toEqual({ status: 200, body: 'OK' });
    // until-ready: once ready, a plugin is not asked again
    switches.set('a', false);
    expect(await get(http)).toEqual({ status: 200, body: 'OK' });
  });

  it('with monitor continuously, asks again every time', async () => {
    const s = await start(
      ([dns, http]) =>
        `.:${dns} {\n  ready 127.0.0.1:${http} {\n    monitor continuously\n  }\n  gate a\n  answer\n}\n`,
    );
    const http = s.ports[1];
    switches.set('a', true);
    expect(await get(http)).toEqual({ status: 200, body: 'OK' });
    switches.set('a', false);
    expect(await get(http)).toEqual({ status: 503, body: 'gate' });
  });

  it('reports the plugins of every block with ready, on every ready address, once per name', async () => {
    const s = await start(
      ([dns, h1, h2]) =>
        `example.org:${dns} {\n  ready 127.0.0.1:${h1}\n  gate a\n  answer\n}\n` +
        `example.net:${dns} {\n  ready 127.0.0.1:${h2}\n  gate b\n  answer\n}\n` +
        `example.com:${dns} {\n  gate2 c\n  answer\n}\n`,
      3,
    );
    const [, h1, h2] = s.ports;
    expect(await get(h1)).toEqual({ status: 503, body: 'gate' });
    switches.set('a', true);
    expect(await get(h2)).toEqual({ status: 503, body: 'gate' });
    switches.set('b', true);
    // gate2 is in a block without ready: not reported
    expect(await get(h1)).toEqual({ status: 200, body: 'OK' });
    expect(await get(h2)).toEqual({ status: 200, body: 'OK' });
  });

  it("reports the new configuration's plugins after a reload, on the same listener", async () => {
    const s = await start(([dns, http]) => `.:${dns} {\n  ready 127.0.0.1:${http}\n  answer\n}\n`);
    expect(await get(s.ports[1])).toEqual({ status: 200, body: 'OK' });
    await s.reload(([dns, http]) => `.:${dns} {\n  ready 127.0.0.1:${http}\n  gate z\n  answer\n}\n`);
    expect(await get(s.ports[1])).toEqual({ status: 503, body: 'gate' });
    switches.set('z', true);
    expect(await get(s.ports[1])).toEqual({ status: 200, body: 'OK' });
  });

  it('stops answering as soon as the server is asked to stop, before any lameduck', async () => {
    const s = await start(
      ([dns, http]) => `.:${dns} {\n  ready 127.0.0.1:${http}\n  linger 600\n  answer\n}\n`,
    );
    const http = s.ports[1];
    const stopping = s.instance.stop();
    await new Promise((r) => setTimeout(r, 200));
    // DNS still answers during the linger, /ready does not
    expect((await s.query('example.org.', 'A')).flags & 0xf).toBe(0);
    await expect(fetch(`http://127.0.0.1:${http}/ready`)).rejects.toThrow();
    await stopping;
  });
});
