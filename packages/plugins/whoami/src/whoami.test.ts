import { describe, expect, it } from 'vitest';
import { Flag, Request, createOpt, decodeMessage, encodeMessage, type Message } from '@tsdns/core';
import { CaptureWriter } from '@tsdns/testing';
import { Whoami } from './whoami.js';

function query(
  name: string,
  type = 'A',
  opts: { qclass?: string; edns?: boolean; flags?: number } = {},
): Message {
  return {
    id: 4242,
    flags: opts.flags ?? Flag.RD,
    questions: [{ name, type, class: opts.qclass ?? 'IN' }],
    answers: [],
    authorities: [],
    additionals: opts.edns ? [createOpt({ udpPayloadSize: 4096 })] : [],
  };
}

function serve(msg: Message, w: CaptureWriter): Message {
  const rcode = new Whoami().serveDNS(new Request(msg, w), w);
  expect(rcode).toBe(0);
  expect(w.written).toHaveLength(1);
  // What goes on the wire must encode and decode back to the same records.
  return decodeMessage(encodeMessage(w.written[0]));
}

describe('Whoami', () => {
  it('answers an IPv4 UDP client with A and _udp SRV records in the additional section', () => {
    const reply = serve(
      query('example.org.'),
      new CaptureWriter({ transport: 'udp', remoteAddress: '10.240.0.1', remotePort: 40212 }),
    );
    expect(reply.id).toBe(4242);
    expect(reply.flags & Flag.QR).toBe(Flag.QR);
    expect(reply.flags & Flag.AA).toBe(Flag.AA);
    expect(reply.flags & Flag.RD).toBe(Flag.RD);
    expect(reply.flags & 0xf).toBe(0);
    expect(reply.questions).toEqual([{ name: 'example.org.', type: 'A', class: 'IN' }]);
    expect(reply.answers).toEqual([]);
    expect(reply.authorities).toEqual([]);
    expect(reply.additionals).toEqual([
      { name: 'example.org.', type: 'A', class: 'IN', ttl: 0, data: '10.240.0.1' },
      {
        name: '_udp.example.org.',
        type: 'SRV',
        class: 'IN',
        ttl: 0,
        data: { priority: 0, weight: 0, port: 40212, target: '.' },
      },
    ]);
  });

  it('answers an IPv6 TCP client with AAAA and _tcp SRV records', () => {
    const reply = serve(
      query('example.org.', 'AAAA'),
      new CaptureWriter({ transport: 'tcp', remoteAddress: '2001:db8::53', remotePort: 5353 }),
    );
    expect(reply.additionals).toEqual([
      { name: 'example.org.', type: 'AAAA', class: 'IN', ttl: 0, data: '2001:db8::53' },
      {
        name: '_tcp.example.org.',
        type: 'SRV',
        class: 'IN',
        ttl: 0,
        data: { priority: 0, weight: 0, port: 5353, target: '.' },
      },
    ]);
  });

  it('reports an IPv4 client of a dual-stack socket as IPv4', () => {
    const reply = serve(
      query('a.example.'),
      new CaptureWriter({ transport: 'udp', remoteAddress: '::ffff:192.0.2.7', remotePort: 1000 }),
    );
    expect(reply.additionals[0]).toMatchObject({ type: 'A', data: '192.0.2.7' });
  });

  it('names the SRV record _udp. for a query of the root', () => {
    const reply = serve(
      query('.', 'NS'),
      new CaptureWriter({ transport: 'udp', remoteAddress: '127.0.0.1', remotePort: 1 }),
    );
    expect(reply.additionals.map((rr) => rr.name)).toEqual(['.', '_udp.']);
  });

  it('counts every stream transport as tcp', () => {
    for (const transport of ['tls', 'https', 'grpc'] as const) {
      const reply = serve(
        query('x.'),
        new CaptureWriter({ transport, remoteAddress: '127.0.0.1', remotePort: 9 }),
      );
      expect(reply.additionals[1].name).toBe('_tcp.x.');
    }
  });

  it("keeps the query name's letter case and class", () => {
    const reply = serve(
      query('ExAmple.ORG.', 'TXT', { qclass: 'CH' }),
      new CaptureWriter({ transport: 'udp', remoteAddress: '127.0.0.1', remotePort: 7 }),
    );
    expect(reply.additionals.map((rr) => [rr.name, rr.type === 'OPT' ? '' : rr.class])).toEqual([
      ['ExAmple.ORG.', 'CH'],
      ['_udp.ExAmple.ORG.', 'CH'],
    ]);
  });

  it('answers any query type, with the records before the OPT record of an EDNS reply', () => {
    const reply = serve(
      query('example.org.', 'MX', { edns: true }),
      new CaptureWriter({ transport: 'udp', remoteAddress: '127.0.0.1', remotePort: 53000 }),
    );
    expect(reply.additionals.map((rr) => rr.type)).toEqual(['A', 'SRV', 'OPT']);
  });

  it('copies RD and CD and leaves RA unset', () => {
    const reply = serve(
      query('example.org.', 'A', { flags: Flag.CD }),
      new CaptureWriter({ transport: 'udp', remoteAddress: '127.0.0.1', remotePort: 5 }),
    );
    expect(reply.flags & (Flag.RD | Flag.CD | Flag.RA)).toBe(Flag.CD);
  });

  it('never calls the rest of the chain and answers synchronously', () => {
    const w = new CaptureWriter({ transport: 'udp', remoteAddress: '127.0.0.1', remotePort: 5 });
    const result = new Whoami().serveDNS(new Request(query('example.org.'), w), w);
    expect(typeof result).toBe('number');
  });
});
