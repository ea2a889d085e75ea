import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CorefileError, Dispenser, Rcode, tokenize } from '@tsdns/core';
import { parseForward } from './setup.js';

const dir = mkdtempSync(join(tmpdir(), 'tsdns-forward-setup-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function parse(text: string, warn?: (m: string) => void) {
  return parseForward(new Dispenser(tokenize(text, 'Corefile')), { root: dir, warn });
}

function parseError(text: string): CorefileError {
  try {
    parse(text);
  } catch (e) {
    if (e instanceof CorefileError) return e;
    throw e;
  }
  throw new Error('expected a CorefileError');
}

describe('parseForward', () => {
  it("gives CoreDNS's defaults for the basic form", () => {
    const [c] = parse('forward . 10.0.0.1');
    expect(c).toMatchObject({
      from: '.',
      ignored: [],
      forceTcp: false,
      preferUdp: false,
      expireMs: 10_000,
      maxAgeMs: 0,
      maxIdleConns: 0,
      readTimeoutMs: 2000,
      maxFails: 2,
      maxConnectAttempts: undefined,
      healthCheck: { intervalMs: 500, recursionDesired: true, domain: '.' },
      policy: 'random',
      tlsServerName: undefined,
      maxConcurrent: 0,
      nextRcodes: [],
      nextOnNodata: false,
      failfastAllUnhealthyUpstreams: false,
      failoverRcodes: [],
      sourceAddress: undefined,
    });
    expect(c.upstreams.map((u) => u.addr)).toEqual(['10.0.0.1:53']);
    expect(c.tls).toEqual({ minVersion: 'TLSv1.2' });
  });

  it('normalises FROM and takes the first zone of a CIDR, warning', () => {
    expect(parse('forward Example.ORG 10.0.0.1')[0].from).toBe('example.org.');
    const warnings: string[] = [];
    expect(parse('forward 10.0.0.0/15 10.0.0.1', (m) => warnings.push(m))[0].from).toBe('0.10.in-addr.arpa.');
    expect(warnings[0]).toMatch(/^Unsupported CIDR notation: '10.0.0.0\/15' expands to multiple zones/);
  });

  it('reads every option of the expanded syntax', () => {
    const [c] = parse(`forward example.org 10.0.0.1 tls://10.0.0.2 {
      except a.example.org B.example.org
      force_tcp
      prefer_udp
      expire 30s
      max_age 1m
      max_idle_conns 4
      read_timeout 1500ms
      max_fails 5
      max_connect_attempts 3
      health_check 2s no_rec domain Example.NET
      policy round_robin
      tls_servername dns.example
      max_concurrent 100
      next NXDOMAIN servfail
      next_on_nodata
      failfast_all_unhealthy_upstreams
      failover REFUSED
      source_address 127.0.0.1
    }`);
    expect(c).toMatchObject({
      from: 'example.org.',
      ignored: ['a.example.org.', 'b.example.org.'],
      forceTcp: true,
      preferUdp: true,
      expireMs: 30_000,
      maxAgeMs: 60_000,
      maxIdleConns: 4,
      readTimeoutMs: 1500,
      maxFails: 5,
      maxConnectAttempts: 3,
      healthCheck: { intervalMs: 2000, recursionDesired: false, domain: 'example.net.' },
      policy: 'round_robin',
      tlsServerName: 'dns.example',
      maxConcurrent: 100,
      nextRcodes: [Rcode.NXDOMAIN, Rcode.SERVFAIL],
      nextOnNodata: true,
      failfastAllUnhealthyUpstreams: true,
      failoverRcodes: [Rcode.REFUSED],
      sourceAddress: '127.0.0.1',
    });
    expect(c.upstreams.map((u) => `${u.protocol}:${u.addr}`)).toEqual([
      'dns:10.0.0.1:53',
      'tls:10.0.0.2:853',
    ]);
  });

  it('returns one configuration per forward line, in order', () => {
    const cs = parse('forward . 10.0.0.1 {\n next NXDOMAIN\n}\nforward . 10.0.0.2');
    expect(cs.map((c) => c.upstreams[0].addr)).toEqual(['10.0.0.1:53', '10.0.0.2:53']);
  });

  it('drops duplicate upstreams, also those coming from a resolv.conf', () => {
    const resolv = join(dir, 'resolv.conf');
    writeFileSync(resolv, 'nameserver 10.0.0.1\nnameserver 10.0.0.3\n');
    const [c] = parse(`forward . 10.0.0.1 dns://10.0.0.1:53 ${resolv} 10.0.0.2`);
    expect(c.upstreams.map((u) => u.addr)).toEqual(['10.0.0.1:53', '10.0.0.3:53', '10.0.0.2:53']);
  });

  it('allows 15 upstreams and refuses 16', () => {
    const to = (n: number) => Array.from({ length: n }, (_, i) => `10.0.0.${i + 1}`).join(' ');
    expect(parse(`forward . ${to(15)}`)[0].upstreams).toHaveLength(15);
    expect(parseError(`forward . ${to(16)}`).message).toBe(
      'Corefile:1 - Error during parsing: more than 15 TOs configured: 16',
    );
  });

  it('reads tls CERT KEY CA relative to the root', () => {
    // Not real certificates: the parser must reject them with the file named.
    writeFileSync(join(dir, 'ca.pem'), 'not a certificate');
    const e = parseError('forward . tls://10.0.0.1 {\n  tls ca.pem\n}');
    expect(e.line).toBe(2);
    expect(e.message).toContain(join(dir, 'ca.pem'));
  });

  it.each([
    ['forward', 1, 'Wrong argument count'],
    ['forward .', 1, 'Wrong argument count'],
    ['forward . 10.0.0.1 {\n  bogus\n}', 2, "unknown property 'bogus'"],
    ['forward . 10.0.0.1 {\n  policy first\n}', 2, "unknown policy 'first'"],
    ['forward . 10.0.0.1 {\n  policy\n}', 2, 'Wrong argument count'],
    ['forward . 10.0.0.1 {\n  max_fails -1\n}', 2, "max_fails: '-1' is not an integer"],
    ['forward . 10.0.0.1 {\n  max_fails 2 3\n}', 2, 'Wrong argument count'],
    ['forward . 10.0.0.1 {\n  max_concurrent lots\n}', 2, "max_concurrent: 'lots'"],
    ['forward . 10.0.0.1 {\n  expire -1s\n}', 2, "expire can't be negative: -1s"],
    ['forward . 10.0.0.1 {\n  expire 10\n}', 2, 'expire: time: missing unit in duration'],
    ['forward . 10.0.0.1 {\n  read_timeout 0s\n}', 2, 'read_timeout must be positive'],
    ['forward . 10.0.0.1 {\n  health_check\n}', 2, 'Wrong argument count'],
    ['forward . 10.0.0.1 {\n  health_check -1s\n}', 2, "health_check can't be negative"],
    ['forward . 10.0.0.1 {\n  health_check 1s fast\n}', 2, 'health_check: unknown option fast'],
    ['forward . 10.0.0.1 {\n  health_check 1s domain\n}', 2, 'Wrong argument count'],
    ['forward . 10.0.0.1 {\n  health_check 1s domain a..b\n}', 2, 'health_check: invalid domain name a..b'],
    ['forward . 10.0.0.1 {\n  force_tcp yes\n}', 2, 'Wrong argument count'],
    ['forward . 10.0.0.1 {\n  next\n}', 2, 'Wrong argument count'],
    ['forward . 10.0.0.1 {\n  next NOPE\n}', 2, 'next: NOPE is not a valid rcode'],
    ['forward . 10.0.0.1 {\n  failover NOERROR\n}', 2, 'NoError cannot be used in failover'],
    ['forward . 10.0.0.1 {\n  source_address example\n}', 2, 'invalid IP address: example'],
    ['forward . 10.0.0.1 {\n  tls a b c d\n}', 2, 'Wrong argument count'],
    ['forward . 10.0.0.1 {\n  except\n}', 2, 'Wrong argument count'],
    ['forward . 10.0.0.1 {\n  doh_method GET\n}', 2, 'DNS-over-HTTPS upstreams are not supported'],
    ['forward . 10.0.0.1 {\n  resolver 10.0.0.53\n}', 2, 'host names are not supported'],
    [
      'forward . 10.0.0.1 {\n  expire 30s\n  max_age 10s\n}',
      1,
      'max_age (10s) must not be less than expire (30s)',
    ],
    ['forward . https://10.0.0.1', 1, 'DNS-over-HTTPS upstreams (https://) are not supported'],
    [
      'forward . /nonexistent/resolv.conf',
      1,
      'not an IP address or file: "/nonexistent/resolv.conf" (ENOENT)',
    ],
    ['forward . 10.0.0.1:99999', 1, 'invalid port in upstream address: "10.0.0.1:99999"'],
    [
      'forward . tls://10.0.0.1%dns.example {\n  tls_servername other.example\n}',
      1,
      "both forward ('other.example') and proxy level ('dns.example') TLS servernames are set",
    ],
  ])('rejects %j at line %i', (text, line, message) => {
    const e = parseError(text);
    expect(e.file).toBe('Corefile');
    expect(e.line).toBe(line);
    expect(e.message).toContain(message);
  });

  it('refuses a resolv.conf without nameservers as the only TO', () => {
    const empty = join(dir, 'empty.conf');
    writeFileSync(empty, '# nothing\n');
    expect(parseError(`forward . ${empty}`).message).toContain('no valid upstream addresses found');
  });

  it('accepts health_check 0 and max_fails 0', () => {
    const [c] = parse('forward . 10.0.0.1 {\n health_check 0s\n max_fails 0\n}');
    expect(c.healthCheck.intervalMs).toBe(0);
    expect(c.maxFails).toBe(0);
  });

  it('accepts rcodes in any letter case, and NOTIMPL', () => {
    const [c] = parse('forward . 10.0.0.1 {\n next nxdomain NotImpl\n}');
    expect(c.nextRcodes).toEqual([Rcode.NXDOMAIN, Rcode.NOTIMP]);
  });
});
