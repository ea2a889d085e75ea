import { describe, expect, it } from 'vitest';
import {
  Dispenser,
  Flag,
  HandlerError,
  Rcode,
  Request,
  createOpt,
  decodeMessage,
  encodeMessage,
  getRcode,
  tokenize,
  type Handler,
  type Message,
} from '@tsdns/core';
import { CaptureWriter } from '@tsdns/testing';
import { HostsHandler } from './hosts.js';
import { parseHosts } from './setup.js';
import { HostsStore } from './store.js';

/** Stands for the rest of the chain: counts the queries that reach it and refuses them. */
class NextHandler implements Handler {
  readonly name = 'next';
  calls = 0;
  serveDNS(): number {
    this.calls++;
    return Rcode.REFUSED;
  }
}

const ENTRIES = [
  '127.0.0.1 localhost localhost.domain',
  '::1 localhost localhost.domain',
  '10.0.0.1 example.org',
  '::FFFF:10.0.0.2 example.com',
  '10.0.0.3 fallthrough-example.org',
  '1.2.3.4 aa.example.com',
  '5.6.7.8 *.apps.example.com',
  '2001:db8::5 v6only.example.org',
];

/** A handler over inline entries (the file is absent and never read). */
function handler(options: string[] = [], zones = ['.'], withNext = true): HostsHandler {
  const text = `hosts /nonexistent/hosts {\n${[...ENTRIES, ...options].join('\n')}\n}`;
  const c = Object.assign(new Dispenser(tokenize(text, 'Corefile'), 'Corefile'), {
    zones,
    config: { root: '/' },
  });
  return new HostsHandler(new HostsStore(parseHosts(c)), withNext ? new NextHandler() : undefined);
}

function ask(h: HostsHandler, name: string, type: string, edns = false) {
  const w = new CaptureWriter();
  const msg: Message = {
    id: 7,
    flags: Flag.RD,
    questions: [{ name, type, class: 'IN' }],
    answers: [],
    authorities: [],
    additionals: edns ? [createOpt({ udpPayloadSize: 4096 })] : [],
  };
  const rcode = h.serveDNS(new Request(msg, w), w);
  expect(typeof rcode).toBe('number'); // synchronous: no Promise on this path
  const reply = w.written.length === 1 ? decodeMessage(encodeMessage(w.written[0])) : undefined;
  expect(w.written.length).toBeLessThanOrEqual(1);
  return { rcode: rcode as number, reply, nextCalls: (h.next as NextHandler | undefined)?.calls ?? 0 };
}

const data = (m: Message | undefined) =>
  m?.answers.map((r) => [r.name, r.type, 'ttl' in r ? r.ttl : 0, 'data' in r ? r.data : undefined]);

describe('HostsHandler', () => {
  it('answers A and AAAA authoritatively with the TTL (default 3600)', () => {
    const h = handler();
    const a = ask(h, 'example.org.', 'A');
    expect(a.rcode).toBe(Rcode.NOERROR);
    expect((a.reply?.flags ?? 0) & Flag.AA).toBe(Flag.AA);
    expect((a.reply?.flags ?? 0) & Flag.RD).toBe(Flag.RD);
    expect(data(a.reply)).toEqual([['example.org.', 'A', 3600, '10.0.0.1']]);
    expect(data(ask(h, 'localhost.', 'AAAA').reply)).toEqual([['localhost.', 'AAAA', 3600, '::1']]);
    expect(data(ask(handler(['ttl 60']), 'localhost.', 'A').reply)).toEqual([
      ['localhost.', 'A', 60, '127.0.0.1'],
    ]);
  });

  it('keeps the letter case of the question in the answer and matches any case', () => {
    expect(data(ask(handler(), 'ExAmPlE.oRg.', 'A').reply)).toEqual([
      ['ExAmPlE.oRg.', 'A', 3600, '10.0.0.1'],
    ]);
  });

  it('serves an IPv4-mapped entry as A, with its in-addr.arpa PTR', () => {
    const h = handler();
    expect(data(ask(h, 'example.com.', 'A').reply)).toEqual([['example.com.', 'A', 3600, '10.0.0.2']]);
    expect(data(ask(h, '2.0.0.10.in-addr.arpa.', 'PTR').reply)).toEqual([
      ['2.0.0.10.in-addr.arpa.', 'PTR', 3600, 'example.com.'],
    ]);
  });

  it('answers PTR with every name of the address, in file order', () => {
    const r = ask(handler(), '1.0.0.127.in-addr.arpa.', 'PTR');
    expect((r.reply?.flags ?? 0) & Flag.AA).toBe(Flag.AA);
    expect(data(r.reply)).toEqual([
      ['1.0.0.127.in-addr.arpa.', 'PTR', 3600, 'localhost.'],
      ['1.0.0.127.in-addr.arpa.', 'PTR', 3600, 'localhost.domain.'],
    ]);
    const v6 = ask(
      handler(),
      '5.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa.',
      'PTR',
    );
    expect(data(v6.reply)?.map((r) => r[3])).toEqual(['v6only.example.org.']);
  });

  it('answers PTR even when the reverse zone is not one of its zones', () => {
    const h = handler([], ['example.org.']);
    expect(data(ask(h, '1.0.0.10.in-addr.arpa.', 'PTR').reply)).toEqual([
      ['1.0.0.10.in-addr.arpa.', 'PTR', 3600, 'example.org.'],
    ]);
    // Names outside the zones were never loaded, so their addresses have no PTR.
    expect(ask(h, '1.0.0.127.in-addr.arpa.', 'PTR').nextCalls).toBe(1);
  });

  it('passes PTR queries it cannot answer to the next plugin, fallthrough or not', () => {
    const h = handler();
    for (const name of ['9.9.9.9.in-addr.arpa.', '0.10.in-addr.arpa.', 'example.org.']) {
      const r = ask(h, name, 'PTR');
      expect(r.reply).toBeUndefined();
      expect(r.rcode).toBe(Rcode.REFUSED); // what the next plugin said
    }
    expect((h.next as NextHandler).calls).toBe(3);
  });

  it('generates no PTR with no_reverse', () => {
    const r = ask(handler(['no_reverse']), '1.0.0.10.in-addr.arpa.', 'PTR');
    expect(r.nextCalls).toBe(1);
    expect(r.reply).toBeUndefined();
  });

  it('answers NODATA (NOERROR, AA, empty, no SOA) for a name that has other records', () => {
    const h = handler();
    for (const [name, type] of [
      ['example.org.', 'AAAA'],
      ['v6only.example.org.', 'A'],
      ['example.org.', 'MX'],
      ['example.org.', 'TXT'],
      ['example.org.', 'ANY'],
    ]) {
      const r = ask(h, name, type);
      expect(r.rcode, `${name} ${type}`).toBe(Rcode.NOERROR);
      expect((r.reply?.flags ?? 0) & Flag.AA).toBe(Flag.AA);
      expect(r.reply?.answers).toEqual([]);
      expect(r.reply?.authorities).toEqual([]);
    }
  });

  it('answers SERVFAIL (nothing written) for an unknown name without fallthrough, as CoreDNS', () => {
    const r = ask(handler(), 'missing.example.org.', 'A');
    expect(r.rcode).toBe(Rcode.SERVFAIL);
    expect(r.reply).toBeUndefined();
    expect(r.nextCalls).toBe(0);
  });

  it('falls through for unknown names that fallthrough covers', () => {
    const all = ask(handler(['fallthrough']), 'missing.example.org.', 'A');
    expect(all.nextCalls).toBe(1);
    expect(all.reply).toBeUndefined();
    const some = handler(['fallthrough example.net']);
    expect(ask(some, 'missing.example.net.', 'A').nextCalls).toBe(1);
    expect(ask(some, 'missing.example.org.', 'A').rcode).toBe(Rcode.SERVFAIL);
    // Known names never fall through.
    expect(ask(handler(['fallthrough']), 'example.org.', 'AAAA').nextCalls).toBe(0);
  });

  it('passes other types of known names on only with fallthrough_unsupported, inside fallthrough', () => {
    const h = handler(['fallthrough example.org', 'fallthrough_unsupported']);
    expect(ask(h, 'example.org.', 'TXT').nextCalls).toBe(1);
    expect(ask(h, 'example.org.', 'A').reply?.answers).toHaveLength(1);
    const r = ask(h, 'example.com.', 'TXT'); // outside the fallthrough zones
    expect(r.rcode).toBe(Rcode.NOERROR);
    expect(r.reply?.answers).toEqual([]);
  });

  it('sends names outside its zones to the next plugin, whatever fallthrough says', () => {
    const h = handler([], ['example.org.']);
    const r = ask(h, 'example.com.', 'A');
    expect(r.nextCalls).toBe(1);
    expect(r.reply).toBeUndefined();
  });

  it('answers from a wildcard entry one label deep', () => {
    const h = handler();
    expect(data(ask(h, 'foo.apps.example.com.', 'A').reply)).toEqual([
      ['foo.apps.example.com.', 'A', 3600, '5.6.7.8'],
    ]);
    expect(ask(h, 'apps.example.com.', 'A').rcode).toBe(Rcode.SERVFAIL);
    expect(ask(h, 'a.b.apps.example.com.', 'A').rcode).toBe(Rcode.SERVFAIL);
    expect(ask(h, '8.7.6.5.in-addr.arpa.', 'PTR').nextCalls).toBe(1);
  });

  it('fails with SERVFAIL when it has to pass a query on and no plugin follows', () => {
    const h = handler([], ['example.org.'], false);
    const w = new CaptureWriter();
    const msg: Message = {
      id: 1,
      flags: 0,
      questions: [{ name: 'example.com.', type: 'A', class: 'IN' }],
      answers: [],
      authorities: [],
      additionals: [],
    };
    expect(() => h.serveDNS(new Request(msg, w), w)).toThrow(HandlerError);
  });

  it('echoes EDNS in its answers', () => {
    const r = ask(handler(), 'example.org.', 'A', true);
    expect(getRcode(r.reply as Message)).toBe(Rcode.NOERROR);
    expect(r.reply?.additionals.map((x) => x.type)).toEqual(['OPT']);
  });

  it('counts entries as CoreDNS does for coredns_hosts_entries', () => {
    // 8 lines: 10 forward addresses (9 exact, 1 wildcard) and 9 reverse names.
    expect(handler().store.table.entries).toBe(19);
  });
});
