import { describe, expect, it } from 'vitest';
import { Rcode, Request, getRcode, type Message } from '@tsdns/core';
import { CaptureWriter, buildQuery } from '@tsdns/testing';
import { AutoPath } from './autopath.js';
import { autopathSuccess } from './metrics.js';
import { TableChain } from './test-support/chain.js';

/** The pod the queries come from. */
const POD_IP = '10.244.1.7';
const podWriter = (): CaptureWriter => new CaptureWriter({ remoteAddress: POD_IP });

/** A pod's search path in namespace default of cluster.local, then the node's domain. */
const SEARCH = ['default.svc.cluster.local.', 'svc.cluster.local.', 'cluster.local.', 'example.net.', ''];

const TABLE = {
  'web.default.svc.cluster.local.': ['10.96.0.10'],
  'db.other.svc.cluster.local.': ['10.96.0.20'],
  'app.example.net.': ['192.0.2.8'],
  'www.example.com.': ['192.0.2.7', '192.0.2.9'],
};

function autopath(chain: TableChain, search: readonly string[] = SEARCH, zones = ['.']): AutoPath {
  const ap = new AutoPath(zones, search);
  ap.next = chain;
  return ap;
}

async function ask(
  ap: AutoPath,
  name: string,
  type = 'A',
  server = 'dns://:53',
): Promise<{ rcode: number; w: CaptureWriter }> {
  const w = podWriter();
  const req = new Request(buildQuery(name, type, { id: 777 }), w);
  req.server = server;
  const rcode = await ap.serveDNS(req, w);
  return { rcode, w };
}

function answers(msg: Message): [string, string, number, unknown][] {
  return msg.answers.map((rr) => [
    rr.name,
    rr.type,
    'ttl' in rr ? rr.ttl : -1,
    'data' in rr ? rr.data : undefined,
  ]);
}

describe('AutoPath', () => {
  it('answers a name in the first search domain directly, without a CNAME', async () => {
    const chain = new TableChain(TABLE);
    const { rcode, w } = await ask(autopath(chain), 'web.default.svc.cluster.local.');
    expect(rcode).toBe(Rcode.NOERROR);
    expect(chain.asked).toEqual(['web.default.svc.cluster.local.']);
    expect(w.written).toHaveLength(1);
    expect(answers(w.written[0])).toEqual([['web.default.svc.cluster.local.', 'A', 30, '10.96.0.10']]);
  });

  it('walks the search path and answers with a CNAME to the name found (example 6-27)', async () => {
    const chain = new TableChain(TABLE);
    const { rcode, w } = await ask(autopath(chain), 'www.example.com.default.svc.cluster.local.');
    expect(rcode).toBe(Rcode.NOERROR);
    expect(chain.asked).toEqual([
      'www.example.com.default.svc.cluster.local.',
      'www.example.com.svc.cluster.local.',
      'www.example.com.cluster.local.',
      'www.example.com.example.net.',
      'www.example.com.',
    ]);
    const [reply] = w.written;
    expect(reply.id).toBe(777);
    expect(reply.questions).toEqual([
      { name: 'www.example.com.default.svc.cluster.local.', type: 'A', class: 'IN' },
    ]);
    expect(answers(reply)).toEqual([
      ['www.example.com.default.svc.cluster.local.', 'CNAME', 30, 'www.example.com.'],
      ['www.example.com.', 'A', 30, '192.0.2.7'],
      ['www.example.com.', 'A', 30, '192.0.2.9'],
    ]);
  });

  it('stops at the first step that is not NXDOMAIN: a service in another namespace', async () => {
    const chain = new TableChain(TABLE);
    const { w } = await ask(autopath(chain), 'db.other.default.svc.cluster.local.');
    expect(chain.asked).toEqual(['db.other.default.svc.cluster.local.', 'db.other.svc.cluster.local.']);
    expect(answers(w.written[0])).toEqual([
      ['db.other.default.svc.cluster.local.', 'CNAME', 30, 'db.other.svc.cluster.local.'],
      ['db.other.svc.cluster.local.', 'A', 30, '10.96.0.20'],
    ]);
  });

  it('keeps the letter case of the question and owner the client wrote', async () => {
    const chain = new TableChain(TABLE);
    const { w } = await ask(autopath(chain), 'App.Default.SVC.cluster.local.');
    expect(chain.asked.at(-1)).toBe('app.example.net.');
    const [reply] = w.written;
    expect(reply.questions[0].name).toBe('App.Default.SVC.cluster.local.');
    expect(answers(reply)[0]).toEqual(['App.Default.SVC.cluster.local.', 'CNAME', 30, 'App.example.net.']);
  });

  it('takes NODATA as success: the name exists, with a CNAME and no other records', async () => {
    const chain = new TableChain(TABLE, ['api.svc.cluster.local.']);
    const { rcode, w } = await ask(autopath(chain), 'api.default.svc.cluster.local.', 'AAAA');
    expect(rcode).toBe(Rcode.NOERROR);
    expect(chain.asked).toEqual(['api.default.svc.cluster.local.', 'api.svc.cluster.local.']);
    // Nothing to point at: CoreDNS adds a CNAME only in front of a record of another name.
    expect(getRcode(w.written[0])).toBe(Rcode.NOERROR);
    expect(w.written[0].answers).toEqual([]);
    expect(w.written[0].questions[0].name).toBe('api.default.svc.cluster.local.');
  });

  it('returns the first answer when every step is NXDOMAIN, so the client searches on', async () => {
    const chain = new TableChain(TABLE);
    const { rcode, w } = await ask(autopath(chain), 'nothing.default.svc.cluster.local.');
    expect(rcode).toBe(Rcode.NXDOMAIN);
    expect(chain.asked).toHaveLength(SEARCH.length);
    expect(w.written).toHaveLength(1);
    expect(getRcode(w.written[0])).toBe(Rcode.NXDOMAIN);
    expect(w.written[0].questions[0].name).toBe('nothing.default.svc.cluster.local.');
  });

  it('skips a failing step and writes nothing when the first step failed and no other answered', async () => {
    const chain = new TableChain(TABLE, [], ['x.default.svc.cluster.local.', 'x.svc.cluster.local.']);
    const { rcode, w } = await ask(autopath(chain), 'x.default.svc.cluster.local.');
    expect(rcode).toBe(Rcode.SERVFAIL);
    expect(chain.asked).toHaveLength(SEARCH.length);
    expect(w.written).toEqual([]);
    const chain2 = new TableChain({ 'x.cluster.local.': ['10.0.0.1'] }, [], ['x.svc.cluster.local.']);
    const second = await ask(autopath(chain2), 'x.default.svc.cluster.local.');
    expect(second.rcode).toBe(Rcode.NOERROR);
    expect(answers(second.w.written[0])[0]).toEqual([
      'x.default.svc.cluster.local.',
      'CNAME',
      30,
      'x.cluster.local.',
    ]);
  });

  it('walks the same way when the chain answers asynchronously', async () => {
    const chain = new TableChain(TABLE);
    chain.async = true;
    const ap = autopath(chain);
    const w = podWriter();
    const result = ap.serveDNS(
      new Request(buildQuery('www.example.com.default.svc.cluster.local.', 'A'), w),
      w,
    );
    expect(result).toBeInstanceOf(Promise);
    expect(await result).toBe(Rcode.NOERROR);
    expect(chain.asked).toHaveLength(5);
    expect(answers(w.written[0])[0][1]).toBe('CNAME');
  });

  it('stays synchronous when the chain is synchronous', () => {
    const chain = new TableChain(TABLE);
    const w = podWriter();
    const rcode = autopath(chain).serveDNS(
      new Request(buildQuery('app.default.svc.cluster.local.', 'A'), w),
      w,
    );
    expect(rcode).toBe(Rcode.NOERROR);
    expect(w.written).toHaveLength(1);
  });

  it('passes on queries outside the first search domain, outside its zones, or for the domain itself', async () => {
    for (const name of ['www.example.com.', 'web.svc.cluster.local.', 'default.svc.cluster.local.']) {
      const chain = new TableChain(TABLE);
      await ask(autopath(chain), name);
      expect(chain.asked).toEqual([name]);
    }
    const chain = new TableChain(TABLE);
    await ask(autopath(chain, SEARCH, ['example.org.']), 'www.example.com.default.svc.cluster.local.');
    expect(chain.asked).toEqual(['www.example.com.default.svc.cluster.local.']);
  });

  it('passes on when the per-query search path is unknown or empty', async () => {
    for (const path of [undefined, []]) {
      const chain = new TableChain(TABLE);
      const ap = autopath(chain, []);
      ap.searchFunc = () => path;
      await ask(ap, 'www.example.com.default.svc.cluster.local.');
      expect(chain.asked).toEqual(['www.example.com.default.svc.cluster.local.']);
    }
  });

  it("uses the client's own search path from searchFunc over the configured one", async () => {
    const chain = new TableChain(TABLE);
    const ap = autopath(chain);
    const seen: string[] = [];
    ap.searchFunc = (req) => {
      seen.push(req.ip);
      return ['other.svc.cluster.local.', 'svc.cluster.local.', ''];
    };
    const { w } = await ask(ap, 'db.other.svc.cluster.local.');
    // First step answers: the client's namespace is "other".
    expect(seen).toEqual([POD_IP]);
    expect(chain.asked).toEqual(['db.other.svc.cluster.local.']);
    expect(answers(w.written[0])).toEqual([['db.other.svc.cluster.local.', 'A', 30, '10.96.0.20']]);
    const second = await ask(ap, 'www.example.com.other.svc.cluster.local.');
    expect(answers(second.w.written[0])[0]).toEqual([
      'www.example.com.other.svc.cluster.local.',
      'CNAME',
      30,
      'www.example.com.',
    ]);
  });

  it('handles a root first domain and skips steps longer than a name may be', async () => {
    const chain = new TableChain(TABLE);
    await ask(autopath(chain, ['.', 'example.net.', '']), 'app.');
    expect(chain.asked).toEqual(['app.', 'app.example.net.']);
    const base = `${'a'.repeat(63)}.${'b'.repeat(63)}.${'c'.repeat(63)}`;
    const chain2 = new TableChain(TABLE);
    // base + d{63} would be 257 octets on the wire.
    await ask(autopath(chain2, ['x.', `${'d'.repeat(63)}.`, '']), `${base}.x.`);
    expect(chain2.asked).toEqual([`${base}.x.`, `${base}.`]);
  });

  it('counts answers found further down the path in coredns_autopath_success_total per server', async () => {
    const server = 'dns://:10053';
    const before = autopathSuccess(server).value;
    const chain = new TableChain(TABLE);
    await ask(autopath(chain), 'www.example.com.default.svc.cluster.local.', 'A', server);
    await ask(autopath(chain), 'web.default.svc.cluster.local.', 'A', server);
    await ask(autopath(chain), 'nothing.default.svc.cluster.local.', 'A', server);
    // Every answer the walk gives, first step included, counts; the all-NXDOMAIN walk does not.
    expect(autopathSuccess(server).value - before).toBe(2);
  });
});
