import { describe, expect, it } from 'vitest';
import { nextOrFailure, type Handler } from './handler.js';
import type { HopObserver } from './hop.js';
import { Request } from './request.js';
import type { ResponseWriter } from './writer.js';

const writer: ResponseWriter = {
  write() {},
  transport: 'udp',
  remoteAddress: '127.0.0.1',
  remotePort: 5353,
  localAddress: '127.0.0.1',
  localPort: 53,
};

function query(): Request {
  return new Request(
    {
      id: 1,
      flags: 0,
      questions: [{ name: 'a.', type: 'A', class: 'IN' }],
      answers: [],
      authorities: [],
      additionals: [],
    },
    writer,
  );
}

/** a -> b -> c, each calling the next through nextOrFailure; c answers 0 or a Promise of 0. */
function chain(path: string[], asyncLeaf: boolean): Handler {
  const c: Handler = {
    name: 'c',
    serveDNS: () => {
      path.push('c');
      return asyncLeaf ? Promise.resolve(0) : 0;
    },
  };
  const b: Handler = { name: 'b', serveDNS: (req, w) => (path.push('b'), nextOrFailure('b', c, req, w)) };
  return { name: 'a', serveDNS: (req, w) => (path.push('a'), nextOrFailure('a', b, req, w)) };
}

/** Records each hop, and its end once the next handler's result is in. */
function recorder(path: string[]): HopObserver {
  return {
    hop(next, req, w) {
      path.push(`>${next.name}`);
      const r = next.serveDNS(req, w);
      if (typeof r === 'number') {
        path.push(`<${next.name}`);
        return r;
      }
      return r.then((rc) => (path.push(`<${next.name}`), rc));
    },
  };
}

describe('HopObserver', () => {
  it('makes every nextOrFailure call of a watched query, keeping a synchronous chain synchronous', () => {
    const path: string[] = [];
    const req = query();
    req.hops = recorder(path);
    const result = chain(path, false).serveDNS(req, writer);
    expect(result).toBe(0);
    expect(path).toEqual(['a', '>b', 'b', '>c', 'c', '<c', '<b']);
  });

  it('sees asynchronous handlers settle in nesting order', async () => {
    const path: string[] = [];
    const req = query();
    req.hops = recorder(path);
    await chain(path, true).serveDNS(req, writer);
    expect(path).toEqual(['a', '>b', 'b', '>c', 'c', '<c', '<b']);
  });

  it('is not involved in queries nobody watches', () => {
    const path: string[] = [];
    expect(chain(path, false).serveDNS(query(), writer)).toBe(0);
    expect(path).toEqual(['a', 'b', 'c']);
  });
});
