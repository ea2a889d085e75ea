import { describe, expect, it } from 'vitest';
import { Rcode, Request, encodeMessage, type Handler, type ResponseWriter } from '@tsdns/core';
import { Dnstap, type FrameSink } from './dnstap.js';
import { DATA_FRAME_HEADER_LENGTH } from './framestream.js';
import { MessageType, decodeDnstap } from './proto.js';

const writer: ResponseWriter = {
  write: () => 40,
  transport: 'udp',
  remoteAddress: '::ffff:192.0.2.9',
  remotePort: 5353,
  localAddress: '127.0.0.1',
  localPort: 53,
};

function query(): Request {
  return new Request(
    {
      id: 7,
      flags: 0x0100,
      questions: [{ name: 'example.org.', type: 'A', class: 'IN' }],
      answers: [],
      authorities: [],
      additionals: [],
    },
    writer,
  );
}

const answer: Handler = {
  name: 'answer',
  serveDNS(req, w) {
    w.write(req.reply());
    return Rcode.NOERROR;
  },
};

/** A sink with room for `room` frames, keeping them. */
function sink(room: number): FrameSink & { frames: Uint8Array[]; refused: number } {
  const frames: Uint8Array[] = [];
  return {
    frames,
    refused: 0,
    admit() {
      if (frames.length < room) return true;
      this.refused++;
      return false;
    },
    enqueue(f) {
      frames.push(f);
    },
  };
}

function tap(full: boolean, s: FrameSink): Dnstap {
  const d = new Dnstap({ full, identity: undefined, version: undefined, extra: undefined }, s);
  d.next = answer;
  return d;
}

const typeOf = (frame: Uint8Array): number | undefined =>
  decodeDnstap(frame.subarray(DATA_FRAME_HEADER_LENGTH)).message?.type;

describe('Dnstap', () => {
  it('taps the query before the chain runs and the response once written, synchronously', () => {
    const s = sink(10);
    expect(tap(false, s).serveDNS(query(), writer)).toBe(Rcode.NOERROR);
    expect(s.frames.map(typeOf)).toEqual([MessageType.CLIENT_QUERY, MessageType.CLIENT_RESPONSE]);
    const m = decodeDnstap(s.frames[0].subarray(DATA_FRAME_HEADER_LENGTH)).message;
    // An IPv4 client of a dual-stack socket is stored as IPv4.
    expect(m?.queryAddress).toEqual(Uint8Array.from([192, 0, 2, 9]));
    expect(m?.queryMessage).toBeUndefined();
  });

  it('encodes nothing the sink will not take', () => {
    const s = sink(1);
    tap(true, s).serveDNS(query(), writer);
    expect(s.frames.map(typeOf)).toEqual([MessageType.CLIENT_QUERY]);
    expect(s.refused).toBe(1);
  });

  it('reports a forwarder exchange as a query and a response, with wire messages only when full', () => {
    const exchange = {
      req: query(),
      protocol: 'udp' as const,
      upstreamAddress: '2001:db8::53',
      upstreamPort: 53,
      localAddress: '127.0.0.1',
      localPort: 4000,
      queryTime: performance.now(),
      query: Uint8Array.from([1, 2]),
      responseTime: performance.now() + 1,
      response: Uint8Array.from([3, 4]),
    };
    const plain = sink(10);
    tap(false, plain).tapForwarder(exchange);
    const [q, r] = plain.frames.map((f) => decodeDnstap(f.subarray(DATA_FRAME_HEADER_LENGTH)).message);
    expect(q?.type).toBe(MessageType.FORWARDER_QUERY);
    expect(r?.type).toBe(MessageType.FORWARDER_RESPONSE);
    expect(q?.queryMessage).toBeUndefined();
    // An IPv4 local address cannot go with an IPv6 upstream on one socket: left out.
    expect(q?.queryAddress).toBeUndefined();
    expect(q?.responseAddress).toHaveLength(16);
    const full = sink(10);
    tap(true, full).tapForwarder({ ...exchange, responseTime: undefined, response: undefined });
    const only = full.frames.map((f) => decodeDnstap(f.subarray(DATA_FRAME_HEADER_LENGTH)).message);
    expect(only.map((m) => m?.type)).toEqual([MessageType.FORWARDER_QUERY]);
    expect(only[0]?.queryMessage).toEqual(Uint8Array.from([1, 2]));
  });
});

describe('Dnstap and responses sent as bytes', () => {
  it('keeps the bytes path open and taps the bytes themselves with full', () => {
    const sent: Uint8Array[] = [];
    const bytesWriter: ResponseWriter = {
      ...writer,
      writeBytes(b) {
        sent.push(b);
        return b.length;
      },
    };
    const s = sink(10);
    const withSink = new Dnstap({ full: true, identity: undefined, version: undefined, extra: undefined }, s);
    const packed = encodeMessage({ ...query().reply(), id: 7 });
    withSink.next = {
      name: 'cache',
      serveDNS(_req, w) {
        expect(w.writeBytes).toBeDefined();
        w.writeBytes!(packed);
        return Rcode.NOERROR;
      },
    };
    expect(withSink.serveDNS(query(), bytesWriter)).toBe(Rcode.NOERROR);
    expect(sent).toEqual([packed]);
    const response = decodeDnstap(s.frames[1].subarray(DATA_FRAME_HEADER_LENGTH)).message;
    expect(response?.type).toBe(MessageType.CLIENT_RESPONSE);
    expect(response?.responseMessage).toEqual(packed);
  });
});
