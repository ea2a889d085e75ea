import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  Dispenser,
  Flag,
  HandlerError,
  Rcode,
  Request,
  captureLog,
  encodeMessage,
  tokenize,
  type Handler,
  type LogCapture,
  type ResponseWriter,
} from '@tsdns/core';
import { CaptureWriter, buildQuery, type QueryOptions } from '@tsdns/testing';
import { QueryLogger } from './log.js';
import { parseLog } from './setup.js';

/** An A query with id 4242 (the id the expected lines show) answered on `w`. */
function request(name: string, w: CaptureWriter, opts: QueryOptions = {}): Request {
  return new Request(buildQuery(name, 'A', { id: 4242, ...opts }), w);
}

function rules(text: string) {
  return parseLog(new Dispenser(tokenize(text, 'Corefile'), 'Corefile'));
}

/** A next handler that answers with `rcode` (and `answers` A records), counting its calls. */
class Answerer implements Handler {
  readonly name = 'answerer';
  calls = 0;
  constructor(
    private readonly rcode: number,
    private readonly answers = 1,
  ) {}
  serveDNS(req: Request, w: ResponseWriter): number {
    this.calls++;
    const reply = req.reply(this.rcode);
    reply.flags |= Flag.AA;
    for (let i = 0; i < this.answers; i++) {
      reply.answers.push({ name: req.qname, type: 'A', class: 'IN', ttl: 60, data: `192.0.2.${i + 1}` });
    }
    w.write(reply);
    return this.rcode;
  }
}

/** A next handler that fails as given, without writing. */
function failing(result: () => number | Promise<number>): Handler {
  return { name: 'failing', serveDNS: () => result() };
}

let capture: LogCapture;
beforeEach(() => {
  capture = captureLog();
});
afterEach(() => capture.restore());

const LINE =
  /^\[INFO\] 127\.0\.0\.1:40212 - 4242 "A IN example\.org\. udp 29 false 512" (\S+) (\S*) (\d+) \d+(\.\d+)?s$/;

describe('QueryLogger', () => {
  it('logs a synchronous answer synchronously, and returns what next returned', () => {
    const w = new CaptureWriter();
    const result = new QueryLogger(rules('log'), new Answerer(Rcode.NOERROR)).serveDNS(
      request('example.org.', w),
      w,
    );
    expect(result).toBe(Rcode.NOERROR);
    expect(w.written).toHaveLength(1);
    expect(capture.lines).toHaveLength(1);
    const m = LINE.exec(capture.lines[0]);
    expect(m?.slice(1, 4)).toEqual(['NOERROR', 'qr,aa,rd', String(encodeMessage(w.written[0]).length)]);
  });

  it('only logs names under its names, and passes the others on unlogged', () => {
    const next = new Answerer(Rcode.NOERROR);
    const logger = new QueryLogger(rules('log example.org'), next);
    const w = new CaptureWriter();
    logger.serveDNS(request('www.example.net.', w), w);
    logger.serveDNS(request('WWW.Example.ORG.', w), w);
    logger.serveDNS(request('notexample.org.', w), w);
    expect(next.calls).toBe(3);
    expect(capture.lines).toHaveLength(1);
    expect(capture.lines[0]).toContain('"A IN www.example.org. udp');
  });

  it('uses the first rule that covers the name, even when its class filter drops the line', () => {
    const logger = new QueryLogger(
      rules('log example.org {\n class denial\n}\nlog .'),
      new Answerer(Rcode.NOERROR),
    );
    const w = new CaptureWriter();
    logger.serveDNS(request('a.example.org.', w), w);
    expect(capture.lines).toEqual([]);
    logger.serveDNS(request('a.example.net.', w), w);
    expect(capture.lines).toHaveLength(1);
  });

  it.each<[string, Handler]>([
    ['success', new Answerer(Rcode.NOERROR)],
    ['denial', new Answerer(Rcode.NXDOMAIN, 0)],
    ['error', new Answerer(Rcode.SERVFAIL, 0)],
  ])('selects a %s response by class', (responseClass, next) => {
    for (const selected of ['success', 'denial', 'error', 'all', 'success denial error', 'denial all']) {
      capture.clear();
      const logger = new QueryLogger(rules(`log {\n class ${selected}\n}`), next);
      const w = new CaptureWriter();
      logger.serveDNS(request('example.org.', w), w);
      const names = selected.split(' ');
      const expected = names.includes('all') || names.includes(responseClass);
      expect(capture.lines.length, `class ${selected}`).toBe(expected ? 1 : 0);
    }
  });

  it('logs a NODATA answer (SOA in authority) as a denial', () => {
    const next: Handler = {
      name: 'nodata',
      serveDNS(req, w) {
        const reply = req.reply();
        reply.authorities.push({
          name: 'example.org.',
          type: 'SOA',
          class: 'IN',
          ttl: 60,
          data: { mname: 'ns.', rname: 'h.', serial: 1, refresh: 1, retry: 1, expire: 1, minimum: 1 },
        });
        w.write(reply);
        return 0;
      },
    };
    const logger = new QueryLogger(rules('log . "{/log/type} {/log/class}" {\n class denial\n}'), next);
    const w = new CaptureWriter();
    logger.serveDNS(request('example.org.', w), w);
    expect(capture.lines).toEqual(['[INFO] NODATA denial']);
  });

  it('shows the error response the server will write when next wrote nothing', () => {
    const logger = new QueryLogger(
      rules('log'),
      failing(() => Rcode.SERVFAIL),
    );
    const w = new CaptureWriter();
    expect(logger.serveDNS(request('example.org.', w), w)).toBe(Rcode.SERVFAIL);
    expect(w.written).toEqual([]);
    // 29 bytes: header and question, as the server will send them.
    expect(LINE.exec(capture.lines[0])?.slice(1, 4)).toEqual(['SERVFAIL', 'qr,rd', '29']);
  });

  it('counts an EDNS query’s OPT record in the synthesized error response', () => {
    const logger = new QueryLogger(
      rules('log . "{rcode} {rsize}"'),
      failing(() => Rcode.REFUSED),
    );
    const w = new CaptureWriter();
    logger.serveDNS(request('example.org.', w, { bufsize: 4096 }), w);
    expect(capture.lines).toEqual(['[INFO] REFUSED 40']);
  });

  it('prints dashes when next claims to have written but did not, and types that as an error', () => {
    const logger = new QueryLogger(
      rules('log . "{rcode} {>rflags} {rsize} {/log/type} {/log/class}"'),
      failing(() => Rcode.NOERROR),
    );
    const w = new CaptureWriter();
    logger.serveDNS(request('example.org.', w), w);
    expect(capture.lines).toEqual(['[INFO] - - 0 OTHERERROR error']);
  });

  it('logs a thrown HandlerError with its rcode and rethrows it unchanged', () => {
    const error = new HandlerError('test', 'refused by policy', Rcode.REFUSED);
    const logger = new QueryLogger(
      rules('log . "{rcode} {/log/class}"'),
      failing(() => {
        throw error;
      }),
    );
    const w = new CaptureWriter();
    expect(() => logger.serveDNS(request('example.org.', w), w)).toThrow(error);
    expect(capture.lines).toEqual(['[INFO] REFUSED error']);
  });

  it('logs any other exception as SERVFAIL and rethrows it', () => {
    const logger = new QueryLogger(
      rules('log . "{rcode}"'),
      failing(() => {
        throw new TypeError('boom');
      }),
    );
    const w = new CaptureWriter();
    expect(() => logger.serveDNS(request('example.org.', w), w)).toThrow(TypeError);
    expect(capture.lines).toEqual(['[INFO] SERVFAIL']);
  });

  it('logs SERVFAIL when there is no next plugin', () => {
    const logger = new QueryLogger(rules('log . "{rcode}"'), undefined);
    const w = new CaptureWriter();
    expect(() => logger.serveDNS(request('example.org.', w), w)).toThrow(/no next plugin/);
    expect(capture.lines).toEqual(['[INFO] SERVFAIL']);
  });

  it('waits for an asynchronous chain and logs when it settles', async () => {
    const next: Handler = {
      name: 'slow',
      async serveDNS(req, w) {
        await new Promise((resolve) => setTimeout(resolve, 20));
        w.write(req.reply(Rcode.NXDOMAIN));
        return Rcode.NXDOMAIN;
      },
    };
    const logger = new QueryLogger(rules('log . "{rcode} {duration}"'), next);
    const w = new CaptureWriter();
    const result = logger.serveDNS(request('example.org.', w), w);
    expect(result).toBeInstanceOf(Promise);
    expect(capture.lines).toEqual([]);
    expect(await result).toBe(Rcode.NXDOMAIN);
    expect(capture.lines).toHaveLength(1);
    const m = /^\[INFO\] NXDOMAIN (\d+(?:\.\d+)?)s$/.exec(capture.lines[0]);
    expect(Number(m?.[1])).toBeGreaterThanOrEqual(0.015);
  });

  it('logs a rejected chain and passes the rejection on', async () => {
    const error = new HandlerError('slow', 'upstream timeout');
    const logger = new QueryLogger(
      rules('log . "{rcode}"'),
      failing(() => Promise.reject(error)),
    );
    const w = new CaptureWriter();
    await expect(logger.serveDNS(request('example.org.', w), w)).rejects.toBe(error);
    expect(capture.lines).toEqual(['[INFO] SERVFAIL']);
  });

  it('publishes log/type and log/class metadata even when the line is not printed', () => {
    const logger = new QueryLogger(rules('log {\n class error\n}'), new Answerer(Rcode.NOERROR));
    const w = new CaptureWriter();
    const req = request('example.org.', w);
    logger.serveDNS(req, w);
    expect(capture.lines).toEqual([]);
    expect(req.metadata('log/type')).toBe('NOERROR');
    expect(req.metadata('log/class')).toBe('success');
  });
});
