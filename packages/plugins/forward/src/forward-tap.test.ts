import { describe, expect, it } from 'vitest';
import { decodeMessage, nextOrFailure, type ForwarderExchange, type PluginDefinition } from '@tsdns/core';
import { server, upstream } from './test-support/harness.js';
import { answerA, queries } from './test-support/upstream.js';

/**
 * A stand-in for dnstap before forward in the chain: a handler implementing core's
 * MessageTap that keeps every exchange reported to it (copies: the reporter may reuse its
 * buffers once the call returns).
 */
function recordingTap(full: boolean): PluginDefinition & { exchanges: ForwarderExchange[] } {
  const exchanges: ForwarderExchange[] = [];
  return {
    name: 'tap',
    exchanges,
    setup(c) {
      while (c.next());
      c.addHandler((next) => ({
        name: 'tap',
        full,
        tapForwarder(x: ForwarderExchange) {
          exchanges.push({ ...x, query: x.query?.slice(), response: x.response?.slice() });
        },
        serveDNS: (req, w) => nextOrFailure('tap', next, req, w),
      }));
    },
  };
}

describe('forward reports its exchanges to the MessageTaps of its chain', () => {
  it('reports the query and the reply of each exchange, with the upstream and the times', async () => {
    const u = await upstream((q) => answerA(q, '192.0.2.1'));
    const tap = recordingTap(true);
    const s = await server(`  tap\n  forward . ${u.addr}`, [], { before: [tap] });
    const before = performance.now();
    await s.server.query('example.org.', 'A');
    expect(tap.exchanges).toHaveLength(1);
    const [x] = tap.exchanges;
    expect(x).toMatchObject({ protocol: 'udp', upstreamAddress: '127.0.0.1', upstreamPort: u.port });
    expect(x.req.name).toBe('example.org.');
    expect(x.queryTime).toBeGreaterThanOrEqual(before);
    expect(x.responseTime).toBeGreaterThanOrEqual(x.queryTime);
    // The query as the upstream got it, and the reply as it sent it.
    const sent = decodeMessage(x.query as Uint8Array);
    expect(sent.id).toBe(queries(u)[0].msg.id);
    expect(sent.questions).toEqual([{ name: 'example.org.', type: 'A', class: 'IN' }]);
    expect(decodeMessage(x.response as Uint8Array).answers).toMatchObject([{ type: 'A', data: '192.0.2.1' }]);
  });

  it('reports TCP for force_tcp, and only the query when the reply is unusable', async () => {
    const u = await upstream((q) => ({
      kind: 'raw',
      // The right ID and QR, one question announced and none there: undecodable.
      bytes: Uint8Array.from([q.id >> 8, q.id & 0xff, 0x81, 0x80, 0, 1, 0, 0, 0, 0, 0, 0]),
    }));
    const tap = recordingTap(false);
    const s = await server(`  tap\n  forward . ${u.addr} {\n    force_tcp\n    max_fails 0\n  }`, [], {
      before: [tap],
      captureLogs: true,
    });
    await s.server.query('example.org.', 'A', { timeout: 6000 });
    expect(tap.exchanges.length).toBeGreaterThanOrEqual(1);
    for (const x of tap.exchanges) {
      expect(x.protocol).toBe('tcp');
      expect(x.responseTime).toBeUndefined();
      expect(x.response).toBeUndefined();
    }
  }, 10_000);

  it('finds no taps in a chain without any, and forwards as before', async () => {
    const u = await upstream((q) => answerA(q, '192.0.2.2'));
    const s = await server(`  forward . ${u.addr}`);
    await s.server.query('example.org.', 'A');
    expect(s.forwards[0].taps).toEqual([]);
  });
});
