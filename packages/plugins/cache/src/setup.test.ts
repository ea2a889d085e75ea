import { describe, expect, it } from 'vitest';
import { CorefileError, Dispenser, tokenize } from '@tsdns/core';
import { defaultCacheConfig, parseCache, type CacheConfig } from './setup.js';

const ZONES = ['example.org.'];

function parse(text: string, zones = ZONES): CacheConfig {
  return parseCache(new Dispenser(tokenize(text, 'Corefile'), 'Corefile'), zones);
}

/** The error text for `text`, which must fail with a CorefileError. */
function fails(text: string): string {
  try {
    parse(text);
  } catch (e) {
    if (e instanceof CorefileError) return e.message;
    throw e;
  }
  throw new Error(`parsed without error: ${text}`);
}

describe('parseCache', () => {
  it('defaults to CoreDNS values and the server block zones', () => {
    expect(parse('cache')).toEqual(defaultCacheConfig(ZONES));
    const d = parse('cache');
    expect(d.success).toEqual({ capacity: 10_000, maxTtl: 3600, minTtl: 5 });
    expect(d.denial).toEqual({ capacity: 10_000, maxTtl: 1800, minTtl: 5 });
    expect(d.servfailTtl).toBe(5);
    expect(d.prefetch).toEqual({ amount: 0, windowMs: 60_000, percentage: 10 });
    expect(d.serveStale.maxStaleSeconds).toBe(0);
    expect(d.keepTtl).toBe(false);
  });

  it('reads TTL and ZONES (examples 3-24 and 3-25)', () => {
    const c = parse('cache 600');
    expect(c.success.maxTtl).toBe(600);
    expect(c.denial.maxTtl).toBe(600);
    expect(c.zones).toEqual(ZONES);
    const z = parse('cache 3600 bar.example Foo.Example.');
    expect(z.zones).toEqual(['bar.example.', 'foo.example.']);
    expect(parse('cache bar.example').zones).toEqual(['bar.example.']);
    expect(parse('cache 10.0.0.0/24').zones).toEqual(['0.0.10.in-addr.arpa.']);
    // Longer than the CoreDNS defaults is allowed.
    expect(parse('cache 86400').success.maxTtl).toBe(86400);
  });

  it('reads success and denial CAPACITY [TTL] [MINTTL] (example 3-26)', () => {
    const c = parse('cache 300 {\n success 5000 600 30\n denial 2500 60 0\n}');
    expect(c.success).toEqual({ capacity: 5000, maxTtl: 600, minTtl: 30 });
    expect(c.denial).toEqual({ capacity: 2500, maxTtl: 60, minTtl: 0 });
    const only = parse('cache {\n success 2048\n}');
    expect(only.success).toEqual({ capacity: 2048, maxTtl: 3600, minTtl: 5 });
  });

  it('reads prefetch AMOUNT [[DURATION] [PERCENTAGE%]]', () => {
    expect(parse('cache {\n prefetch 10\n}').prefetch).toEqual({
      amount: 10,
      windowMs: 60_000,
      percentage: 10,
    });
    expect(parse('cache {\n prefetch 2 10m\n}').prefetch).toEqual({
      amount: 2,
      windowMs: 600_000,
      percentage: 10,
    });
    expect(parse('cache {\n prefetch 2 1m30s 25%\n}').prefetch).toEqual({
      amount: 2,
      windowMs: 90_000,
      percentage: 25,
    });
    expect(parse('cache {\n prefetch 3 50%\n}').prefetch).toEqual({
      amount: 3,
      windowMs: 60_000,
      percentage: 50,
    });
  });

  it('reads serve_stale in every form', () => {
    const s = (line: string) => parse(`cache {\n ${line}\n}`).serveStale;
    expect(s('serve_stale')).toEqual({
      maxStaleSeconds: 3600,
      verify: false,
      verifyTimeoutMs: 0,
      responseTtl: 0,
      failureRecheckMs: 0,
    });
    expect(s('serve_stale 2h')).toMatchObject({ maxStaleSeconds: 7200, verify: false });
    expect(s('serve_stale 1h verify')).toMatchObject({ verify: true, verifyTimeoutMs: 0 });
    expect(s('serve_stale 1h VERIFY 100ms')).toMatchObject({ verify: true, verifyTimeoutMs: 100 });
    expect(s('serve_stale 1h verify 0 30s')).toMatchObject({
      verify: true,
      verifyTimeoutMs: 0,
      responseTtl: 30,
    });
    expect(s('serve_stale 1h verify 100ms 30s 30s')).toEqual({
      maxStaleSeconds: 3600,
      verify: true,
      verifyTimeoutMs: 100,
      responseTtl: 30,
      failureRecheckMs: 30_000,
    });
    expect(s('serve_stale 1h immediate 30s')).toMatchObject({ verify: false, responseTtl: 30 });
    expect(s('serve_stale 1h immediate 30s 1m')).toMatchObject({ responseTtl: 30, failureRecheckMs: 60_000 });
    // Each occurrence starts again from the defaults.
    expect(s('serve_stale 1h immediate 30s\n serve_stale 5m')).toMatchObject({
      maxStaleSeconds: 300,
      responseTtl: 0,
    });
  });

  it('reads serve_stale_policy, servfail, disable and keepttl', () => {
    const c = parse(
      'cache {\n serve_stale\n serve_stale_policy prefer_positive\n servfail 10s\n disable success a.example\n disable denial b.example c.example\n disable denial d.example\n keepttl\n}',
    );
    expect(c.preferPositive).toBe(true);
    expect(c.servfailTtl).toBe(10);
    expect(c.disabledSuccess).toEqual(['a.example.']);
    expect(c.disabledDenial).toEqual(['b.example.', 'c.example.', 'd.example.']);
    expect(c.keepTtl).toBe(true);
    expect(parse('cache {\n disable denial\n}').disabledDenial).toEqual(['.']);
    expect(parse('cache {\n servfail 0\n}').servfailTtl).toBe(0);
    expect(parse('cache {\n servfail 5m\n}').servfailTtl).toBe(300);
    expect(parse('cache {\n servfail 1500ms\n}').servfailTtl).toBe(1);
  });

  const errors: Array<[string, RegExp]> = [
    ['cache 0', /^Corefile:1 - Error during parsing: cache TTL can not be zero or negative: 0$/],
    ['cache -5', /cache TTL can not be zero or negative: -5/],
    ['cache 3000000000', /cache TTL can not exceed 2147483647/],
    ['cache bad..zone', /invalid zone 'bad\.\.zone'/],
    ['cache {\n success\n}', /^Corefile:2 - Error during parsing: Wrong argument count/],
    ['cache {\n success many\n}', /^Corefile:2 - .*success capacity must be an integer, not 'many'/],
    ['cache {\n success -1\n}', /success capacity can not be negative: -1/],
    ['cache {\n success 1024 0\n}', /cache TTL can not be zero or negative: 0/],
    ['cache {\n denial 1024 10 -1\n}', /cache min TTL can not be negative: -1/],
    ['cache {\n denial 1024 10 1 1\n}', /Wrong argument count/],
    ['cache {\n prefetch\n}', /Wrong argument count/],
    ['cache {\n prefetch -1\n}', /prefetch amount should be positive: -1/],
    ['cache {\n prefetch 1 soon\n}', /prefetch duration: time: invalid duration "soon"/],
    ['cache {\n prefetch 1 -1m\n}', /prefetch duration can not be negative/],
    ['cache {\n prefetch 1 1m 20\n}', /last character of percentage should be `%`, but is: '0'/],
    ['cache {\n prefetch 1 1m 5%\n}', /percentage should fall in range \[10, 90\]: 5/],
    ['cache {\n prefetch 1 1m 95%\n}', /percentage should fall in range \[10, 90\]: 95/],
    ['cache {\n prefetch 1 1m %\n}', /prefetch percentage must be an integer, not ''/],
    ['cache {\n prefetch 1 1m 10% x\n}', /Wrong argument count/],
    ['cache {\n serve_stale -1h\n}', /invalid negative duration for serve_stale/],
    ['cache {\n serve_stale 1h later\n}', /invalid value for serve_stale refresh mode: later/],
    ['cache {\n serve_stale 1h verify -1s\n}', /invalid negative timeout for serve_stale verify/],
    ['cache {\n serve_stale 1h immediate 1.5s\n}', /must be a whole number of seconds/],
    ['cache {\n serve_stale 1h immediate -30s\n}', /invalid negative response TTL for serve_stale/],
    ['cache {\n serve_stale 1h immediate 30s 6m\n}', /failure recheck cannot exceed 5 minutes/],
    ['cache {\n serve_stale 1h immediate 30s 30s 1\n}', /Wrong argument count/],
    ['cache {\n serve_stale 1h verify 1s 30s 30s 1\n}', /Wrong argument count/],
    ['cache {\n serve_stale_policy prefer_positive\n}', /serve_stale_policy requires serve_stale/],
    ['cache {\n serve_stale\n serve_stale_policy newest\n}', /invalid serve_stale_policy: newest/],
    [
      'cache {\n serve_stale\n serve_stale_policy prefer_positive\n serve_stale_policy prefer_positive\n}',
      /^Corefile:4 - .*serve_stale_policy can only be specified once/,
    ],
    ['cache {\n servfail\n}', /Wrong argument count/],
    ['cache {\n servfail -1s\n}', /invalid negative ttl for servfail/],
    ['cache {\n servfail 6m\n}', /caching SERVFAIL responses over 5 minutes is not permitted/],
    ['cache {\n servfail 5\n}', /servfail: time: missing unit in duration "5"/],
    ['cache {\n disable\n}', /Wrong argument count/],
    ['cache {\n disable everything\n}', /cache type for disable must be "success" or "denial"/],
    ['cache {\n keepttl forever\n}', /Wrong argument count/],
    [
      'cache {\n\n\n prefetch_all 1\n}',
      /^Corefile:4 - Error during parsing: unknown property 'prefetch_all'$/,
    ],
    ['cache\ncache', /^Corefile:2 - .*this plugin can only be used once per Server Block/],
  ];
  for (const [text, expected] of errors) {
    it(`rejects ${JSON.stringify(text)}`, () => {
      expect(fails(text)).toMatch(expected);
    });
  }
});
