import { hostname } from 'node:os';
import { describe, expect, it } from 'vitest';
import { CorefileError, Dispenser, tokenize } from '@tsdns/core';
import { DEFAULT_VERSION, parseDnstap, type DnstapConfig } from './setup.js';

function parse(text: string, warnings: string[] = []): DnstapConfig[] {
  return parseDnstap(new Dispenser(tokenize(text, 'Corefile'), 'Corefile'), {
    root: '/srv/dns',
    warn: (m) => warnings.push(m),
  });
}

function errorOf(text: string): string {
  try {
    parse(text);
  } catch (e) {
    expect(e).toBeInstanceOf(CorefileError);
    return (e as Error).message;
  }
  throw new Error('no error');
}

describe('parseDnstap', () => {
  it('takes a bare path with CoreDNS defaults', () => {
    expect(parse('dnstap /tmp/dnstap.sock')).toEqual([
      {
        listen: false,
        endpoint: { kind: 'unix', path: '/tmp/dnstap.sock' },
        tls: undefined,
        full: false,
        queueLimit: 10_000,
        writeBufferBytes: 1 << 20,
        identity: hostname(),
        version: DEFAULT_VERSION,
        extra: undefined,
      },
    ]);
    expect(DEFAULT_VERSION).toMatch(/^tsdns-\d+\.\d+\.\d+/);
  });

  it('takes unix://, tcp:// and tls:// sockets and full', () => {
    const [unix, tcp, tls, v6] = parse(
      'dnstap unix:///tmp/dnstap.sock full\n' +
        'dnstap tcp://127.0.0.1:6000 full\n' +
        'dnstap tls://collector.example:6000 {\n skipverify\n}\n' +
        'dnstap tcp://[::1]:6000',
    );
    expect(unix.endpoint).toEqual({ kind: 'unix', path: '/tmp/dnstap.sock' });
    expect(unix.full).toBe(true);
    expect(tcp.endpoint).toEqual({ kind: 'tcp', host: '127.0.0.1', port: 6000 });
    expect(tcp.full).toBe(true);
    expect(tls.endpoint).toEqual({ kind: 'tls', host: 'collector.example', port: 6000, skipVerify: true });
    expect(tls.full).toBe(false);
    expect(v6.endpoint).toEqual({ kind: 'tcp', host: '::1', port: 6000 });
  });

  it('resolves a relative socket path against the root', () => {
    expect(parse('dnstap run/tap.sock')[0].endpoint).toEqual({ kind: 'unix', path: '/srv/dns/run/tap.sock' });
  });

  it('takes the write buffer and queue multipliers', () => {
    const [c] = parse('dnstap /tmp/dnstap.sock full 1024 2048');
    expect(c.writeBufferBytes).toBe(1024 * (1 << 20));
    expect(c.queueLimit).toBe(2048 * 10_000);
  });

  it('takes identity, version and extra', () => {
    const [c] = parse(
      'dnstap /tmp/dnstap.sock {\n identity my-dns-server1\n version MyDNSServer-1.2.3\n extra "upstream: {/forward/upstream}"\n}',
    );
    expect(c.identity).toBe('my-dns-server1');
    expect(c.version).toBe('MyDNSServer-1.2.3');
    expect(c.extra?.source).toBe('upstream: {/forward/upstream}');
  });

  it('warns about a second argument that is not full, as CoreDNS ignores it', () => {
    const warnings: string[] = [];
    expect(parse('dnstap /tmp/s nofull 2', warnings)[0]).toMatchObject({
      full: false,
      writeBufferBytes: 2 << 20,
    });
    expect(warnings).toEqual(["'nofull' is not 'full': wire-format messages are not included"]);
  });

  it('takes listen SOCKET, with tls CERT KEY [CA] for a tls:// listener', () => {
    const [unix, tcp, tls] = parse(
      'dnstap listen /tmp/dnstap.sock full\n' +
        'dnstap listen tcp://127.0.0.1:6000\n' +
        'dnstap listen tls://127.0.0.1:6000 full {\n tls certs/cert.pem certs/key.pem /etc/ca.pem\n skipverify\n}',
    );
    expect(unix).toMatchObject({
      listen: true,
      endpoint: { kind: 'unix', path: '/tmp/dnstap.sock' },
      full: true,
    });
    expect(tcp).toMatchObject({
      listen: true,
      endpoint: { kind: 'tcp', host: '127.0.0.1', port: 6000 },
      full: false,
    });
    expect(tls).toMatchObject({
      listen: true,
      full: true,
      tls: {
        cert: '/srv/dns/certs/cert.pem',
        key: '/srv/dns/certs/key.pem',
        ca: '/etc/ca.pem',
        skipVerify: true,
      },
    });
  });

  it('reads each dnstap line as its own tap', () => {
    expect(parse('dnstap /tmp/a.sock full\ndnstap tcp://127.0.0.1:6000').map((c) => c.full)).toEqual([
      true,
      false,
    ]);
  });

  it.each([
    ['dnstap', /Wrong argument count/],
    ['dnstap /a full 1 1 1', /Wrong argument count/],
    ['dnstap /a full 0', /writebuffer multiplier must be between 1 and 1024: 0/],
    ['dnstap /a full 1025', /writebuffer multiplier must be between 1 and 1024: 1025/],
    ['dnstap /a full 1 4097', /queue multiplier must be between 1 and 4096: 4097/],
    ['dnstap /a full x', /invalid writebuffer multiplier "x"/],
    ['dnstap tcp://127.0.0.1/8053', /needs HOST:PORT/],
    ['dnstap tcp://127.0.0.1:0', /invalid port/],
    ['dnstap tcp://127.0.0.1:65536', /invalid port/],
    ['dnstap tcp://:53', /needs HOST:PORT/],
    ['dnstap unix://', /socket path is empty/],
    ['dnstap /a {\n identity\n}', /Wrong argument count/],
    ['dnstap /a {\n version a b\n}', /Wrong argument count/],
    ['dnstap /a {\n skipverify yes\n}', /Wrong argument count/],
    ['dnstap /a {\n bogus\n}', /unknown property 'bogus'/],
    ['dnstap listen', /dnstap listen requires an endpoint argument/],
    ['dnstap /a {\n tls c k\n}', /tls directive only valid for listeners/],
    ['dnstap listen /a {\n tls c\n}', /tls requires cert and key file paths/],
    ['dnstap listen tls://127.0.0.1:6000', /a tls:\/\/ listener needs tls CERT KEY/],
  ])('rejects %j', (text, message) => {
    expect(errorOf(text)).toMatch(message);
    expect(errorOf(text)).toMatch(/^Corefile:\d+ - Error during parsing: /);
  });
});
