import { describe, expect, it } from 'vitest';
import {
  Rcode,
  Request,
  createOpt,
  setRcode,
  type Handler,
  type Message,
  type ResponseWriter,
} from '@tsdns/core';
import { CaptureWriter, buildQuery } from '@tsdns/testing';
import { LoadBalance } from './loadbalance.js';
import { randomShuffle } from './policies.js';

/** Answers with the same (shared) message every time, as a zone or cache might. */
function fixed(build: (req: Request) => Message): Handler & { shared: Message | undefined } {
  const h = {
    name: 'fixed',
    shared: undefined as Message | undefined,
    serveDNS(req: Request, w: ResponseWriter) {
      h.shared ??= build(req);
      w.write(h.shared);
      return Rcode.NOERROR;
    },
  };
  return h;
}

function addresses(req: Request, rcode: number = Rcode.NOERROR): Message {
  const m = req.reply(rcode);
  for (let i = 1; i <= 4; i++)
    m.answers.push({ name: req.qname, type: 'A', class: 'IN', ttl: 60, data: `192.0.2.${i}` });
  return m;
}

function ask(handler: Handler, type = 'A'): Message {
  const w = new CaptureWriter();
  handler.serveDNS(new Request(buildQuery('www.example.com.', type), w), w);
  return w.written[0];
}

const order = (m: Message) => m.answers.map((rr) => ('data' in rr ? rr.data : ''));

describe('LoadBalance', () => {
  it('shuffles NOERROR answers, leaving the message it was given alone', () => {
    const up = fixed((req) => addresses(req));
    const lb = new LoadBalance(randomShuffle(), up);
    const orders = new Set<string>();
    for (let i = 0; i < 200; i++) orders.add(order(ask(lb)).join(','));
    // 24 orders of 4 records; 200 draws see nearly all of them.
    expect(orders.size).toBeGreaterThan(15);
    expect(order(up.shared as Message)).toEqual(['192.0.2.1', '192.0.2.2', '192.0.2.3', '192.0.2.4']);
  });

  it('passes errors and zone transfers as they are', () => {
    const failing = fixed((req) => addresses(req, Rcode.NXDOMAIN));
    const lb = new LoadBalance(
      randomShuffle(() => 0),
      failing,
    );
    expect(ask(lb)).toBe(failing.shared);
    const axfr = fixed((req) => addresses(req));
    expect(
      ask(
        new LoadBalance(
          randomShuffle(() => 0),
          axfr,
        ),
        'AXFR',
      ),
    ).toBe(axfr.shared);
    const noQuestion = fixed((req) => ({ ...addresses(req), questions: [] }));
    expect(
      ask(
        new LoadBalance(
          randomShuffle(() => 0),
          noQuestion,
        ),
      ),
    ).toBe(noQuestion.shared);
  });

  it('passes an extended rcode untouched too', () => {
    const badvers = fixed((req) => {
      const m = addresses(req);
      m.additionals.push(createOpt());
      setRcode(m, Rcode.BADVERS);
      return m;
    });
    expect(
      ask(
        new LoadBalance(
          randomShuffle(() => 0),
          badvers,
        ),
      ),
    ).toBe(badvers.shared);
  });

  it('fails with SERVFAIL when it is last in the chain', () => {
    expect(() => ask(new LoadBalance(randomShuffle(), undefined))).toThrow(
      /plugin\/loadbalance: no next plugin found/,
    );
  });
});
