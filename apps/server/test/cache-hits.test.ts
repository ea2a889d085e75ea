// Cache hits leave as packed bytes even behind plugins that watch or reorder the response
// (prometheus, loadbalance, dnstap): the answers must still be shuffled and counted.
import { beforeAll, describe, expect, it } from 'vitest';
import { Rcode, getRcode } from '@tsdns/core';
import { parseExposition, query } from '@tsdns/testing';
import { startTsdns, type TsdnsProcess } from './support/tsdns-process.js';

const ADDRESSES = ['192.0.2.1', '192.0.2.2', '192.0.2.3', '192.0.2.4', '192.0.2.5'];

const corefile = (p: readonly number[]): string => `
example.org:${p[0]} {
    bind 127.0.0.1
    prometheus 127.0.0.1:${p[1]}
    loadbalance
    cache 300
    hosts {
${ADDRESSES.map((a) => `        ${a} www.example.org`).join('\n')}
        ttl 300
    }
}
`;

let server: TsdnsProcess;

beforeAll(async () => {
  server = await startTsdns({ corefile, portCount: 2 });
});

async function metric(name: string, labels: Record<string, string>): Promise<number> {
  const res = await fetch(`http://127.0.0.1:${server.ports[1]}/metrics`);
  return parseExposition(await res.text()).value(name, labels) ?? 0;
}

describe('cache hits behind prometheus and loadbalance', () => {
  it('are shuffled on every hit and counted as written by cache', async () => {
    const port = server.ports[0];
    const orders = new Set<string>();
    for (let i = 0; i < 120; i++) {
      const res = await query({ port }, 'www.example.org', 'A');
      expect(getRcode(res)).toBe(Rcode.NOERROR);
      const got = res.answers.map((rr) => (rr.type === 'A' ? rr.data : rr.type));
      expect([...got].sort()).toEqual(ADDRESSES);
      orders.add(got.join(','));
    }
    // 120 orders of 5 addresses: a shuffle on every answer sees dozens of them.
    expect(orders.size).toBeGreaterThan(40);
    const labels = { rcode: 'NOERROR', zone: 'example.org.' };
    expect(await metric('coredns_dns_responses_total', { ...labels, plugin: 'cache' })).toBe(119);
    expect(await metric('coredns_dns_responses_total', { ...labels, plugin: 'hosts' })).toBe(1);
    expect(await metric('coredns_cache_hits_total', { type: 'success' })).toBe(119);
  });
});
