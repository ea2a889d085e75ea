import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { definePlugin, Rcode, type Message } from '@tsdns/core';
import { TcpClient, dig, hasTool, kdig, startTestServer, type TestServer } from '@tsdns/testing';
import loadbalance from './index.js';
import { histogram } from './test-support/random.js';

const ADDRESSES = ['100.64.1.1', '100.64.1.2', '100.64.1.3'];

/** Stands for a zone: www has a CNAME to web, which has three addresses. */
const zone = definePlugin({
  name: 'zone',
  setup(c) {
    while (c.next());
    c.addHandler(() => ({
      name: 'zone',
      serveDNS(req, w) {
        const reply = req.reply(Rcode.NOERROR);
        reply.answers.push({
          name: req.qname,
          type: 'CNAME',
          class: 'IN',
          ttl: 60,
          data: 'web.example.com.',
        });
        for (const data of ADDRESSES)
          reply.answers.push({ name: 'web.example.com.', type: 'A', class: 'IN', ttl: 60, data });
        w.write(reply);
        return Rcode.NOERROR;
      },
    }));
  },
});

const firstAddress = (m: Message): string => {
  const rr = m.answers.find((r) => r.type === 'A');
  return rr !== undefined && rr.type === 'A' ? rr.data : '';
};

/** Asks `count` times over one TCP connection, in batches. */
async function firstAddresses(server: TestServer, count: number): Promise<Map<string, number>> {
  const tcp = await TcpClient.connect(server.target);
  const firsts: string[] = [];
  try {
    for (let done = 0; done < count; done += 100) {
      // Distinct ids: the connection matches answers by id.
      const batch = await Promise.all(
        Array.from({ length: 100 }, (_, j) => tcp.query('www.example.com.', 'A', { id: done + j })),
      );
      for (const m of batch) {
        expect(m.answers[0].type).toBe('CNAME');
        firsts.push(firstAddress(m));
      }
    }
  } finally {
    tcp.close();
  }
  return histogram(firsts);
}

describe('loadbalance round_robin through the server', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({
      corefile: ([port]) => `example.com:${port} {\n  loadbalance\n  zone\n}\n`,
      plugins: [loadbalance, zone],
    });
  });
  afterAll(() => server.stop());

  it('spreads the first address evenly over many queries', async () => {
    const runs = 1500;
    const counts = await firstAddresses(server, runs);
    expect([...counts.keys()].sort()).toEqual(ADDRESSES);
    // Each address leads a third of the time; 1500 draws stay well within +-0.06.
    for (const count of counts.values()) expect(Math.abs(count / runs - 1 / 3)).toBeLessThan(0.06);
  });

  it.skipIf(!hasTool('dig'))('gives dig the CNAME first and all three addresses', async () => {
    const seen = new Set<string>();
    for (let i = 0; i < 12; i++) {
      const r = await dig(['www.example.com', 'A'], { target: server.target });
      expect(r.status).toBe('NOERROR');
      expect(r.answer[0]).toMatchObject({ type: 'CNAME', rdata: 'web.example.com.' });
      expect(
        r.answer
          .slice(1)
          .map((rr) => rr.rdata)
          .sort(),
      ).toEqual(ADDRESSES);
      seen.add(r.answer[1].rdata);
    }
    expect(seen.size).toBeGreaterThan(1);
  });
});

describe('loadbalance weighted through the server', () => {
  let server: TestServer;
  let dir: string;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'tsdns-lb-'));
    writeFileSync(
      join(dir, 'db.example.com.weights'),
      '# the book example\nweb.example.com\n100.64.1.1 3\n100.64.1.2 1\n100.64.1.3 2\n',
    );
    server = await startTestServer({
      corefile: ([port]) =>
        `example.com:${port} {\n  loadbalance weighted ${join(dir, 'db.example.com.weights')} {\n    reload 10s\n  }\n  zone\n}\n`,
      plugins: [loadbalance, zone],
    });
  });
  afterAll(async () => {
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('puts addresses first in the ratio 3:1:2 of their weights', async () => {
    const runs = 3000;
    const counts = await firstAddresses(server, runs);
    expect(Math.abs((counts.get('100.64.1.1') ?? 0) / runs - 3 / 6)).toBeLessThan(0.05);
    expect(Math.abs((counts.get('100.64.1.2') ?? 0) / runs - 1 / 6)).toBeLessThan(0.05);
    expect(Math.abs((counts.get('100.64.1.3') ?? 0) / runs - 2 / 6)).toBeLessThan(0.05);
  });

  it.skipIf(!hasTool('kdig'))('gives kdig the addresses after the CNAME', async () => {
    const r = await kdig(['+tcp', 'www.example.com', 'A'], { target: server.target });
    expect(r.status).toBe('NOERROR');
    expect(r.answer.map((rr) => rr.type)).toEqual(['CNAME', 'A', 'A', 'A']);
  });

  it('refuses to start without its weight file when it will not reload', async () => {
    await expect(
      startTestServer({
        corefile: ([port]) =>
          `example.com:${port} {\n  loadbalance weighted ${join(dir, 'missing')} {\n    reload 0s\n  }\n  zone\n}\n`,
        plugins: [loadbalance, zone],
      }),
    ).rejects.toThrow(/weight file open error/);
  });
});
