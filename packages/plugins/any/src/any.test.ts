import { describe, expect, it } from 'vitest';
import { Flag, Rcode, Request, getRcode, type Handler, type Message } from '@tsdns/core';
import { CaptureWriter, buildQuery } from '@tsdns/testing';
import { Any, ANY_TTL } from './any.js';

function ask(handler: Handler, msg: Message): { rcode: number | Promise<number>; w: CaptureWriter } {
  const w = new CaptureWriter();
  return { rcode: handler.serveDNS(new Request(msg, w), w), w };
}

/** A next plugin that records which query types reached it. */
function nextRecorder(): Handler & { seen: string[] } {
  const seen: string[] = [];
  return {
    name: 'next',
    seen,
    serveDNS(req, w) {
      seen.push(req.qtype);
      w.write(req.reply(Rcode.NOERROR));
      return Rcode.NOERROR;
    },
  };
}

describe('any', () => {
  it('answers ANY with one HINFO record for the query name as written', () => {
    const next = nextRecorder();
    const q = buildQuery('WwW.Example.ORG.', 'ANY', { id: 4242 });
    const { rcode, w } = ask(new Any(next), q);
    expect(rcode).toBe(Rcode.NOERROR);
    expect(next.seen).toEqual([]);
    expect(w.written).toHaveLength(1);
    const [reply] = w.written;
    expect(reply.id).toBe(4242);
    expect(getRcode(reply)).toBe(Rcode.NOERROR);
    expect(reply.questions).toEqual([{ name: 'WwW.Example.ORG.', type: 'ANY', class: 'IN' }]);
    expect(reply.answers).toEqual([
      {
        name: 'WwW.Example.ORG.',
        type: 'HINFO',
        class: 'IN',
        ttl: ANY_TTL,
        data: { cpu: 'ANY obsoleted', os: 'See RFC 8482' },
      },
    ]);
    expect(reply.authorities).toEqual([]);
    // CoreDNS's reply is SetReply's: QR and the copied RD, but not authoritative.
    expect(reply.flags & Flag.QR).toBe(Flag.QR);
    expect(reply.flags & Flag.RD).toBe(Flag.RD);
    expect(reply.flags & Flag.AA).toBe(0);
  });

  it('keeps the class IN for the HINFO record whatever the query class', () => {
    const { w } = ask(new Any(undefined), buildQuery('version.bind.', 'ANY', { qclass: 'CH' }));
    expect(w.written[0].answers[0]).toMatchObject({ type: 'HINFO', class: 'IN' });
  });

  it('answers the OPT record of an EDNS query', () => {
    const { w } = ask(new Any(undefined), buildQuery('example.org.', 'ANY', { do: true }));
    const opt = w.written[0].additionals.find((rr) => rr.type === 'OPT');
    expect(opt).toBeDefined();
  });

  it('passes every other type to the next plugin synchronously', () => {
    const next = nextRecorder();
    const any = new Any(next);
    for (const type of ['A', 'AAAA', 'MX', 'TXT', 'CNAME', 'HINFO', 'TYPE65280']) {
      const { rcode, w } = ask(any, buildQuery('example.org.', type));
      expect(rcode).toBe(Rcode.NOERROR);
      expect(w.written[0].answers).toEqual([]);
    }
    expect(next.seen).toEqual(['A', 'AAAA', 'MX', 'TXT', 'CNAME', 'HINFO', 'TYPE65280']);
  });

  it('fails with SERVFAIL when it is last and the query is not ANY', () => {
    expect(() => ask(new Any(undefined), buildQuery('example.org.', 'A'))).toThrow(
      /plugin\/any: no next plugin found/,
    );
  });
});
