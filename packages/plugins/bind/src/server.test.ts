import { networkInterfaces } from 'node:os';
import { afterEach, describe, expect, it } from 'vitest';
import { Flag, Rcode, definePlugin, type Handler, type PluginDefinition } from '@tsdns/core';
import { query, startTestServer, type TestServer } from '@tsdns/testing';
import bind from './index.js';

/** Answers every query with an empty authoritative NOERROR. */
const responder: PluginDefinition = definePlugin({
  name: 'responder',
  setup(c) {
    while (c.next());
    c.addHandler(
      (): Handler => ({
        name: 'responder',
        serveDNS(req, w) {
          const reply = req.reply();
          reply.flags |= Flag.AA;
          w.write(reply);
          return Rcode.NOERROR;
        },
      }),
    );
  },
});

/** These tests need both loopback addresses on an interface named lo (Linux). */
const loopback = networkInterfaces().lo?.map((i) => i.address) ?? [];
const dualStackLo = loopback.includes('127.0.0.1') && loopback.includes('::1');

let server: TestServer | undefined;
afterEach(async () => {
  await server?.stop();
  server = undefined;
});

function start(directives: string): Promise<TestServer> {
  return startTestServer({
    corefile: ([port]) => `.:${port} {\n  ${directives}\n  responder\n}\n`,
    plugins: [bind, responder],
  }).then((s) => (server = s));
}

/** Whether the server answers on `host` over `transport` (a short timeout: silence is expected). */
async function answersOn(s: TestServer, host: string, transport: 'udp' | 'tcp'): Promise<boolean> {
  try {
    const reply = await query({ host, port: s.port }, 'example.org.', 'A', { transport, timeout: 400 });
    return (reply.flags & 0xf) === Rcode.NOERROR;
  } catch {
    return false;
  }
}

function boundAddresses(s: TestServer): string[] {
  return [...new Set(s.instance.listeners.map((l) => l.address))].sort();
}

describe.skipIf(!dualStackLo)('bind through the server', () => {
  it('listens on 127.0.0.1 only: ::1 gets no answer', async () => {
    const s = await start('bind 127.0.0.1');
    expect(boundAddresses(s)).toEqual(['127.0.0.1']);
    expect(await answersOn(s, '127.0.0.1', 'udp')).toBe(true);
    expect(await answersOn(s, '127.0.0.1', 'tcp')).toBe(true);
    expect(await answersOn(s, '::1', 'udp')).toBe(false);
    expect(await answersOn(s, '::1', 'tcp')).toBe(false);
  });

  it('answers on every local address without bind', async () => {
    const s = await start('');
    expect(await answersOn(s, '127.0.0.1', 'udp')).toBe(true);
    expect(await answersOn(s, '::1', 'udp')).toBe(true);
  });

  it('listens on each address of several bind lines', async () => {
    const s = await start('bind 127.0.0.1\n  bind ::1');
    expect(boundAddresses(s)).toEqual(['127.0.0.1', '::1']);
    expect(await answersOn(s, '::1', 'udp')).toBe(true);
    expect(await answersOn(s, '127.0.0.1', 'tcp')).toBe(true);
  });

  it('binds the addresses of an interface, minus the excepted ones', async () => {
    const s = await start('bind lo {\n    except 127.0.0.1\n  }');
    expect(boundAddresses(s)).toEqual(['::1']);
    expect(await answersOn(s, '::1', 'tcp')).toBe(true);
    expect(await answersOn(s, '127.0.0.1', 'udp')).toBe(false);
  });

  it('refuses an unknown interface, citing the Corefile line', async () => {
    await expect(start('\n  bind no-such-iface0')).rejects.toThrow(
      /Corefile:3 - Error during parsing: not a valid IP address or interface name: 'no-such-iface0'/,
    );
  });
});
