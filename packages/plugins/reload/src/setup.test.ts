import { describe, expect, it } from 'vitest';
import { Dispenser, tokenize } from '@tsdns/core';
import { jitteredIntervalMs, parseReload } from './setup.js';
import { corefileDigest } from './digest.js';

function parse(text: string): ReturnType<typeof parseReload> {
  return parseReload(new Dispenser(tokenize(text, 'Corefile'), 'Corefile'));
}

describe('parseReload', () => {
  it('defaults to 30s with 15s jitter', () => {
    expect(parse('reload')).toEqual({ intervalNs: 30e9, jitterNs: 15e9 });
  });

  it('caps the jitter at half the interval, and allows none', () => {
    expect(parse('reload 10s')).toEqual({ intervalNs: 10e9, jitterNs: 5e9 });
    expect(parse('reload 2s 0s')).toEqual({ intervalNs: 2e9, jitterNs: 0 });
    expect(parse('reload 1m 20s')).toEqual({ intervalNs: 60e9, jitterNs: 20e9 });
  });

  it.each([
    ['reload 1s', /interval value must be greater or equal to 2s/],
    ['reload 10s 500ms', /jitter value must be 0 or greater or equal to 1s/],
    ['reload soon', /time: invalid duration "soon"/],
    ['reload 10s 1s 1s', /Wrong argument count/],
    ['reload 10s {\n  x\n}', /Wrong argument count/],
    ['reload 1000h', /interval value must be at most/],
  ])('rejects %j', (text, error) => {
    expect(() => parse(text)).toThrow(error);
  });

  it('moves the interval by at most half the jitter either way', () => {
    const cfg = { intervalNs: 10e9, jitterNs: 4e9 };
    expect(jitteredIntervalMs(cfg, () => 0)).toBe(8000);
    expect(jitteredIntervalMs(cfg, () => 0.999999)).toBeCloseTo(12000, 0);
    expect(jitteredIntervalMs({ intervalNs: 10e9, jitterNs: 0 }, () => 0.3)).toBe(10000);
  });
});

describe('corefileDigest', () => {
  const d = (text: string): string => corefileDigest({ text, filename: 'Corefile' });

  it('is the same for the same meaning: comments, indentation and blank lines do not count', () => {
    expect(d('. {\n  whoami\n}\n')).toBe(d('# a comment\n.   {\n\n\twhoami   # hi\n}'));
    expect(d('. {\n  whoami\n}\n')).toMatch(/^[0-9a-f]{128}$/);
  });

  it('changes with the words, their quoting and where lines break', () => {
    const base = d('. {\n  log a b\n}\n');
    expect(d('. {\n  log a c\n}\n')).not.toBe(base);
    expect(d('. {\n  log a "b"\n}\n')).not.toBe(base);
    expect(d('. {\n  log a\n  b\n}\n')).not.toBe(base);
    expect(d('.:54 {\n  log a b\n}\n')).not.toBe(base);
  });

  it('throws for a Corefile that does not parse', () => {
    expect(() => d('. {\n  whoami\n')).toThrow(/Corefile:/);
  });
});
