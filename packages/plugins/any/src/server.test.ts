import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { definePlugin, Rcode, getRcode } from '@tsdns/core';
import { dig, hasTool, kdig, startTestServer, type TestServer } from '@tsdns/testing';
import any from './index.js';

/** Stands for the rest of a chain: answers A queries with one address. */
const address = definePlugin({
  name: 'address',
  setup(c) {
    while (c.next());
    c.addHandler(() => ({
      name: 'address',
      serveDNS(req, w) {
        const reply = req.reply(Rcode.NOERROR);
        if (req.qtype === 'A')
          reply.answers.push({ name: req.qname, type: 'A', class: 'IN', ttl: 60, data: '192.0.2.7' });
        w.write(reply);
        return Rcode.NOERROR;
      },
    }));
  },
});

describe('any through the server', () => {
  let server: TestServer;

  beforeAll(async () => {
    server = await startTestServer({
      corefile: ([port]) => `example.org:${port} {\n  address\n  any\n}\n`,
      plugins: [any, address],
    });
  });
  afterAll(() => server.stop());

  it('answers ANY over UDP and TCP with the HINFO record', async () => {
    for (const transport of ['udp', 'tcp'] as const) {
      const reply = await server.query('Mail.Example.org.', 'ANY', { transport });
      expect(getRcode(reply)).toBe(Rcode.NOERROR);
      expect(reply.answers).toEqual([
        {
          name: 'Mail.Example.org.',
          type: 'HINFO',
          class: 'IN',
          ttl: 8482,
          data: { cpu: 'ANY obsoleted', os: 'See RFC 8482' },
        },
      ]);
    }
  });

  it('lets other queries through to the rest of the chain', async () => {
    const reply = await server.query('www.example.org.', 'A');
    expect(reply.answers).toEqual([
      { name: 'www.example.org.', type: 'A', class: 'IN', ttl: 60, data: '192.0.2.7' },
    ]);
  });

  it.skipIf(!hasTool('dig'))('shows dig the HINFO record', async () => {
    const r = await dig(['example.org', 'ANY'], { target: server.target });
    expect(r.status).toBe('NOERROR');
    expect(r.flags).not.toContain('aa');
    expect(r.answer.map((rr) => [rr.name, rr.ttl, rr.class, rr.type, rr.rdata])).toEqual([
      ['example.org.', 8482, 'IN', 'HINFO', '"ANY obsoleted" "See RFC 8482"'],
    ]);
  });

  it.skipIf(!hasTool('kdig'))('shows kdig the HINFO record over TCP', async () => {
    const r = await kdig(['+tcp', 'example.org', 'ANY'], { target: server.target });
    expect(r.status).toBe('NOERROR');
    expect(r.answer.map((rr) => [rr.type, rr.rdata])).toEqual([['HINFO', '"ANY obsoleted" "See RFC 8482"']]);
  });

  it('fails to start with an argument, citing the Corefile line', async () => {
    await expect(
      startTestServer({ corefile: ([port]) => `.:${port} {\n  any hinfo\n}\n`, plugins: [any] }),
    ).rejects.toThrow(/Corefile:2 - Error during parsing: Wrong argument count/);
  });
});
