import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { captureLog, type LogCapture } from '../log.js';
import { definePlugin } from '../plugin/define.js';
import { HandlerError } from '../plugin/handler.js';
import { Request } from '../plugin/request.js';
import { MAX_UPSTREAM_DEPTH, UpstreamError } from '../plugin/upstream.js';
import { Flag, Rcode } from '../wire/constants.js';
import { getRcode } from '../wire/header.js';
import type { Message } from '../wire/types.js';
import { startServer } from './instance.js';
import type { ServerInstance } from './types.js';
import { makeQuery, tcpExchange, udpExchange } from './test-support/client.js';

const enc = new TextEncoder();
const dec = new TextDecoder();

function txtReply(req: Request, text: string): Message {
  const msg = req.reply();
  msg.flags |= Flag.AA;
  msg.answers.push({ name: req.qname, type: 'TXT', class: 'IN', ttl: 0, data: [enc.encode(text)] });
  return msg;
}

/** `who`: answers TXT "ip transport id depth do" for any query. */
const whoPlugin = definePlugin({
  name: 'who',
  setup(c) {
    c.next();
    c.addHandler(() => ({
      name: 'who',
      serveDNS(req, w) {
        w.write(txtReply(req, `${req.ip} ${req.transport} ${req.id} ${req.depth} ${req.do}`));
        return Rcode.NOERROR;
      },
    }));
  },
});

/** `boom`: throws a HandlerError with NOTIMP. */
const boomPlugin = definePlugin({
  name: 'boom',
  setup(c) {
    c.next();
    c.addHandler(() => ({
      name: 'boom',
      serveDNS() {
        throw new HandlerError('boom', 'boom', Rcode.NOTIMP);
      },
    }));
  },
});

/**
 * `up NAME TYPE`: answers with the TXT data (or the rcode, or the error) of an upstream
 * lookup of NAME TYPE ("self" means the query's own name: a loop).
 */
const upPlugin = definePlugin({
  name: 'up',
  setup(c) {
    c.next();
    const [name, type] = c.remainingArgs();
    c.addHandler(() => ({
      name: 'up',
      async serveDNS(req, w) {
        let text: string;
        try {
          const answer = await req.upstream(name === 'self' ? req.qname : name, type);
          const rr = answer.answers[0];
          text = rr?.type === 'TXT' ? dec.decode(rr.data[0]) : `rcode ${getRcode(answer)} id ${answer.id}`;
        } catch (e) {
          if (!(e instanceof UpstreamError)) throw e;
          text = `error ${e.message}`;
        }
        w.write(txtReply(req, text));
        return Rcode.NOERROR;
      },
    }));
  },
});

let logs: LogCapture;
let server: ServerInstance | undefined;
beforeEach(() => {
  logs = captureLog();
});
afterEach(async () => {
  await server?.stop();
  server = undefined;
  logs.restore();
});

async function start(text: string): Promise<number> {
  server = await startServer(
    { text, filename: 'Corefile' },
    { plugins: [upPlugin, whoPlugin, boomPlugin], quiet: true, defaultPort: '0' },
  );
  return server.listeners[0].port;
}

async function ask(
  port: number,
  name: string,
  opts: { tcp?: boolean; dnssecOk?: boolean } = {},
): Promise<string> {
  const q = makeQuery(name, 'TXT', { id: 4321, dnssecOk: opts.dnssecOk });
  const reply = opts.tcp ? await tcpExchange(port, q) : await udpExchange(port, q);
  expect(reply.id).toBe(4321);
  const rr = reply.answers[0];
  if (rr?.type !== 'TXT') throw new Error(`no TXT answer: rcode ${getRcode(reply)}`);
  return dec.decode(rr.data[0]);
}

describe('upstream lookups through the server', () => {
  it('resolve through the block the name routes to, as the same client with a new ID', async () => {
    const port = await start('a.test {\n  up x.b.test. TXT\n}\nb.test {\n  who\n}\n');
    const [ip, transport, id, depth, dnssecOk] = (await ask(port, 'q.a.test.')).split(' ');
    expect([ip, transport, depth, dnssecOk]).toEqual(['127.0.0.1', 'udp', '1', 'false']);
    expect(Number(id)).not.toBe(4321);
    expect((await ask(port, 'q.a.test.', { tcp: true })).split(' ')[1]).toBe('tcp');
  });

  it("carry the client's EDNS DO bit", async () => {
    const port = await start('a.test {\n  up x.b.test. TXT\n}\nb.test {\n  who\n}\n');
    expect((await ask(port, 'q.a.test.', { dnssecOk: true })).split(' ')[4]).toBe('true');
  });

  it('stop a loop after MAX_UPSTREAM_DEPTH nested lookups', async () => {
    const port = await start('a.test {\n  up self TXT\n}\n');
    const text = await ask(port, 'q.a.test.');
    expect(text).toBe(`error upstream lookup of q.a.test. TXT nested more than ${MAX_UPSTREAM_DEPTH} deep`);
  });

  it('get the error answer the server would give: REFUSED without a block, a HandlerError rcode', async () => {
    const port = await start(
      'a.test {\n  up nowhere.example. TXT\n}\nc.test {\n  up x.d.test. TXT\n}\nd.test {\n  boom\n}\n',
    );
    expect((await ask(port, 'q.a.test.')).split(' ').slice(0, 2)).toEqual(['rcode', String(Rcode.REFUSED)]);
    expect((await ask(port, 'q.c.test.')).split(' ').slice(0, 2)).toEqual(['rcode', String(Rcode.NOTIMP)]);
  });

  it('reject outside a server', async () => {
    const req = new Request(makeQuery('x.test.', 'A'), {
      transport: 'udp',
      remoteAddress: '127.0.0.1',
      remotePort: 1,
      localAddress: '127.0.0.1',
      localPort: 53,
      write() {},
    });
    await expect(req.upstream('y.test.', 'A')).rejects.toThrow(UpstreamError);
  });

  it('keep the client EDNS record in the lookup query', async () => {
    const { upstreamQuery } = await import('../plugin/upstream.js');
    const q = makeQuery('x.test.', 'A', { dnssecOk: true, flags: Flag.RD | Flag.CD });
    q.authorities.push({ name: 'x.test.', type: 'A', class: 'IN', ttl: 1, data: '192.0.2.1' });
    const req = new Request(q, {
      transport: 'udp',
      remoteAddress: '127.0.0.1',
      remotePort: 1,
      localAddress: '127.0.0.1',
      localPort: 53,
      write() {},
    });
    const m = upstreamQuery(req, 'y.test.', 'AAAA');
    expect(m.questions).toEqual([{ name: 'y.test.', type: 'AAAA', class: 'IN' }]);
    expect(m.flags).toBe(Flag.RD | Flag.CD);
    expect(m.additionals).toEqual([q.additionals[0]]);
    expect(q.additionals[0].type).toBe('OPT');
    expect(m.authorities).toEqual([]);
  });
});
