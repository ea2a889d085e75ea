import { describe, expect, it } from 'vitest';
import {
  HandlerError,
  Rcode,
  Request,
  dnsRequestDuration,
  dnsRequests,
  dnsResponseSize,
  dnsResponses,
  encodeMessage,
  nextOrFailure,
  type Handler,
  type Message,
  type ResponseWriter,
} from '@tsdns/core';
import { MetricsHandler } from './handler.js';

let serial = 0;

class FakeWriter implements ResponseWriter {
  readonly transport = 'udp' as const;
  readonly remoteAddress = '::ffff:192.0.2.7';
  readonly remotePort = 5300;
  readonly localAddress = '127.0.0.1';
  readonly localPort = 53;
  written: Message[] = [];
  write(msg: Message): number {
    this.written.push(msg);
    return 100;
  }
}

function request(name: string, type = 'A'): { req: Request; w: FakeWriter; server: string } {
  const w = new FakeWriter();
  const req = new Request(
    {
      id: 1,
      flags: 0,
      questions: [{ name, type, class: 'IN' }],
      answers: [],
      authorities: [],
      additionals: [],
    },
    w,
  );
  req.server = `dns://unit-${++serial}:53`;
  req.wireSize = 33;
  return { req, w, server: req.server };
}

const writes = (rcode: number): Handler => ({
  name: 'answer',
  serveDNS(req, w) {
    w.write(req.reply(rcode));
    return rcode;
  },
});

describe('MetricsHandler', () => {
  it('reports a synchronous answer synchronously, under the zone of the block that matches', () => {
    const h = new MetricsHandler(['example.org.', 'sub.example.org.'], writes(Rcode.NXDOMAIN));
    const { req, w, server } = request('x.sub.example.org.', 'MX');
    expect(h.serveDNS(req, w)).toBe(Rcode.NXDOMAIN);
    expect(w.written).toHaveLength(1);
    // an IPv4-mapped client is family 1
    expect(dnsRequests.labels(server, 'sub.example.org.', '', 'udp', '1', 'MX').value).toBe(1);
    expect(dnsResponses.labels(server, 'sub.example.org.', '', 'NXDOMAIN', 'answer').value).toBe(1);
    expect(dnsResponseSize.labels(server, 'sub.example.org.', '', 'udp').sum).toBe(100);
    expect(dnsRequestDuration.labels(server, 'sub.example.org.', '').count).toBe(1);
  });

  it('uses the zone "." for a name outside its zones', () => {
    const h = new MetricsHandler(['example.org.', 'example.com.'], writes(Rcode.NOERROR));
    const { req, w, server } = request('example.net.');
    h.serveDNS(req, w);
    expect(dnsRequests.labels(server, '.', '', 'udp', '1', 'A').value).toBe(1);
  });

  it('reports the returned rcode with no plugin when the chain wrote nothing', async () => {
    const h = new MetricsHandler(['.'], { name: 'later', serveDNS: () => Promise.resolve(Rcode.SERVFAIL) });
    const { req, w, server } = request('a.');
    expect(await h.serveDNS(req, w)).toBe(Rcode.SERVFAIL);
    expect(dnsResponses.labels(server, '.', '', 'SERVFAIL', '').value).toBe(1);
    expect(dnsResponseSize.labels(server, '.', '', 'udp').sum).toBe(0);
  });

  it('reports a HandlerError with its rcode and passes it on; a panic it leaves to the server', async () => {
    const failing = (e: Error): Handler => ({ name: 'f', serveDNS: () => Promise.reject(e) });
    const h1 = new MetricsHandler(['.'], failing(new HandlerError('f', 'no', Rcode.REFUSED)));
    const one = request('a.');
    await expect(h1.serveDNS(one.req, one.w)).rejects.toThrow(HandlerError);
    expect(dnsResponses.labels(one.server, '.', '', 'REFUSED', '').value).toBe(1);

    const h2 = new MetricsHandler(['.'], failing(new Error('boom')));
    const two = request('a.');
    await expect(h2.serveDNS(two.req, two.w)).rejects.toThrow('boom');
    expect(dnsRequests.has(two.server, '.', '', 'udp', '1', 'A')).toBe(false);

    const h3 = new MetricsHandler(['.'], {
      name: 's',
      serveDNS() {
        throw new HandlerError('s', 'sync', Rcode.NOTIMP);
      },
    });
    const three = request('a.');
    expect(() => h3.serveDNS(three.req, three.w)).toThrow(HandlerError);
    expect(dnsResponses.labels(three.server, '.', '', 'NOTIMP', '').value).toBe(1);
  });

  it('credits the plugin that wrote, through plugins that pass the query on', () => {
    const answer = writes(Rcode.NOERROR);
    const passing: Handler = { name: 'pass', serveDNS: (req, w) => nextOrFailure('pass', answer, req, w) };
    const h = new MetricsHandler(['.'], passing);
    const { req, w, server } = request('a.');
    h.serveDNS(req, w);
    expect(dnsResponses.labels(server, '.', '', 'NOERROR', 'answer').value).toBe(1);
  });

  it('keeps its series: the same query twice touches the same children', () => {
    const h = new MetricsHandler(['.'], writes(Rcode.NOERROR));
    const first = request('a.');
    h.serveDNS(first.req, first.w);
    const counter = dnsRequests.labels(first.server, '.', '', 'udp', '1', 'A');
    const again = request('a.');
    again.req.server = first.server;
    h.serveDNS(again.req, again.w);
    expect(dnsRequests.labels(first.server, '.', '', 'udp', '1', 'A')).toBe(counter);
    expect(counter.value).toBe(2);
  });
});

describe('MetricsHandler and responses sent as bytes', () => {
  class BytesWriter extends FakeWriter {
    bytes: Uint8Array[] = [];
    writeBytes(b: Uint8Array): number {
      this.bytes.push(b);
      return b.length;
    }
  }

  /** Answers with bytes when it can, as the cache does with a hit. */
  const packed = (rcode: number): Handler => ({
    name: 'cache',
    serveDNS(req, w) {
      const bytes = encodeMessage(req.reply(rcode));
      if (w.writeBytes === undefined) throw new Error('the bytes path is closed');
      w.writeBytes(bytes);
      return rcode;
    },
  });

  it('keeps the bytes path open and counts rcode, size and writer from the bytes', () => {
    const h = new MetricsHandler(['.'], packed(Rcode.NXDOMAIN));
    const w = new BytesWriter();
    const { req, server } = request('nothing.example.');
    const r = new Request(req.msg, w);
    r.server = server;
    r.wireSize = 33;
    expect(h.serveDNS(r, w)).toBe(Rcode.NXDOMAIN);
    expect(w.written).toEqual([]);
    expect(w.bytes).toHaveLength(1);
    expect(dnsResponses.labels(server, '.', '', 'NXDOMAIN', 'cache').value).toBe(1);
    expect(dnsResponseSize.labels(server, '.', '', 'udp').sum).toBe(w.bytes[0].length);
  });
});
