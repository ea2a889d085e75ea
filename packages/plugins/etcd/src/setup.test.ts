import { describe, expect, it } from 'vitest';
import { CorefileError, Dispenser, tokenize } from '@tsdns/core';
import { clientOptions, usesTls } from './client-options.js';
import { parseEndpoint } from './endpoint.js';
import { parseEtcd, parseLeaseTtl, type ParsedEtcd } from './setup.js';

function parse(text: string, zones: string[] = ['skydns.local.']): ParsedEtcd {
  const d = Object.assign(new Dispenser(tokenize(text, 'Corefile'), 'Corefile'), {
    zones,
    config: { root: '/tmp' },
  });
  return parseEtcd(d);
}

function error(text: string): string {
  try {
    parse(text);
  } catch (e) {
    expect(e).toBeInstanceOf(CorefileError);
    return (e as Error).message;
  }
  throw new Error('no error');
}

describe('parseEtcd', () => {
  it("defaults: the block's zones, /skydns, the local etcd", () => {
    const { config, warnings } = parse('etcd');
    expect(config).toMatchObject({
      zones: ['skydns.local.'],
      path: '/skydns',
      prefix: '/skydns',
      username: '',
      password: '',
    });
    expect(config.endpoints.map((e) => e.address)).toEqual(['localhost:2379']);
    expect(config.fallthrough.zones).toEqual([]);
    expect([config.minLeaseTtl, config.maxLeaseTtl]).toEqual([30, 86400]);
    expect(warnings).toEqual([]);
  });

  it('reads the complete syntax of the book', () => {
    const { config, warnings } = parse(`etcd skydns.local 10.0.0.0/24 {
      fallthrough in-addr.arpa
      path /custom/dns
      endpoint http://127.0.0.1:2379 http://127.0.0.1:4001
      credentials root s3cret
      upstream 8.8.8.8:53
    }`);
    expect(config.zones).toEqual(['skydns.local.', '0.0.10.in-addr.arpa.']);
    expect(config.prefix).toBe('/custom/dns');
    expect(config.endpoints.map((e) => e.text)).toEqual(['http://127.0.0.1:2379', 'http://127.0.0.1:4001']);
    expect([config.username, config.password]).toEqual(['root', 's3cret']);
    expect(config.fallthrough.through('1.0.0.10.in-addr.arpa.')).toBe(true);
    expect(config.fallthrough.through('x.skydns.local.')).toBe(false);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/^upstream is ignored/);
  });

  it('refuses stubzones with a message naming the replacement and the line', () => {
    expect(() => parse('etcd skydns.local {\n  path /x\n  stubzones\n}')).toThrow(
      /:3 - Error during parsing: stubzones is not supported \(removed in CoreDNS 1\.4\.0\): forward those domains/,
    );
  });

  it("reads current CoreDNS's lease TTL bounds and its no-op debug", () => {
    const { config } = parse('etcd {\n debug\n min-lease-ttl 1m\n max-lease-ttl 7200\n}');
    expect([config.minLeaseTtl, config.maxLeaseTtl]).toEqual([60, 7200]);
    expect(parseLeaseTtl('2h30m')).toBe(9000);
    expect(parseLeaseTtl('1500ms')).toBe(1);
    expect(() => parseLeaseTtl('-5s')).toThrow(/non-negative/);
    expect(() => parseLeaseTtl('soon')).toThrow(/invalid TTL format/);
    expect(() => parseLeaseTtl('5000000000')).toThrow(/too large/);
  });

  it("reports bad options with CoreDNS's words and the line", () => {
    expect(error('etcd {\n endpoints localhost:300\n}')).toBe(
      "Corefile:2 - Error during parsing: unknown property 'endpoints'",
    );
    expect(error('etcd {\n credentials username\n}')).toMatch(
      /Corefile:2 .*credentials requires 2 arguments, username and password/,
    );
    expect(error('etcd {\n credentials\n}')).toMatch(/Wrong argument count/);
    expect(error('etcd {\n path\n}')).toMatch(/Wrong argument count/);
    expect(error('etcd {\n path /a /b\n}')).toMatch(/Wrong argument count/);
    expect(error('etcd {\n endpoint\n}')).toMatch(/Wrong argument count/);
    expect(error('etcd {\n endpoint ftp://x:1\n}')).toMatch(/invalid endpoint 'ftp:\/\/x:1'/);
    expect(error('etcd {\n min-lease-ttl soon\n}')).toMatch(
      /invalid min-lease-ttl value: invalid TTL format/,
    );
    expect(error('etcd {\n tls /nonexistent/cert.pem /nonexistent/key.pem\n}')).toMatch(
      /Corefile:2 .*error reading TLS certificate/,
    );
    expect(error('etcd {\n fallthrough not..valid\n}')).toMatch(/fallthrough: invalid zone/);
    expect(error('etcd bad..zone')).toMatch(/invalid zone 'bad..zone'/);
  });
});

describe('etcd client settings', () => {
  it('parses endpoints', () => {
    expect(parseEndpoint('http://localhost:2379')).toEqual({
      text: 'http://localhost:2379',
      scheme: 'http',
      address: 'localhost:2379',
    });
    expect(parseEndpoint('localhost:300').scheme).toBeUndefined();
    expect(parseEndpoint('https://[::1]:2379/').address).toBe('[::1]:2379');
    for (const bad of [
      'localhost',
      'http://x:0',
      'http://x:70000',
      'unix:///run/etcd.sock',
      'http://user@x:1',
    ]) {
      expect(() => parseEndpoint(bad), bad).toThrow(/invalid endpoint/);
    }
  });

  it("decides TLS from the first endpoint as Go's clientv3 does", () => {
    const tls = { minVersion: 'TLSv1.2' as const };
    expect(usesTls({ endpoints: [parseEndpoint('https://a:1')], tls: undefined })).toBe(true);
    expect(usesTls({ endpoints: [parseEndpoint('http://a:1')], tls })).toBe(false);
    expect(usesTls({ endpoints: [parseEndpoint('a:1')], tls })).toBe(true);
    expect(usesTls({ endpoints: [parseEndpoint('a:1')], tls: undefined })).toBe(false);
  });

  it('gives etcd3 credentials only when both are set', () => {
    const base = { endpoints: [parseEndpoint('a:1')], tls: undefined };
    expect(clientOptions({ ...base, username: 'u', password: '' }).auth).toBeUndefined();
    expect(clientOptions({ ...base, username: 'u', password: 'p' }).auth).toEqual({
      username: 'u',
      password: 'p',
    });
    expect(clientOptions({ ...base, username: '', password: '' }).hosts).toEqual(['a:1']);
  });
});
