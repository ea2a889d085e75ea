import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { joinHostPort, parseUpstream, UpstreamAddressError } from './address.js';

const dir = mkdtempSync(join(tmpdir(), 'tsdns-forward-address-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

describe('parseUpstream', () => {
  it.each([
    ['10.0.0.1', 'dns', '10.0.0.1', 53, '10.0.0.1:53'],
    ['10.0.0.1:1053', 'dns', '10.0.0.1', 1053, '10.0.0.1:1053'],
    ['dns://10.0.0.1', 'dns', '10.0.0.1', 53, '10.0.0.1:53'],
    ['dns://10.0.0.1:5300', 'dns', '10.0.0.1', 5300, '10.0.0.1:5300'],
    ['tls://9.9.9.9', 'tls', '9.9.9.9', 853, '9.9.9.9:853'],
    ['tls://9.9.9.9:10853', 'tls', '9.9.9.9', 10853, '9.9.9.9:10853'],
    ['::1', 'dns', '::1', 53, '[::1]:53'],
    ['[::1]', 'dns', '::1', 53, '[::1]:53'],
    ['[2003::1]:53', 'dns', '2003::1', 53, '[2003::1]:53'],
    ['tls://[2001:db8::1]:853', 'tls', '2001:db8::1', 853, '[2001:db8::1]:853'],
    ['fe80::1%eth0', 'dns', 'fe80::1%eth0', 53, '[fe80::1%eth0]:53'],
  ])('%s', (arg, protocol, host, port, addr) => {
    expect(parseUpstream(arg)).toEqual([{ protocol, host, port, addr }]);
  });

  it('reads a per-upstream TLS server name after %', () => {
    expect(parseUpstream('tls://9.9.9.9%dns.quad9.net')).toEqual([
      { protocol: 'tls', host: '9.9.9.9', port: 853, addr: '9.9.9.9:853', serverName: 'dns.quad9.net' },
    ]);
    expect(parseUpstream('tls://9.9.9.9%dns.quad9.net:10853')).toEqual([
      { protocol: 'tls', host: '9.9.9.9', port: 10853, addr: '9.9.9.9:10853', serverName: 'dns.quad9.net' },
    ]);
    expect(parseUpstream('tls://[2001:db8::1%dns.example]:8853')).toEqual([
      {
        protocol: 'tls',
        host: '2001:db8::1',
        port: 8853,
        addr: '[2001:db8::1]:8853',
        serverName: 'dns.example',
      },
    ]);
  });

  it('refuses bad ports', () => {
    for (const arg of ['10.0.0.1:0', '10.0.0.1:65536', '10.0.0.1:', '10.0.0.1:x', '[::1]:99999']) {
      expect(() => parseUpstream(arg), arg).toThrow(UpstreamAddressError);
    }
  });

  it('refuses protocols it cannot speak, naming them', () => {
    expect(() => parseUpstream('https://9.9.9.9')).toThrow(/DNS-over-HTTPS/);
    expect(() => parseUpstream('grpc://9.9.9.9')).toThrow(
      "'grpc' is not supported as a destination protocol in forward",
    );
    expect(() => parseUpstream('unix:///run/dns.sock')).toThrow(/'unix' is not supported/);
  });

  it('refuses a name that is neither an IP address nor a file', () => {
    expect(() => parseUpstream('dns.example.net')).toThrow(
      'not an IP address or file: "dns.example.net" (ENOENT)',
    );
    expect(() => parseUpstream('dns://')).toThrow('invalid address: "dns://"');
  });

  it("uses a resolv.conf file's nameservers, port 53, scope dropped, comments skipped", () => {
    const path = file(
      'resolv.conf',
      [
        '# generated',
        'search example.org',
        'nameserver 192.0.2.53',
        '; nameserver 192.0.2.99',
        'nameserver\t2001:db8::53',
        'nameserver fe80::1%eth0',
        'options ndots:5',
        '',
      ].join('\n'),
    );
    expect(parseUpstream(path).map((u) => u.addr)).toEqual([
      '192.0.2.53:53',
      '[2001:db8::53]:53',
      '[fe80::1]:53',
    ]);
    expect(parseUpstream(path).every((u) => u.protocol === 'dns' && u.port === 53)).toBe(true);
  });

  it('skips nameserver lines that are not IP addresses, with a warning', () => {
    const path = file('odd.conf', 'nameserver dns.example.net\nnameserver 192.0.2.1 extra\nnameserver\n');
    const warnings: string[] = [];
    expect(parseUpstream(path, (m) => warnings.push(m)).map((u) => u.addr)).toEqual(['192.0.2.1:53']);
    expect(warnings).toEqual([`${path}:1: nameserver "dns.example.net" is not an IP address, skipped`]);
  });

  it('takes a file whose name contains a colon as a file', () => {
    const path = file('with:colon', 'nameserver 192.0.2.7\n');
    expect(parseUpstream(path).map((u) => u.addr)).toEqual(['192.0.2.7:53']);
  });

  it('yields nothing for a file without nameservers', () => {
    expect(parseUpstream(file('empty.conf', 'search example.org\n'))).toEqual([]);
  });
});

describe('joinHostPort', () => {
  it('brackets IPv6 hosts only', () => {
    expect(joinHostPort('192.0.2.1', 53)).toBe('192.0.2.1:53');
    expect(joinHostPort('2001:db8::1', 853)).toBe('[2001:db8::1]:853');
  });
});
