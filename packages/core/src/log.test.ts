import { afterEach, describe, expect, it } from 'vitest';
import { FatalLogExit, banner, captureLog, isDebugLogging, log, pluginLogger, setDebugLogging, setQuiet } from './log.js';

afterEach(() => {
  setDebugLogging(false);
  setQuiet(false);
});

describe('log', () => {
  it('writes CoreDNS-format lines, with the plugin prefix for plugin loggers', () => {
    const cap = captureLog();
    try {
      log.info('Reloading');
      const p = pluginLogger('forward');
      p.info('no healthy upstreams');
      p.warning('slow');
      p.error('failed: timeout');
      expect(pluginLogger('forward')).toBe(p);
      expect(cap.lines).toEqual([
        '[INFO] Reloading',
        '[INFO] plugin/forward: no healthy upstreams',
        '[WARNING] plugin/forward: slow',
        '[ERROR] plugin/forward: failed: timeout',
      ]);
    } finally {
      cap.restore();
    }
  });

  it('writes DEBUG lines only while debug logging is on', () => {
    const cap = captureLog();
    try {
      pluginLogger('cache').debug('hidden');
      setDebugLogging(true);
      expect(isDebugLogging()).toBe(true);
      pluginLogger('cache').debug('shown');
      log.debug('also shown');
      expect(cap.lines).toEqual(['[DEBUG] plugin/cache: shown', '[DEBUG] also shown']);
    } finally {
      cap.restore();
    }
  });

  it('logs FATAL then exits; a capture turns the exit into an exception', () => {
    const cap = captureLog();
    try {
      expect(() => pluginLogger('file').fatal('cannot start')).toThrow(FatalLogExit);
      expect(cap.lines).toEqual(['[FATAL] plugin/file: cannot start']);
    } finally {
      cap.restore();
    }
  });

  it('prints the banner unless quiet, and quiet never hides log lines', () => {
    const cap = captureLog();
    try {
      banner('.:53\nexample.org.:53 on 127.0.0.1\n');
      setQuiet(true);
      banner('.:1053');
      log.info('still here');
      expect(cap.lines).toEqual(['.:53', 'example.org.:53 on 127.0.0.1', '[INFO] still here']);
    } finally {
      cap.restore();
    }
  });

  it('nests captures, and can echo to the previous sink', () => {
    const outer = captureLog();
    const inner = captureLog({ echo: true });
    log.warning('both');
    inner.restore();
    log.warning('outer only');
    outer.restore();
    expect(inner.lines).toEqual(['[WARNING] both']);
    expect(outer.lines).toEqual(['[WARNING] both', '[WARNING] outer only']);
    outer.clear();
    expect(outer.lines).toEqual([]);
  });
});
