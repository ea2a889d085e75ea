import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { dispatch } from './dispatch.js';
import { InflightTracker } from './inflight.js';
import { Router, type Site } from './router.js';
import { ServerWriter } from './writer.js';
import { makeQuery } from './test-support/client.js';
import { HandlerError, type Handler } from '../plugin/handler.js';
import type { SiteConfig } from '../plugin/controller.js';
import { Flag, Opcode, Rcode } from '../wire/constants.js';
import { decodeMessage } from '../wire/decode.js';
import { encodeMessage } from '../wire/encode.js';
import { createOpt, getOpt } from '../wire/edns.js';
import { getRcode, setOpcode } from '../wire/header.js';
import type { Message } from '../wire/types.js';
import { captureLog, type LogCapture } from '../log.js';

class FakeWriter extends ServerWriter {
  readonly sent: Uint8Array[] = [];
  constructor(readonly transport: 'udp' | 'tcp' = 'udp') {
    super('192.0.2.1', 5353, '127.0.0.1', 53);
  }
  protected send(bytes: Uint8Array): void {
    this.sent.push(bytes);
  }
  get answers(): Message[] {
    return this.sent.map((b) => decodeMessage(b));
  }
}

function site(zone: string, handler: Handler | undefined, debug = false): Site {
  const config: SiteConfig = { zone, port: '53', transport: 'dns', listenHosts: [], root: '/', debug };
  return { config, chain: handler, handlers: handler ? [handler] : [], file: 'Corefile', line: 1 };
}

const noted: string[] = [];
function answering(label: string): Handler {
  return {
    name: 'answering',
    serveDNS(req, w) {
      noted.push(`${label}:${req.zone}`);
      const m = req.reply();
      m.answers.push({ name: req.qname, type: 'A', class: 'IN', ttl: 1, data: '192.0.2.53' });
      w.write(m);
      return Rcode.NOERROR;
    },
  };
}

function router(...sites: Site[]): Router {
  const r = new Router(sites, new InflightTracker());
  r.address = 'dns://:53';
  return r;
}

function ask(
  r: Router,
  bytes: Uint8Array,
  transport: 'udp' | 'tcp' = 'udp',
): { w: FakeWriter; pending: Promise<void> | undefined } {
  const w = new FakeWriter(transport);
  const pending = dispatch(r, new InflightTracker(), bytes, w);
  return { w, pending };
}

let logs: LogCapture;
beforeEach(() => {
  logs = captureLog();
  noted.length = 0;
});
afterEach(() => logs.restore());

describe('dispatch: message checks', () => {
  const r = router(site('.', answering('root')));

  it('drops input shorter than a header without answering', () => {
    expect(ask(r, new Uint8Array([1, 2, 3])).w.sent).toEqual([]);
    expect(ask(r, new Uint8Array(11)).w.sent).toEqual([]);
  });

  it('drops messages with QR set', () => {
    const q = makeQuery('example.org.', 'A', { flags: Flag.QR });
    expect(ask(r, encodeMessage(q)).w.sent).toEqual([]);
    expect(noted).toEqual([]);
  });

  it('answers FORMERR to bytes that do not decode, echoing ID, RD and a readable question', () => {
    const bytes = encodeMessage(makeQuery('example.org.', 'AAAA', { id: 0xbeef }));
    const broken = new Uint8Array(bytes.length + 3);
    broken.set(bytes);
    broken[7] = 1; // ANCOUNT 1, but the record is three bytes of nothing
    const [a] = ask(r, broken).w.answers;
    expect(a.id).toBe(0xbeef);
    expect(a.flags & 0xf).toBe(Rcode.FORMERR);
    expect(a.flags & Flag.QR).toBe(Flag.QR);
    expect(a.flags & Flag.RD).toBe(Flag.RD);
    expect(a.questions).toEqual([{ name: 'example.org.', type: 'AAAA', class: 'IN' }]);
  });

  it('answers FORMERR without a question when even the question is broken', () => {
    const header = new Uint8Array([0x12, 0x34, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0, 7, 0x65]);
    const [a] = ask(r, header).w.answers;
    expect(a.id).toBe(0x1234);
    expect(getRcode(a)).toBe(Rcode.FORMERR);
    expect(a.questions).toEqual([]);
  });

  it('answers FORMERR when there is not exactly one question', () => {
    const none = makeQuery('example.org.');
    none.questions = [];
    expect(getRcode(ask(r, encodeMessage(none)).w.answers[0])).toBe(Rcode.FORMERR);
    const two = makeQuery('example.org.');
    two.questions.push({ name: 'example.net.', type: 'A', class: 'IN' });
    const [a] = ask(r, encodeMessage(two)).w.answers;
    expect(getRcode(a)).toBe(Rcode.FORMERR);
    expect(noted).toEqual([]);
  });

  it('answers FORMERR to two OPT records (RFC 6891 6.1.1)', () => {
    const q = makeQuery('example.org.', 'A', { edns: true });
    q.additionals.push({ ...getOpt(q)! });
    expect(getRcode(ask(r, encodeMessage(q)).w.answers[0])).toBe(Rcode.FORMERR);
  });

  it('answers NOTIMP to opcodes other than QUERY and NOTIFY', () => {
    for (const opcode of [Opcode.IQUERY, Opcode.STATUS, Opcode.UPDATE, 3, 15]) {
      const q = makeQuery('example.org.');
      setOpcode(q, opcode);
      const [a] = ask(r, encodeMessage(q)).w.answers;
      expect(getRcode(a)).toBe(Rcode.NOTIMP);
      expect((a.flags >> 11) & 0xf).toBe(opcode);
    }
    expect(noted).toEqual([]);
  });

  it('passes NOTIFY to the chain', () => {
    const q = makeQuery('example.org.', 'SOA');
    setOpcode(q, Opcode.NOTIFY);
    const [a] = ask(r, encodeMessage(q)).w.answers;
    expect(getRcode(a)).toBe(Rcode.NOERROR);
    expect((a.flags >> 11) & 0xf).toBe(Opcode.NOTIFY);
    expect(noted).toEqual(['root:.']);
  });

  it('answers BADVERS with an OPT of version 0 to EDNS versions above 0', () => {
    const [a] = ask(r, encodeMessage(makeQuery('example.org.', 'A', { ednsVersion: 1 }))).w.answers;
    expect(getRcode(a)).toBe(Rcode.BADVERS);
    expect(a.flags & 0xf).toBe(0);
    const opt = getOpt(a)!;
    expect(opt.extendedRcode).toBe(1);
    expect(opt.ednsVersion).toBe(0);
    expect(noted).toEqual([]);
  });

  it('REFUSES names no server block serves, and zones without handlers', () => {
    const r2 = router(site('example.org.', answering('org')), site('empty.example.', undefined));
    expect(getRcode(ask(r2, encodeMessage(makeQuery('example.net.'))).w.answers[0])).toBe(Rcode.REFUSED);
    expect(getRcode(ask(r2, encodeMessage(makeQuery('a.empty.example.'))).w.answers[0])).toBe(Rcode.REFUSED);
    expect(noted).toEqual([]);
  });

  it('REFUSES classes other than IN unless a chaos or forward handler is on the listener', () => {
    const ch = makeQuery('version.bind.', 'TXT');
    ch.questions[0].class = 'CH';
    expect(getRcode(ask(r, encodeMessage(ch)).w.answers[0])).toBe(Rcode.REFUSED);
    expect(noted).toEqual([]);
    const chaos: Handler = { ...answering('chaos'), name: 'chaos' };
    ask(router(site('.', chaos)), encodeMessage(ch));
    expect(noted).toEqual(['chaos:.']);
  });

  it('never throws and answers at most once, whatever the bytes (fuzz)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 600 }), (bytes) => {
        const { w } = ask(r, bytes);
        expect(w.sent.length).toBeLessThanOrEqual(1);
        for (const a of w.answers) expect(a.flags & Flag.QR).toBe(Flag.QR);
      }),
      { numRuns: 2000 },
    );
  });

  it('never throws on mutated valid queries (fuzz)', () => {
    const base = encodeMessage(makeQuery('www.example.org.', 'A', { edns: true, dnssecOk: true }));
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.nat(base.length - 1), fc.integer({ min: 0, max: 255 })), { maxLength: 8 }),
        fc.nat(base.length),
        (edits, cut) => {
          const bytes = base.slice(0, Math.max(cut, 12));
          for (const [i, v] of edits) if (i < bytes.length) bytes[i] = v;
          expect(ask(r, bytes).w.sent.length).toBeLessThanOrEqual(1);
        },
      ),
      { numRuns: 2000 },
    );
  });
});

describe('dispatch: the answer', () => {
  const r = router(site('.', answering('root')));

  it('copies ID and RD, echoes the question, and has OPT exactly when the query had one', () => {
    const plain = ask(r, encodeMessage(makeQuery('Example.ORG.', 'A', { id: 77 }))).w.answers[0];
    expect(plain.id).toBe(77);
    expect(plain.flags & Flag.RD).toBe(Flag.RD);
    expect(plain.questions).toEqual([{ name: 'Example.ORG.', type: 'A', class: 'IN' }]);
    expect(getOpt(plain)).toBeUndefined();

    const edns = ask(r, encodeMessage(makeQuery('example.org.', 'A', { dnssecOk: true, udpSize: 4096 }))).w
      .answers[0];
    const opt = getOpt(edns)!;
    expect(opt.ednsVersion).toBe(0);
    expect(opt.flags & 0x8000).toBe(0x8000);
  });

  it('fixes a plugin OPT record to agree with the query, and strips one the query did not ask for', () => {
    const withOpt: Handler = {
      name: 'withopt',
      serveDNS(req, w) {
        const m = req.reply();
        m.additionals = [createOpt({ udpPayloadSize: 4096, dnssecOk: true })];
        w.write(m);
        return Rcode.NOERROR;
      },
    };
    const r2 = router(site('.', withOpt));
    expect(getOpt(ask(r2, encodeMessage(makeQuery('example.org.'))).w.answers[0])).toBeUndefined();
    const a = ask(r2, encodeMessage(makeQuery('example.org.', 'A', { dnssecOk: false }))).w.answers[0];
    expect(getOpt(a)!.flags & 0x8000).toBe(0);
  });

  it('routes to the longest matching zone and sets req.zone', () => {
    const r2 = router(
      site('.', answering('root')),
      site('example.org.', answering('org')),
      site('sub.example.org.', answering('sub')),
    );
    ask(r2, encodeMessage(makeQuery('www.SUB.example.org.')));
    ask(r2, encodeMessage(makeQuery('www.example.org.')));
    ask(r2, encodeMessage(makeQuery('example.org.')));
    ask(r2, encodeMessage(makeQuery('xsub.example.org.')));
    ask(r2, encodeMessage(makeQuery('org.')));
    expect(noted).toEqual([
      'sub:sub.example.org.',
      'org:example.org.',
      'org:example.org.',
      'org:example.org.',
      'root:.',
    ]);
  });

  it('sends a DS query for a zone apex to the closest served parent', () => {
    const r2 = router(
      site('.', answering('root')),
      site('example.org.', answering('org')),
      site('child.example.org.', answering('child')),
    );
    ask(r2, encodeMessage(makeQuery('child.example.org.', 'DS')));
    ask(r2, encodeMessage(makeQuery('child.example.org.', 'A')));
    ask(r2, encodeMessage(makeQuery('example.org.', 'DS')));
    ask(r2, encodeMessage(makeQuery('www.child.example.org.', 'DS')));
    expect(noted).toEqual([
      'org:example.org.',
      'child:child.example.org.',
      'org:example.org.',
      'child:child.example.org.',
    ]);
  });
});

describe('Router.route', () => {
  const query = (name: string, qtype = 'A') => {
    let reads = 0;
    return {
      get name() {
        reads++;
        return name;
      },
      qtype,
      reads: () => reads,
    };
  };

  it('routes to the root without reading the name, and reads it once otherwise', () => {
    const rootOnly = router(site('.', answering('root')));
    const q = query('www.example.org.');
    expect(rootOnly.route(q)?.config.zone).toBe('.');
    expect(q.reads()).toBe(0);

    const r2 = router(
      site('.', answering('root')),
      site('example.org.', answering('org')),
      site('a.example.org.', answering('a')),
    );
    for (const [name, zone] of [
      ['www.example.org.', 'example.org.'],
      ['example.net.', '.'],
      ['x.a.example.org.', 'a.example.org.'],
    ]) {
      const each = query(name);
      expect(r2.route(each)?.config.zone).toBe(zone);
      expect(each.reads()).toBe(1);
    }
  });

  it('refuses a name outside every zone, and keeps DS at the root for the root zone', () => {
    const r2 = router(site('example.org.', answering('org')));
    expect(r2.route(query('example.net.'))).toBeUndefined();
    const withRoot = router(site('.', answering('root')));
    expect(withRoot.route(query('.', 'DS'))?.config.zone).toBe('.');
  });
});

describe('dispatch: chain results', () => {
  function returning(rcode: number): Handler {
    return { name: 'ret', serveDNS: () => rcode };
  }

  it('writes the rcode of a chain that wrote nothing', () => {
    for (const rcode of [Rcode.SERVFAIL, Rcode.REFUSED, Rcode.FORMERR, Rcode.NOTIMP]) {
      const answers = ask(router(site('.', returning(rcode))), encodeMessage(makeQuery('example.org.'))).w
        .answers;
      expect(answers.map(getRcode)).toEqual([rcode]);
    }
  });

  it('writes nothing more when the chain says it wrote', () => {
    expect(
      ask(router(site('.', returning(Rcode.NXDOMAIN))), encodeMessage(makeQuery('example.org.'))).w.sent,
    ).toEqual([]);
    const wroteThenFailed: Handler = {
      name: 'w',
      serveDNS(req, w) {
        w.write(req.reply(Rcode.NXDOMAIN));
        return Rcode.SERVFAIL;
      },
    };
    const answers = ask(router(site('.', wroteThenFailed)), encodeMessage(makeQuery('example.org.'))).w
      .answers;
    expect(answers.map(getRcode)).toEqual([Rcode.NXDOMAIN]);
  });

  it('turns a thrown HandlerError into its rcode, without a panic log', () => {
    const h: Handler = {
      name: 'h',
      serveDNS() {
        throw new HandlerError('h', 'nope', Rcode.REFUSED);
      },
    };
    expect(
      ask(router(site('.', h)), encodeMessage(makeQuery('example.org.'))).w.answers.map(getRcode),
    ).toEqual([Rcode.REFUSED]);
    expect(logs.lines).toEqual([]);
  });

  it('recovers from any other exception with SERVFAIL and an error log', () => {
    const h: Handler = {
      name: 'h',
      serveDNS() {
        throw new TypeError('x is undefined');
      },
    };
    expect(
      ask(router(site('.', h)), encodeMessage(makeQuery('example.org.'))).w.answers.map(getRcode),
    ).toEqual([Rcode.SERVFAIL]);
    expect(logs.lines).toEqual([
      '[ERROR] Recovered from panic in server: "dns://:53" TypeError: x is undefined',
    ]);
  });

  it('rethrows instead of recovering when the block has debug', () => {
    const h: Handler = {
      name: 'h',
      serveDNS() {
        throw new Error('crash me');
      },
    };
    expect(() => ask(router(site('.', h, true)), encodeMessage(makeQuery('example.org.')))).toThrow(
      'crash me',
    );
  });

  it('handles asynchronous chains: answer, rcode, rejection, debug rejection', async () => {
    const later = (fn: () => number): Handler => ({
      name: 'later',
      serveDNS: () =>
        new Promise<number>((resolve, reject) =>
          setTimeout(() => {
            try {
              resolve(fn());
            } catch (e) {
              reject(e);
            }
          }, 1),
        ),
    });
    const q = encodeMessage(makeQuery('example.org.'));

    const ok = ask(router(site('.', answering('sync'))), q);
    expect(ok.pending).toBeUndefined();

    const refused = ask(
      router(
        site(
          '.',
          later(() => Rcode.REFUSED),
        ),
      ),
      q,
    );
    expect(refused.pending).toBeInstanceOf(Promise);
    expect(refused.w.sent).toEqual([]);
    await refused.pending;
    expect(refused.w.answers.map(getRcode)).toEqual([Rcode.REFUSED]);

    const failing = ask(
      router(
        site(
          '.',
          later(() => {
            throw new Error('async boom');
          }),
        ),
      ),
      q,
    );
    await failing.pending;
    expect(failing.w.answers.map(getRcode)).toEqual([Rcode.SERVFAIL]);
    expect(logs.lines).toEqual(['[ERROR] Recovered from panic in server: "dns://:53" Error: async boom']);

    const debug = ask(
      router(
        site(
          '.',
          later(() => {
            throw new Error('debug boom');
          }),
          true,
        ),
      ),
      q,
    );
    await expect(debug.pending).rejects.toThrow('debug boom');
  });

  it('counts asynchronous queries in flight on the instance and the listener', async () => {
    let release!: () => void;
    const h: Handler = {
      name: 'h',
      serveDNS: () => new Promise<number>((resolve) => (release = () => resolve(Rcode.SERVFAIL))),
    };
    const r2 = router(site('.', h));
    const listener = new InflightTracker();
    const w = new FakeWriter();
    const pending = dispatch(r2, listener, encodeMessage(makeQuery('example.org.')), w);
    expect(r2.instanceInflight.count).toBe(1);
    expect(listener.count).toBe(1);
    release();
    await pending;
    expect(r2.instanceInflight.count).toBe(0);
    expect(listener.count).toBe(0);
  });

  it('answers SERVFAIL when a plugin writes a message the codec cannot encode', () => {
    const bad: Handler = {
      name: 'bad',
      serveDNS(req, w) {
        const m = req.reply();
        m.answers.push({ name: req.qname, type: 'A', class: 'IN', ttl: 1, data: 'not an address' });
        w.write(m);
        return Rcode.NOERROR;
      },
    };
    expect(
      ask(router(site('.', bad)), encodeMessage(makeQuery('example.org.'))).w.answers.map(getRcode),
    ).toEqual([Rcode.SERVFAIL]);
    expect(logs.lines[0]).toMatch(
      /^\[ERROR\] Could not encode the response to "A IN example.org." \(id \d+\): /,
    );
  });
});

describe('dispatch: sizes', () => {
  const many: Handler = {
    name: 'many',
    serveDNS(req, w) {
      const m = req.reply();
      for (let i = 0; i < 100; i++)
        m.answers.push({ name: req.qname, type: 'A', class: 'IN', ttl: 1, data: `198.51.100.${i}` });
      w.write(m);
      return Rcode.NOERROR;
    },
  };
  const r = router(site('.', many));

  it('truncates UDP answers to 512 octets without EDNS, with TC', () => {
    const { w } = ask(r, encodeMessage(makeQuery('example.org.')));
    expect(w.sent[0].length).toBeLessThanOrEqual(512);
    const a = w.answers[0];
    expect(a.flags & Flag.TC).toBe(Flag.TC);
    expect(a.answers.length).toBeLessThan(100);
  });

  it('fits the advertised EDNS size, and never less than 512', () => {
    const big = ask(r, encodeMessage(makeQuery('example.org.', 'A', { udpSize: 4096 }))).w;
    expect(big.answers[0].answers).toHaveLength(100);
    expect(big.answers[0].flags & Flag.TC).toBe(0);
    const tiny = ask(r, encodeMessage(makeQuery('example.org.', 'A', { udpSize: 100 }))).w;
    expect(tiny.sent[0].length).toBeGreaterThan(400);
    expect(tiny.sent[0].length).toBeLessThanOrEqual(512);
    expect(tiny.answers[0].flags & Flag.TC).toBe(Flag.TC);
  });

  it('does not truncate over TCP', () => {
    const a = ask(r, encodeMessage(makeQuery('example.org.')), 'tcp').w.answers[0];
    expect(a.answers).toHaveLength(100);
    expect(a.flags & Flag.TC).toBe(0);
  });
});
