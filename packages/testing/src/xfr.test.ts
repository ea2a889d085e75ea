import { createServer } from 'node:net';
import { describe, expect, it } from 'vitest';
import { Flag, Rcode, decodeMessage, encodeMessage, setRcode, type Message } from '@tsdns/core';
import { FrameReader, frameMessage } from './frame.js';
import { hasTool } from './tools.js';
import { kdigTransfer } from './xfr.js';

/** A TCP responder that answers a transfer query with `answer(query)`. */
async function responder(answer: (q: Message) => Message): Promise<{ port: number; close(): void }> {
  const server = createServer((conn) => {
    const reader = new FrameReader();
    conn.on('data', (chunk) => {
      for (const f of reader.push(chunk)) conn.write(frameMessage(encodeMessage(answer(decodeMessage(f)))));
    });
    conn.on('error', () => undefined);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  return {
    port: typeof address === 'object' && address !== null ? address.port : 0,
    close: () => server.close(),
  };
}

const SOA = {
  name: 'example.org.',
  type: 'SOA' as const,
  class: 'IN',
  ttl: 60,
  data: {
    mname: 'ns.example.org.',
    rname: 'h.example.org.',
    serial: 3,
    refresh: 1,
    retry: 2,
    expire: 3,
    minimum: 4,
  },
};

describe.skipIf(!hasTool('kdig'))('kdigTransfer', () => {
  it('reads the records of an AXFR', async () => {
    const r = await responder((q) => ({
      ...q,
      flags: Flag.QR | Flag.AA,
      answers: [SOA, { name: 'www.example.org.', type: 'A', class: 'IN', ttl: 60, data: '192.0.2.1' }, SOA],
    }));
    try {
      const x = await kdigTransfer('AXFR', 'example.org.', { port: r.port });
      expect(x.error).toBeUndefined();
      expect(x.records.map((rr) => `${rr.name} ${rr.ttl} ${rr.type} ${rr.rdata}`)).toEqual([
        'example.org. 60 SOA ns.example.org. h.example.org. 3 1 2 3 4',
        'www.example.org. 60 A 192.0.2.1',
        'example.org. 60 SOA ns.example.org. h.example.org. 3 1 2 3 4',
      ]);
    } finally {
      r.close();
    }
  });

  it('reports a refusal', async () => {
    const r = await responder((q) => {
      const m: Message = { ...q, flags: Flag.QR };
      setRcode(m, Rcode.REFUSED);
      return m;
    });
    try {
      const x = await kdigTransfer('AXFR', 'example.org.', { port: r.port });
      expect(x.records).toEqual([]);
      expect(x.error).toMatch(/REFUSED/);
    } finally {
      r.close();
    }
  });
});
