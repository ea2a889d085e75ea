import { describe, expect, it } from 'vitest';
import { CaptureWriter, buildQuery, type QueryOptions } from '@tsdns/testing';
import { Flag, Request, createOpt, decodeMessage, type Message, type ResourceRecord } from '@tsdns/core';
import { FakeClock, ScriptedUpstream, a, makeCache, respond } from './test-support/harness.js';
import type { Cache } from './cache.js';

/** A writer that takes bytes, as the server's do; keeps each answer decoded, and how it came. */
class BytesWriter extends CaptureWriter {
  readonly how: ('bytes' | 'message')[] = [];
  override write(msg: Message): number {
    this.how.push('message');
    return super.write(msg);
  }
  writeBytes(bytes: Uint8Array): number {
    this.how.push('bytes');
    this.written.push(decodeMessage(bytes));
    return bytes.length;
  }
}

/** The answer written, and what the server's writer would add: the OPT record of an EDNS query. */
function asSent(msg: Message, query: Message): Message {
  const edns = query.additionals.find((rr) => rr.type === 'OPT');
  if (edns === undefined || msg.additionals.some((rr) => rr.type === 'OPT')) return msg;
  const dnssecOk = edns.type === 'OPT' && (edns.flags & 0x8000) !== 0;
  return { ...msg, additionals: [...msg.additionals, createOpt({ dnssecOk })] };
}

function hit(
  cache: Cache,
  w: CaptureWriter,
  name: string,
  type: string,
  opts: QueryOptions & { flags?: number } = {},
) {
  const query = buildQuery(name, type, { id: 7, ...opts });
  query.flags |= opts.flags ?? 0;
  cache.serveDNS(new Request(query, w), w);
  return { query, reply: w.written[0] };
}

function upstream(answers: (qname: string) => ResourceRecord[], flags = 0): ScriptedUpstream {
  return new ScriptedUpstream((req) => {
    const m = respond(req, { answers: answers(req.qname) });
    m.flags |= flags;
    return m;
  });
}

describe('cache hits in wire form', () => {
  const cases: [string, QueryOptions & { flags?: number }][] = [
    ['without EDNS', {}],
    ['with EDNS', { edns: true }],
    ['with DO', { do: true }],
    ['with CD and AD', { cd: true, flags: Flag.AD }],
    ['without RD', { rd: false }],
  ];
  for (const [what, opts] of cases) {
    it(`answer exactly as the Message path does, ${what}`, async () => {
      const clock = new FakeClock();
      const up = upstream(
        (q) => [
          { name: q, type: 'CNAME', class: 'IN', ttl: 300, data: 'web.example.org.' },
          a('web.example.org.', 200, '192.0.2.80'),
        ],
        Flag.AD,
      );
      const cache = makeCache('cache', up, clock);
      await cache.serveDNS(
        new Request(buildQuery('www.example.org.', 'A', opts), new CaptureWriter()),
        new CaptureWriter(),
      );
      clock.advance(12);

      const bytesWriter = new BytesWriter();
      const viaBytes = hit(cache, bytesWriter, 'www.example.org.', 'A', opts);
      expect(bytesWriter.how).toEqual(['bytes']);
      const viaMessage = hit(cache, new CaptureWriter(), 'www.example.org.', 'A', opts);
      expect(viaBytes.reply).toEqual(asSent(viaMessage.reply, viaMessage.query));
      expect(viaBytes.reply.answers.map((rr) => (rr.type === 'OPT' ? undefined : rr.ttl))).toEqual([
        188, 188,
      ]);
      expect(up.seen).toHaveLength(1);
    });
  }

  it('leaves a question in other letter case and an answer to truncate to the Message path', async () => {
    const many = (q: string) => Array.from({ length: 40 }, (_, i) => a(q, 60, `192.0.2.${i}`));
    const cache = makeCache(
      'cache',
      upstream((q) => (q.startsWith('big') ? many(q) : [a(q, 60, '192.0.2.1')])),
    );
    await cache.serveDNS(
      new Request(buildQuery('www.example.org.', 'A'), new CaptureWriter()),
      new CaptureWriter(),
    );
    await cache.serveDNS(
      new Request(buildQuery('big.example.org.', 'A'), new CaptureWriter()),
      new CaptureWriter(),
    );

    const mixed = new BytesWriter();
    expect(hit(cache, mixed, 'WWW.example.org.', 'A').reply.questions[0].name).toBe('WWW.example.org.');
    expect(mixed.how).toEqual(['message']);

    const small = new BytesWriter();
    hit(cache, small, 'big.example.org.', 'A');
    expect(small.how).toEqual(['message']);
    const large = new BytesWriter();
    expect(hit(cache, large, 'big.example.org.', 'A', { bufsize: 4096 }).reply.answers).toHaveLength(40);
    expect(large.how).toEqual(['bytes']);
  });
});
