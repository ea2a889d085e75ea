import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  HandlerError,
  Rcode,
  Request,
  captureLog,
  pluginLogger,
  type Handler,
  type LogCapture,
} from '@tsdns/core';
import { CaptureWriter, buildQuery } from '@tsdns/testing';
import { Consolidator } from './consolidate.js';
import { ErrorsHandler, errorText } from './errors.js';

function next(result: () => number | Promise<number>): Handler {
  return { name: 'next', serveDNS: () => result() };
}

function serve(handler: ErrorsHandler, name = 'example.org.', type = 'A'): number | Promise<number> {
  const w = new CaptureWriter();
  return handler.serveDNS(new Request(buildQuery(name, type, { id: 4242 }), w), w);
}

let capture: LogCapture;
beforeEach(() => {
  capture = captureLog();
});
afterEach(() => {
  capture.restore();
  vi.useRealTimers();
});

describe('errorText', () => {
  it('names the plugin of a HandlerError once', () => {
    expect(errorText(new HandlerError('forward', 'no healthy upstreams'))).toBe(
      'plugin/forward: no healthy upstreams',
    );
    expect(errorText(new HandlerError('x', 'plugin/x: no next plugin found'))).toBe(
      'plugin/x: no next plugin found',
    );
    expect(errorText(new RangeError('bad'))).toBe('bad');
    expect(errorText('plain')).toBe('plain');
    expect(errorText(42)).toBe('42');
  });
});

describe('ErrorsHandler', () => {
  it('passes a synchronous answer through synchronously, logging nothing', () => {
    const result = serve(new ErrorsHandler(next(() => Rcode.NXDOMAIN)));
    expect(result).toBe(Rcode.NXDOMAIN);
    expect(capture.lines).toEqual([]);
  });

  it('does not log an error rcode that was returned rather than raised', () => {
    expect(serve(new ErrorsHandler(next(() => Rcode.SERVFAIL)))).toBe(Rcode.SERVFAIL);
    expect(capture.lines).toEqual([]);
  });

  it('logs a thrown HandlerError with its rcode, then rethrows it', () => {
    const error = new HandlerError('forward', 'no healthy upstreams', Rcode.REFUSED);
    const handler = new ErrorsHandler(
      next(() => {
        throw error;
      }),
    );
    expect(() => serve(handler, 'WWW.Example.ORG.', 'AAAA')).toThrow(error);
    expect(capture.lines).toEqual([
      '[ERROR] plugin/errors: 5 www.example.org. AAAA: plugin/forward: no healthy upstreams',
    ]);
  });

  it('logs any other exception as SERVFAIL', () => {
    const handler = new ErrorsHandler(
      next(() => {
        throw new TypeError('cannot read properties of undefined');
      }),
    );
    expect(() => serve(handler)).toThrow(TypeError);
    expect(capture.lines).toEqual([
      '[ERROR] plugin/errors: 2 example.org. A: cannot read properties of undefined',
    ]);
  });

  it('logs the missing next plugin', () => {
    expect(() => serve(new ErrorsHandler(undefined))).toThrow(HandlerError);
    expect(capture.lines).toEqual([
      '[ERROR] plugin/errors: 2 example.org. A: plugin/errors: no next plugin found',
    ]);
  });

  it('with stacktrace, adds the stack of an unexpected exception but not of a HandlerError', () => {
    const crash = new Error('crashed');
    const handler = new ErrorsHandler(
      next(() => {
        throw crash;
      }),
      { stacktrace: true },
    );
    expect(() => serve(handler)).toThrow(crash);
    expect(capture.lines).toHaveLength(1);
    const [first, ...stack] = capture.lines[0].split('\n');
    expect(first).toBe('[ERROR] plugin/errors: 2 example.org. A: crashed');
    expect(stack[0]).toBe('Error: crashed');
    expect(stack[1]).toMatch(/^\s+at /);

    capture.clear();
    const plain = new ErrorsHandler(
      next(() => {
        throw new HandlerError('file', 'zone not loaded');
      }),
      { stacktrace: true },
    );
    expect(() => serve(plain)).toThrow(HandlerError);
    expect(capture.lines).toEqual(['[ERROR] plugin/errors: 2 example.org. A: plugin/file: zone not loaded']);
  });

  it('returns the Promise of an asynchronous chain and logs its rejection', async () => {
    const ok = serve(new ErrorsHandler(next(() => Promise.resolve(Rcode.NOERROR))));
    expect(ok).toBeInstanceOf(Promise);
    expect(await ok).toBe(Rcode.NOERROR);

    const error = new HandlerError('forward', 'read udp 127.0.0.1:53: i/o timeout');
    const failed = serve(new ErrorsHandler(next(() => Promise.reject(error))));
    await expect(failed).rejects.toBe(error);
    expect(capture.lines).toEqual([
      '[ERROR] plugin/errors: 2 example.org. A: plugin/forward: read udp 127.0.0.1:53: i/o timeout',
    ]);
  });

  it('consolidates matching errors, and prints others at once', () => {
    vi.useFakeTimers();
    const logger = pluginLogger('errors');
    const consolidator = new Consolidator(
      [{ periodNs: 30e9, source: 'timeout$', pattern: /timeout$/, level: 'warning', showFirst: false }],
      logger,
    );
    let message = '';
    const handler = new ErrorsHandler(
      next(() => {
        throw new Error(message);
      }),
      { consolidator },
    );
    for (message of ['i/o timeout', 'refused', 'i/o timeout', 'i/o timeout']) {
      expect(() => serve(handler)).toThrow(message);
    }
    expect(capture.lines).toEqual(['[ERROR] plugin/errors: 2 example.org. A: refused']);
    vi.advanceTimersByTime(30_000);
    expect(capture.lines).toEqual([
      '[ERROR] plugin/errors: 2 example.org. A: refused',
      "[WARNING] plugin/errors: 3 errors like 'timeout$' occurred in last 30s",
    ]);
  });

  it('prints the first consolidated error at the pattern level with show_first', () => {
    vi.useFakeTimers();
    const consolidator = new Consolidator(
      [{ periodNs: 30e9, source: 'timeout$', pattern: /timeout$/, level: 'warning', showFirst: true }],
      pluginLogger('errors'),
    );
    const handler = new ErrorsHandler(
      next(() => {
        throw new HandlerError('forward', 'i/o timeout');
      }),
      { consolidator },
    );
    for (let i = 0; i < 3; i++) expect(() => serve(handler)).toThrow(HandlerError);
    vi.advanceTimersByTime(30_000);
    expect(capture.lines).toEqual([
      '[WARNING] plugin/errors: 2 example.org. A: plugin/forward: i/o timeout',
      "[WARNING] plugin/errors: 3 errors like 'timeout$' occurred in last 30s",
    ]);
  });
});
