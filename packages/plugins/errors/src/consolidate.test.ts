import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { captureLog, pluginLogger, setDebugLogging, type LogCapture } from '@tsdns/core';
import { Consolidator, type ConsolidateRule } from './consolidate.js';

const MINUTE = 60e9;

function rule(source: string, init: Partial<ConsolidateRule> = {}): ConsolidateRule {
  return { periodNs: MINUTE, source, pattern: new RegExp(source), level: 'error', showFirst: false, ...init };
}

let capture: LogCapture;
beforeEach(() => {
  vi.useFakeTimers();
  capture = captureLog();
});
afterEach(() => {
  capture.restore();
  vi.useRealTimers();
  setDebugLogging(false);
});

describe('Consolidator', () => {
  it('counts matching errors and prints one summary when the period ends', () => {
    const c = new Consolidator([rule('^x')], pluginLogger('errors'));
    expect(c.offer('x one')).toBe(true);
    vi.advanceTimersByTime(30_000);
    expect(c.offer('x two')).toBe(true);
    expect(c.offer('x three')).toBe(true);
    expect(capture.lines).toEqual([]);
    vi.advanceTimersByTime(29_999);
    expect(capture.lines).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(capture.lines).toEqual(["[ERROR] plugin/errors: 3 errors like '^x' occurred in last 1m0s"]);
  });

  it('starts a new period with the next error after a summary', () => {
    const c = new Consolidator([rule('^x', { periodNs: 30e9 })], pluginLogger('errors'));
    c.offer('x');
    vi.advanceTimersByTime(30_000);
    vi.advanceTimersByTime(120_000);
    expect(capture.lines).toHaveLength(1);
    c.offer('x');
    c.offer('x');
    vi.advanceTimersByTime(30_000);
    expect(capture.lines).toEqual([
      "[ERROR] plugin/errors: 1 errors like '^x' occurred in last 30s",
      "[ERROR] plugin/errors: 2 errors like '^x' occurred in last 30s",
    ]);
  });

  it('lets errors no pattern matches through', () => {
    const c = new Consolidator([rule('timeout$')], pluginLogger('errors'));
    expect(c.offer('connection refused')).toBeUndefined();
    vi.runAllTimers();
    expect(capture.lines).toEqual([]);
  });

  it('gives an error to the first pattern that matches', () => {
    const c = new Consolidator(
      [rule('timeout$', { level: 'warning' }), rule('.*', { periodNs: 10e9, level: 'info' })],
      pluginLogger('errors'),
    );
    c.offer('i/o timeout');
    c.offer('i/o timeout');
    c.offer('refused');
    vi.advanceTimersByTime(60_000);
    expect(capture.lines).toEqual([
      "[INFO] plugin/errors: 1 errors like '.*' occurred in last 10s",
      "[WARNING] plugin/errors: 2 errors like 'timeout$' occurred in last 1m0s",
    ]);
  });

  it('with show_first, hands back the first error to print and summarises only when more came', () => {
    const c = new Consolidator([rule('^x', { level: 'warning', showFirst: true })], pluginLogger('errors'));
    expect(c.offer('x first')).toBe('warning');
    vi.advanceTimersByTime(60_000);
    // A lone error was printed already: no summary.
    expect(capture.lines).toEqual([]);
    expect(c.offer('x first again')).toBe('warning');
    expect(c.offer('x second')).toBe(true);
    expect(c.offer('x third')).toBe(true);
    vi.advanceTimersByTime(60_000);
    expect(capture.lines).toEqual(["[WARNING] plugin/errors: 3 errors like '^x' occurred in last 1m0s"]);
  });

  it('prints debug summaries only while debug logging is on', () => {
    const c = new Consolidator([rule('^x', { level: 'debug' })], pluginLogger('errors'));
    c.offer('x');
    vi.advanceTimersByTime(60_000);
    expect(capture.lines).toEqual([]);
    setDebugLogging(true);
    c.offer('x');
    vi.advanceTimersByTime(60_000);
    expect(capture.lines).toEqual(["[DEBUG] plugin/errors: 1 errors like '^x' occurred in last 1m0s"]);
  });

  it('prints pending summaries on stop, and hands every later error back to be printed', () => {
    const c = new Consolidator([rule('^x', { level: 'warning' }), rule('^y')], pluginLogger('errors'));
    c.offer('x');
    c.offer('x');
    c.stop();
    expect(capture.lines).toEqual(["[WARNING] plugin/errors: 2 errors like '^x' occurred in last 1m0s"]);
    vi.runAllTimers();
    expect(capture.lines).toHaveLength(1);
    expect(c.offer('x')).toBe('warning');
    expect(c.offer('y')).toBe('error');
    expect(c.offer('z')).toBeUndefined();
  });

  it('does not keep the process alive while a period runs', () => {
    vi.useRealTimers();
    const c = new Consolidator([rule('^x')], pluginLogger('errors'));
    const before = process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;
    c.offer('x');
    // An unref'd timer is not an active resource.
    expect(process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length).toBe(before);
    c.stop();
  });
});
