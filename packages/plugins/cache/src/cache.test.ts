import { describe, expect, it } from 'vitest';
import { Flag, Opcode, Rcode, getRcode, type Message, type ResourceRecord } from '@tsdns/core';
import {
  FakeClock,
  ScriptedUpstream,
  a,
  answerData,
  ask,
  askAsync,
  makeCache,
  respond,
  settle,
  soa,
  ttls,
} from './test-support/harness.js';

/** An upstream that answers every A query with one address and a given TTL. */
function addressUpstream(ttl = 300, address = '192.0.2.1'): ScriptedUpstream {
  return new ScriptedUpstream((req) => respond(req, { answers: [a(req.qname, ttl, address)] }));
}

describe('cache hits and misses', () => {
  it('answers a repeated question from the cache, synchronously, without asking again', async () => {
    const up = addressUpstream();
    up.async = true;
    const cache = makeCache('cache', up);
    const first = ask(cache, 'www.example.org.', 'A');
    expect(first.rcode).toBeInstanceOf(Promise);
    await first.rcode;
    expect(up.seen).toHaveLength(1);
    const second = ask(cache, 'www.example.org.', 'A');
    // A hit returns a number, not a Promise, and has written already.
    expect(second.rcode).toBe(Rcode.NOERROR);
    expect(second.reply?.answers).toEqual([a('www.example.org.', 300, '192.0.2.1')]);
    expect(up.seen).toHaveLength(1);
    expect(cache.metrics).toMatchObject({ requests: 2, misses: 1, hits: { success: 1, denial: 0 } });
    expect(cache.metrics.entries('success')).toBe(1);
  });

  it('answers with the query ID and the question exactly as the client wrote it', async () => {
    const cache = makeCache('cache', addressUpstream());
    await askAsync(cache, 'www.example.org.', 'A', { id: 1 });
    const hit = ask(cache, 'WwW.ExAmPlE.oRg.', 'A', { id: 0xbeef, rd: false, cd: false });
    expect(hit.reply?.id).toBe(0xbeef);
    expect(hit.reply?.questions).toEqual([{ name: 'WwW.ExAmPlE.oRg.', type: 'A', class: 'IN' }]);
    const flags = hit.reply?.flags ?? 0;
    expect(flags & Flag.QR).toBe(Flag.QR);
    expect(flags & Flag.AA).toBe(Flag.AA);
    expect(flags & Flag.RA).toBe(Flag.RA);
    expect(flags & Flag.RD).toBe(0);
  });

  it('counts TTLs down as entries age and expires them', async () => {
    const clock = new FakeClock();
    const up = addressUpstream(100);
    const cache = makeCache('cache', up, clock);
    expect(ttls(await askAsync(cache, 'a.example.', 'A'))).toEqual([100]);
    clock.advance(1);
    expect(ttls(ask(cache, 'a.example.', 'A').reply as Message)).toEqual([99]);
    clock.advance(0.5);
    expect(ttls(ask(cache, 'a.example.', 'A').reply as Message)).toEqual([99]);
    clock.advance(58.5);
    expect(ttls(ask(cache, 'a.example.', 'A').reply as Message)).toEqual([40]);
    clock.advance(39.9);
    expect(ttls(ask(cache, 'a.example.', 'A').reply as Message)).toEqual([1]);
    expect(up.seen).toHaveLength(1);
    clock.advance(0.1);
    await askAsync(cache, 'a.example.', 'A');
    expect(up.seen).toHaveLength(2);
  });

  it('caps TTLs at the configured maximum and raises them to MINTTL, for every record alike', async () => {
    const up = new ScriptedUpstream((req) =>
      respond(req, {
        answers: [
          { name: req.qname, type: 'CNAME', class: 'IN', ttl: 7200, data: 'b.example.' },
          a('b.example.', 3000, '192.0.2.9'),
        ],
      }),
    );
    const capped = makeCache('cache 600', up);
    // The first answer already carries the cached TTL, so it and the hits agree.
    expect(ttls(await askAsync(capped, 'a.example.', 'A'))).toEqual([600, 600]);
    expect(ttls(ask(capped, 'a.example.', 'A').reply as Message)).toEqual([600, 600]);

    const raised = makeCache('cache {\n success 1024 3600 30\n}', addressUpstream(2));
    expect(ttls(await askAsync(raised, 'a.example.', 'A'))).toEqual([30]);
  });

  it('does not cache a response whose records have TTL 0 when MINTTL is 0', async () => {
    const up = addressUpstream(0);
    const cache = makeCache('cache {\n success 1024 3600 0\n}', up);
    await askAsync(cache, 'a.example.', 'A');
    await askAsync(cache, 'a.example.', 'A');
    expect(up.seen).toHaveLength(2);
  });

  it('keeps answers for DO and CD queries apart from plain ones', async () => {
    const up = new ScriptedUpstream((req) => {
      const dnssecOk = req.do;
      const cd = (req.msg.flags & Flag.CD) !== 0;
      return respond(req, {
        answers: [a(req.qname, 300, `192.0.2.${(dnssecOk ? 1 : 0) + (cd ? 2 : 0) + 10}`)],
      });
    });
    const cache = makeCache('cache', up);
    const variants = [{}, { do: true }, { cd: true }, { do: true, cd: true }] as const;
    for (const v of variants) await askAsync(cache, 'a.example.', 'A', v);
    expect(up.seen).toHaveLength(4);
    const answers = variants.map((v) => answerData(ask(cache, 'a.example.', 'A', v).reply)[0]);
    expect(answers).toEqual(['192.0.2.10', '192.0.2.11', '192.0.2.12', '192.0.2.13']);
    expect(up.seen).toHaveLength(4);
    expect(cache.metrics.entries('success')).toBe(4);
  });

  it('keeps types and classes apart and ignores letter case of the name', async () => {
    const up = addressUpstream();
    const cache = makeCache('cache', up);
    await askAsync(cache, 'a.example.', 'A');
    await askAsync(cache, 'A.EXAMPLE.', 'A');
    await askAsync(cache, 'a.example.', 'AAAA');
    await askAsync(cache, 'a.example.', 'A', { qclass: 'CH' });
    expect(up.seen).toHaveLength(3);
  });

  it('does not cache truncated answers', async () => {
    const up = new ScriptedUpstream((req) =>
      respond(req, { answers: [a(req.qname, 300, '192.0.2.1')], flags: Flag.TC }),
    );
    const cache = makeCache('cache', up);
    const first = await askAsync(cache, 'a.example.', 'A');
    expect(first.flags & Flag.TC).toBe(Flag.TC);
    await askAsync(cache, 'a.example.', 'A');
    expect(up.seen).toHaveLength(2);
  });

  it('drops a response to another question instead of caching it', async () => {
    const up = new ScriptedUpstream((req) => {
      const m = respond(req, { answers: [a('other.example.', 300, '192.0.2.1')] });
      m.questions = [{ name: 'other.example.', type: 'A', class: 'IN' }];
      return m;
    });
    const cache = makeCache('cache', up);
    await askAsync(cache, 'a.example.', 'A');
    await askAsync(cache, 'a.example.', 'A');
    expect(up.seen).toHaveLength(2);
    expect(cache.metrics.drops).toBe(2);
  });

  it('passes names outside its zones, zone transfers and NOTIFY straight through', async () => {
    const up = addressUpstream();
    const cache = makeCache('cache example.org', up);
    await askAsync(cache, 'www.example.net.', 'A');
    await askAsync(cache, 'www.example.net.', 'A');
    await askAsync(cache, 'example.org.', 'AXFR');
    await askAsync(cache, 'example.org.', 'AXFR');
    expect(up.seen).toHaveLength(4);
    expect(cache.metrics.requests).toBe(0);
    await askAsync(cache, 'www.Example.ORG.', 'A');
    await askAsync(cache, 'www.example.org.', 'A');
    expect(up.seen).toHaveLength(5);
    await askAsync(cache, 'www.example.org.', 'A', { opcode: Opcode.NOTIFY });
    expect(up.seen).toHaveLength(6);
  });

  it('serves cached records that a plugin cannot change in place', async () => {
    const cache = makeCache('cache', addressUpstream());
    await askAsync(cache, 'a.example.', 'A');
    const reply = ask(cache, 'a.example.', 'A').reply as Message;
    expect(() => {
      (reply.answers[0] as { ttl: number }).ttl = 1;
    }).toThrow(TypeError);
    // The sections themselves belong to the reply: reordering them is fine.
    reply.answers.reverse();
    reply.answers.push(a('x.', 1, '192.0.2.2'));
    expect(ask(cache, 'a.example.', 'A').reply?.answers).toHaveLength(1);
  });

  it('keeps the OPT record out of the cache and lets the writer add its own', async () => {
    const up = new ScriptedUpstream((req) => respond(req, { answers: [a(req.qname, 300, '192.0.2.1')] }));
    const cache = makeCache('cache', up);
    const first = await askAsync(cache, 'a.example.', 'A', { do: true });
    expect(first.additionals.map((rr) => rr.type)).toEqual(['OPT']);
    const hit = ask(cache, 'a.example.', 'A', { do: true }).reply as Message;
    expect(hit.additionals).toEqual([]);
  });
});

describe('AD bit', () => {
  it('keeps AD only for clients that set DO or AD (RFC 6840 5.7)', async () => {
    const up = new ScriptedUpstream((req) =>
      respond(req, { answers: [a(req.qname, 300, '192.0.2.1')], flags: Flag.AD }),
    );
    const cache = makeCache('cache', up);
    const ad = (m: Message | undefined) => ((m?.flags ?? 0) & Flag.AD) !== 0;
    expect(ad(await askAsync(cache, 'a.example.', 'A'))).toBe(false);
    expect(ad(ask(cache, 'a.example.', 'A').reply)).toBe(false);
    // The entry kept the upstream's AD: a query with AD set (and no DO) sees it.
    expect(ad(ask(cache, 'a.example.', 'A', { flags: Flag.AD }).reply)).toBe(true);
    expect(ad(await askAsync(cache, 'b.example.', 'A', { do: true }))).toBe(true);
    expect(ad(ask(cache, 'b.example.', 'A', { do: true }).reply)).toBe(true);
    expect(up.seen).toHaveLength(2);
  });
});

describe('negative caching (RFC 2308)', () => {
  it('caches NXDOMAIN for the SOA TTL bounded by its MINIMUM', async () => {
    const clock = new FakeClock();
    const up = new ScriptedUpstream((req) =>
      respond(req, { rcode: Rcode.NXDOMAIN, authorities: [soa('example.', 3600, 120)] }),
    );
    const cache = makeCache('cache', up, clock);
    const first = await askAsync(cache, 'nope.example.', 'A');
    expect(getRcode(first)).toBe(Rcode.NXDOMAIN);
    expect(ttls(first)).toEqual([120]);
    clock.advance(20);
    const hit = ask(cache, 'nope.example.', 'A').reply as Message;
    expect(getRcode(hit)).toBe(Rcode.NXDOMAIN);
    expect(ttls(hit)).toEqual([100]);
    expect(hit.authorities[0]).toMatchObject({ type: 'SOA', name: 'example.' });
    expect(cache.metrics.hits.denial).toBe(1);
    expect(cache.metrics.entries('denial')).toBe(1);
    clock.advance(100);
    await askAsync(cache, 'nope.example.', 'A');
    expect(up.seen).toHaveLength(2);
  });

  it('caches NODATA, with the denial TTL cap', async () => {
    const up = new ScriptedUpstream((req) => respond(req, { authorities: [soa('example.', 86400, 86400)] }));
    const cache = makeCache('cache', up);
    expect(ttls(await askAsync(cache, 'a.example.', 'AAAA'))).toEqual([1800]);
    expect(getRcode(ask(cache, 'a.example.', 'AAAA').reply as Message)).toBe(Rcode.NOERROR);
    expect(up.seen).toHaveLength(1);
    const capped = makeCache('cache {\n denial 1024 60\n}', up);
    expect(ttls(await askAsync(capped, 'a.example.', 'AAAA'))).toEqual([60]);
  });

  it('does not cache NXDOMAIN without an SOA', async () => {
    const up = new ScriptedUpstream((req) => respond(req, { rcode: Rcode.NXDOMAIN }));
    const cache = makeCache('cache', up);
    await askAsync(cache, 'nope.example.', 'A');
    await askAsync(cache, 'nope.example.', 'A');
    expect(up.seen).toHaveLength(2);
  });

  it('lets a newer definitive answer replace the other kind', async () => {
    const clock = new FakeClock();
    let exists = false;
    const up = new ScriptedUpstream((req) =>
      exists
        ? respond(req, { answers: [a(req.qname, 300, '192.0.2.1')] })
        : respond(req, { rcode: Rcode.NXDOMAIN, authorities: [soa('example.', 10, 10)] }),
    );
    const cache = makeCache('cache', up, clock);
    await askAsync(cache, 'new.example.', 'A');
    exists = true;
    clock.advance(10);
    expect(getRcode(await askAsync(cache, 'new.example.', 'A'))).toBe(Rcode.NOERROR);
    expect(cache.metrics.entries('denial')).toBe(0);
    expect(cache.metrics.entries('success')).toBe(1);
  });
});

describe('SERVFAIL caching', () => {
  const failing = () => new ScriptedUpstream((req) => respond(req, { rcode: Rcode.SERVFAIL }));

  it('caches SERVFAIL for 5 s by default', async () => {
    const clock = new FakeClock();
    const up = failing();
    const cache = makeCache('cache', up, clock);
    expect(getRcode(await askAsync(cache, 'a.example.', 'A'))).toBe(Rcode.SERVFAIL);
    clock.advance(4.9);
    expect(getRcode(ask(cache, 'a.example.', 'A').reply as Message)).toBe(Rcode.SERVFAIL);
    expect(up.seen).toHaveLength(1);
    clock.advance(0.1);
    await askAsync(cache, 'a.example.', 'A');
    expect(up.seen).toHaveLength(2);
  });

  it('caches SERVFAIL for the servfail duration, and not at all with 0', async () => {
    const clock = new FakeClock();
    const up = failing();
    const cache = makeCache('cache {\n servfail 30s\n}', up, clock);
    await askAsync(cache, 'a.example.', 'A');
    clock.advance(29);
    ask(cache, 'a.example.', 'A');
    expect(up.seen).toHaveLength(1);

    const never = failing();
    const off = makeCache('cache {\n servfail 0\n}', never, clock);
    await askAsync(off, 'a.example.', 'A');
    await askAsync(off, 'a.example.', 'A');
    expect(never.seen).toHaveLength(2);
  });

  it('caches nothing when the chain fails without writing', async () => {
    const up = new ScriptedUpstream(() => 'nothing');
    const cache = makeCache('cache', up);
    expect(await ask(cache, 'a.example.', 'A').rcode).toBe(Rcode.SERVFAIL);
    await ask(cache, 'a.example.', 'A').rcode;
    expect(up.seen).toHaveLength(2);
  });
});

describe('keepttl and disable', () => {
  it('keepttl serves the original TTL until the entry expires', async () => {
    const clock = new FakeClock();
    const up = addressUpstream(60);
    const cache = makeCache('cache {\n keepttl\n}', up, clock);
    await askAsync(cache, 'a.example.', 'A');
    clock.advance(59);
    expect(ttls(ask(cache, 'a.example.', 'A').reply as Message)).toEqual([60]);
    clock.advance(1);
    await askAsync(cache, 'a.example.', 'A');
    expect(up.seen).toHaveLength(2);
  });

  it('disable success and disable denial skip the listed zones only', async () => {
    const up = new ScriptedUpstream((req) =>
      req.qtype === 'A'
        ? respond(req, { answers: [a(req.qname, 300, '192.0.2.1')] })
        : respond(req, { rcode: Rcode.NXDOMAIN, authorities: [soa('example.', 300, 300)] }),
    );
    const cache = makeCache('cache {\n disable success sub.example\n disable denial example\n}', up);
    for (let i = 0; i < 2; i++) {
      await askAsync(cache, 'www.sub.example.', 'A');
      await askAsync(cache, 'www.example.', 'A');
      await askAsync(cache, 'www.example.', 'TXT');
    }
    expect(up.seen.map((m) => `${m.questions[0].name} ${m.questions[0].type}`)).toEqual([
      'www.sub.example. A',
      'www.example. A',
      'www.example. TXT',
      'www.sub.example. A',
      'www.example. TXT',
    ]);
    // Responses that are not stored keep their own TTLs.
    expect(ttls(await askAsync(cache, 'x.sub.example.', 'A'))).toEqual([300]);
  });
});

describe('capacity', () => {
  it('evicts at capacity and counts evictions per cache', async () => {
    const up = addressUpstream();
    const cache = makeCache('cache {\n success 1024\n}', up);
    for (let i = 0; i < 1030; i++) await askAsync(cache, `n${i}.example.`, 'A');
    expect(cache.metrics.entries('success')).toBe(1024);
    expect(cache.metrics.evictions).toEqual({ success: 6, denial: 0 });
    // The oldest entries went first.
    await askAsync(cache, 'n0.example.', 'A');
    expect(up.seen).toHaveLength(1031);
    await askAsync(cache, 'n1029.example.', 'A');
    expect(up.seen).toHaveLength(1031);
  });
});

describe('prefetch', () => {
  it('refreshes a popular entry in the background before it expires', async () => {
    const clock = new FakeClock();
    let address = '192.0.2.1';
    const up = new ScriptedUpstream((req) => respond(req, { answers: [a(req.qname, 100, address)] }));
    up.async = true;
    const cache = makeCache('cache {\n prefetch 2 1m 10%\n}', up, clock);
    await askAsync(cache, 'hot.example.', 'A');
    // Two hits within the window make it popular; it is not yet in its last 10%.
    clock.advance(50);
    ask(cache, 'hot.example.', 'A');
    clock.advance(30);
    ask(cache, 'hot.example.', 'A');
    await settle();
    expect(up.seen).toHaveLength(1);
    // 10 s left of 100: the hit is answered from the cache and starts a refresh.
    address = '192.0.2.2';
    clock.advance(10);
    const hit = ask(cache, 'hot.example.', 'A');
    expect(hit.rcode).toBe(Rcode.NOERROR);
    expect(hit.reply?.answers[0]).toMatchObject({ data: '192.0.2.1', ttl: 10 });
    expect(up.seen).toHaveLength(2);
    // The refresh asks with AD set, over a stream transport, in the background.
    expect(up.seen[1].flags & Flag.AD).toBe(Flag.AD);
    await settle();
    expect(cache.metrics.prefetch).toBe(1);
    const after = ask(cache, 'hot.example.', 'A').reply as Message;
    expect(after.answers[0]).toMatchObject({ data: '192.0.2.2', ttl: 100 });
    expect(up.seen).toHaveLength(2);
  });

  it('starts one refresh at a time per entry and leaves unpopular entries alone', async () => {
    const clock = new FakeClock();
    const up = addressUpstream(100);
    const cache = makeCache('cache {\n prefetch 3 10s\n}', up, clock);
    await askAsync(cache, 'a.example.', 'A');
    clock.advance(91);
    ask(cache, 'a.example.', 'A');
    clock.advance(1);
    ask(cache, 'a.example.', 'A');
    expect(up.seen).toHaveLength(1);
    up.hold();
    clock.advance(1);
    ask(cache, 'a.example.', 'A');
    ask(cache, 'a.example.', 'A');
    ask(cache, 'a.example.', 'A');
    expect(up.seen).toHaveLength(2);
    up.release();
    await settle();
    // A gap longer than DURATION starts the count again.
    const cold = makeCache('cache {\n prefetch 2 5s\n}', addressUpstream(100), clock);
    await askAsync(cold, 'b.example.', 'A');
    clock.advance(92);
    ask(cold, 'b.example.', 'A');
    clock.advance(6);
    ask(cold, 'b.example.', 'A');
    expect(cold.metrics.prefetch).toBe(0);
  });

  it('copies the popularity to the refreshed entry', async () => {
    const clock = new FakeClock();
    const up = addressUpstream(100);
    const cache = makeCache('cache {\n prefetch 2 2m\n}', up, clock);
    await askAsync(cache, 'a.example.', 'A');
    clock.advance(89);
    ask(cache, 'a.example.', 'A');
    clock.advance(1);
    ask(cache, 'a.example.', 'A');
    await settle();
    expect(up.seen).toHaveLength(2);
    // The new entry is already popular: one hit in its last 10%, within the 2m window of
    // the last one, refreshes it again.
    clock.advance(90);
    ask(cache, 'a.example.', 'A');
    await settle();
    expect(up.seen).toHaveLength(3);
  });

  it('survives a refresh that throws', async () => {
    const clock = new FakeClock();
    let fail = false;
    const up = new ScriptedUpstream((req) =>
      fail ? 'throw' : respond(req, { answers: [a(req.qname, 100, '192.0.2.1')] }),
    );
    up.async = true;
    const cache = makeCache('cache {\n prefetch 1\n}', up, clock);
    await askAsync(cache, 'a.example.', 'A');
    fail = true;
    clock.advance(95);
    expect(ask(cache, 'a.example.', 'A').rcode).toBe(Rcode.NOERROR);
    await settle();
    expect(up.seen).toHaveLength(2);
    // The failed refresh released the entry for the next attempt.
    clock.advance(1);
    ask(cache, 'a.example.', 'A');
    await settle();
    expect(up.seen).toHaveLength(3);
  });
});

describe('serve_stale', () => {
  function flaky(ttl = 60) {
    const state = { down: false, address: '192.0.2.1' };
    const up = new ScriptedUpstream((req) =>
      state.down
        ? respond(req, { rcode: Rcode.SERVFAIL })
        : respond(req, { answers: [a(req.qname, ttl, state.address)] }),
    );
    up.async = true;
    return { up, state };
  }

  it('immediate: answers an expired entry with TTL 0 and refreshes it behind', async () => {
    const clock = new FakeClock();
    const { up, state } = flaky();
    const cache = makeCache('cache {\n serve_stale\n}', up, clock);
    await askAsync(cache, 'a.example.', 'A');
    clock.advance(120);
    state.down = true;
    const stale = ask(cache, 'a.example.', 'A');
    expect(stale.rcode).toBe(Rcode.NOERROR);
    expect(stale.reply?.answers[0]).toMatchObject({ data: '192.0.2.1', ttl: 0 });
    expect(cache.metrics.servedStale).toBe(1);
    await settle();
    // The refresh got SERVFAIL, which may not replace the stale entry.
    expect(up.seen).toHaveLength(2);
    expect(ask(cache, 'a.example.', 'A').reply?.answers[0]).toMatchObject({ data: '192.0.2.1', ttl: 0 });
    await settle();
    state.down = false;
    state.address = '192.0.2.2';
    ask(cache, 'a.example.', 'A');
    await settle();
    expect(ask(cache, 'a.example.', 'A').reply?.answers[0]).toMatchObject({ data: '192.0.2.2', ttl: 60 });
  });

  it('stops serving an entry expired for longer than DURATION', async () => {
    const clock = new FakeClock();
    const { up, state } = flaky();
    const cache = makeCache('cache {\n serve_stale 10m\n}', up, clock);
    await askAsync(cache, 'a.example.', 'A');
    state.down = true;
    clock.advance(60 + 599);
    expect(ask(cache, 'a.example.', 'A').reply?.answers).toHaveLength(1);
    await settle();
    clock.advance(1);
    const late = await askAsync(cache, 'a.example.', 'A');
    expect(getRcode(late)).toBe(Rcode.SERVFAIL);
  });

  it('serves RESPONSE_TTL and waits FAILURE_RECHECK after a failed refresh', async () => {
    const clock = new FakeClock();
    const { up, state } = flaky();
    const cache = makeCache('cache {\n serve_stale 1h immediate 30s 20s\n}', up, clock);
    await askAsync(cache, 'a.example.', 'A');
    clock.advance(61);
    state.down = true;
    expect(ask(cache, 'a.example.', 'A').reply?.answers[0]).toMatchObject({ ttl: 30 });
    await settle();
    expect(up.seen).toHaveLength(2);
    clock.advance(19);
    ask(cache, 'a.example.', 'A');
    await settle();
    expect(up.seen).toHaveLength(2);
    clock.advance(1);
    ask(cache, 'a.example.', 'A');
    await settle();
    expect(up.seen).toHaveLength(3);
  });

  it('verify: asks first and answers fresh when the upstream works', async () => {
    const clock = new FakeClock();
    const { up, state } = flaky();
    const cache = makeCache('cache {\n serve_stale 1h verify\n}', up, clock);
    await askAsync(cache, 'a.example.', 'A');
    clock.advance(61);
    state.address = '192.0.2.2';
    const fresh = ask(cache, 'a.example.', 'A');
    expect(fresh.rcode).toBeInstanceOf(Promise);
    await fresh.rcode;
    expect(fresh.w.written).toHaveLength(1);
    expect(fresh.w.written[0].answers[0]).toMatchObject({ data: '192.0.2.2', ttl: 60 });
    expect(cache.metrics.servedStale).toBe(0);
  });

  it('verify: answers stale when the upstream fails or throws', async () => {
    const clock = new FakeClock();
    const { up, state } = flaky();
    const cache = makeCache('cache {\n serve_stale 1h verify\n}', up, clock);
    await askAsync(cache, 'a.example.', 'A');
    clock.advance(61);
    state.down = true;
    const stale = await askAsync(cache, 'a.example.', 'A');
    expect(getRcode(stale)).toBe(Rcode.NOERROR);
    expect(stale.answers[0]).toMatchObject({ data: '192.0.2.1', ttl: 0 });
    up.script = () => 'throw';
    const again = ask(cache, 'a.example.', 'A');
    expect(await again.rcode).toBe(Rcode.NOERROR);
    expect(again.w.written).toHaveLength(1);
    expect(cache.metrics.servedStale).toBe(2);
  });

  it('verify with a timeout: answers stale when the upstream is slow, and the late answer still refreshes', async () => {
    const clock = new FakeClock();
    const { up, state } = flaky();
    const cache = makeCache('cache {\n serve_stale 1h verify 20ms 5s\n}', up, clock);
    await askAsync(cache, 'a.example.', 'A');
    clock.advance(61);
    state.address = '192.0.2.2';
    up.hold();
    const slow = ask(cache, 'a.example.', 'A');
    expect(await slow.rcode).toBe(Rcode.NOERROR);
    expect(slow.w.written).toHaveLength(1);
    expect(slow.w.written[0].answers[0]).toMatchObject({ data: '192.0.2.1', ttl: 5 });
    up.release();
    await settle();
    expect(slow.w.written).toHaveLength(1);
    expect(ask(cache, 'a.example.', 'A').reply?.answers[0]).toMatchObject({ data: '192.0.2.2', ttl: 60 });
  });

  it('verify with a timeout: answers fresh when the upstream is quick', async () => {
    const clock = new FakeClock();
    const { up, state } = flaky();
    const cache = makeCache('cache {\n serve_stale 1h verify 1s\n}', up, clock);
    await askAsync(cache, 'a.example.', 'A');
    clock.advance(70);
    state.address = '192.0.2.3';
    const quick = await askAsync(cache, 'a.example.', 'A', { id: 99 });
    expect(quick.id).toBe(99);
    expect(quick.answers[0]).toMatchObject({ data: '192.0.2.3', ttl: 60 });
  });

  it('verify with FAILURE_RECHECK: serves stale without asking while the recheck runs', async () => {
    const clock = new FakeClock();
    const { up, state } = flaky();
    const cache = makeCache('cache {\n serve_stale 1h verify 0 0 10s\n}', up, clock);
    await askAsync(cache, 'a.example.', 'A');
    clock.advance(61);
    state.down = true;
    await askAsync(cache, 'a.example.', 'A');
    expect(up.seen).toHaveLength(2);
    const quiet = ask(cache, 'a.example.', 'A');
    expect(quiet.rcode).toBe(Rcode.NOERROR);
    expect(up.seen).toHaveLength(2);
    clock.advance(10);
    await askAsync(cache, 'a.example.', 'A');
    expect(up.seen).toHaveLength(3);
  });

  it('never lets a cached SERVFAIL hide a positive answer that may still be served', async () => {
    const clock = new FakeClock();
    const { up, state } = flaky();
    // servfail caching on, and a verify refresh that fails stores nothing: use a miss path.
    const cache = makeCache('cache {\n serve_stale 1h verify\n}', up, clock);
    await askAsync(cache, 'a.example.', 'A');
    clock.advance(61);
    state.down = true;
    up.script = (req) => respond(req, { rcode: Rcode.SERVFAIL });
    const r = await askAsync(cache, 'a.example.', 'A');
    expect(getRcode(r)).toBe(Rcode.NOERROR);
    expect(r.answers).toHaveLength(1);
  });
});

describe('serve_stale_policy prefer_positive', () => {
  it('keeps serving the last answering response over a later denial', async () => {
    const clock = new FakeClock();
    let mode: 'answer' | 'nxdomain' | 'empty' = 'answer';
    const up = new ScriptedUpstream((req) => {
      if (mode === 'answer') return respond(req, { answers: [a(req.qname, 60, '192.0.2.1')] });
      if (mode === 'nxdomain')
        return respond(req, { rcode: Rcode.NXDOMAIN, authorities: [soa('example.', 30, 30)] });
      return respond(req);
    });
    up.async = true;
    const cache = makeCache('cache {\n serve_stale 1h\n serve_stale_policy prefer_positive\n}', up, clock);
    await askAsync(cache, 'a.example.', 'A');
    clock.advance(61);
    mode = 'nxdomain';
    expect(ask(cache, 'a.example.', 'A').reply?.answers[0]).toMatchObject({ data: '192.0.2.1', ttl: 0 });
    await settle();
    // The refresh stored the NXDOMAIN quietly; the positive answer still wins.
    expect(cache.metrics.entries('denial')).toBe(1);
    expect(getRcode(ask(cache, 'a.example.', 'A').reply as Message)).toBe(Rcode.NOERROR);
    await settle();
    // An empty NOERROR does not destroy the last known good answer either.
    const c2 = makeCache('cache {\n serve_stale 1h\n serve_stale_policy prefer_positive\n}', up, clock);
    mode = 'answer';
    await askAsync(c2, 'b.example.', 'A');
    clock.advance(61);
    mode = 'empty';
    ask(c2, 'b.example.', 'A');
    await settle();
    expect(up.seen).toHaveLength(5);
    expect(ask(c2, 'b.example.', 'A').reply?.answers[0]).toMatchObject({ data: '192.0.2.1' });
    // Without the policy the empty answer replaces it.
    const c3 = makeCache('cache {\n serve_stale 1h\n}', up, clock);
    mode = 'answer';
    await askAsync(c3, 'c.example.', 'A');
    clock.advance(61);
    mode = 'empty';
    ask(c3, 'c.example.', 'A');
    await settle();
    expect(ask(c3, 'c.example.', 'A').reply?.answers).toEqual([]);
  });
});

describe('metadata', () => {
  it('records and republishes zone/wildcard for answers from a wildcard', async () => {
    const up = new ScriptedUpstream((req) => {
      req.setMetadata('zone/wildcard', () => '*.example.');
      return respond(req, { answers: [a(req.qname, 60, '192.0.2.1')] });
    });
    const cache = makeCache('cache', up);
    await askAsync(cache, 'x.example.', 'A');
    const hit = ask(cache, 'X.example.', 'A');
    expect(hit.reply).toBeDefined();
    expect(hit.req.metadata('zone/wildcard')).toBe('*.example.');
    expect(ask(cache, 'y.example.', 'A').req.metadata('zone/wildcard')).toBe('*.example.');
    const plain = makeCache('cache', addressUpstream());
    await askAsync(plain, 'x.example.', 'A');
    expect(ask(plain, 'x.example.', 'A').req.metadata('zone/wildcard')).toBeUndefined();
  });
});

describe('records of every section', () => {
  it('caches authority and additional records with the answer and ages them together', async () => {
    const clock = new FakeClock();
    const ns: ResourceRecord = { name: 'example.', type: 'NS', class: 'IN', ttl: 500, data: 'ns.example.' };
    const up = new ScriptedUpstream((req) =>
      respond(req, {
        answers: [a(req.qname, 400, '192.0.2.1')],
        authorities: [ns],
        additionals: [a('ns.example.', 450, '192.0.2.53')],
      }),
    );
    const cache = makeCache('cache', up, clock);
    await askAsync(cache, 'a.example.', 'A', { do: true });
    clock.advance(10);
    const hit = ask(cache, 'a.example.', 'A', { do: true }).reply as Message;
    expect(ttls(hit)).toEqual([390, 390, 390]);
    expect(hit.authorities[0]).toMatchObject({ type: 'NS', data: 'ns.example.' });
    expect(hit.additionals.map((rr) => rr.type)).toEqual(['A']);
  });
});
