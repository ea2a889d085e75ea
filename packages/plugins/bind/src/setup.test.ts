import type { NetworkInterfaceInfo } from 'node:os';
import { describe, expect, it } from 'vitest';
import { CorefileError, Dispenser, tokenize } from '@tsdns/core';
import { canonicalAddress, parseBind, type InterfaceTable } from './setup.js';

function info(address: string, scopeid = 0): NetworkInterfaceInfo {
  const v6 = address.includes(':');
  const common = { address, mac: '00:00:00:00:00:00', internal: false };
  return v6
    ? { ...common, family: 'IPv6', netmask: 'ffff:ffff:ffff:ffff::', cidr: `${address}/64`, scopeid }
    : { ...common, family: 'IPv4', netmask: '255.255.255.0', cidr: `${address}/24` };
}

const INTERFACES: InterfaceTable = {
  lo: [info('127.0.0.1'), info('::1')],
  eth0: [info('192.0.2.2'), info('fd00::2'), info('fe80::fc:ff:fe00:1', 4)],
};

function parse(text: string): string[] {
  return parseBind(new Dispenser(tokenize(text, 'Corefile'), 'Corefile'), INTERFACES);
}

function errorOf(text: string): CorefileError {
  try {
    parse(text);
  } catch (e) {
    if (e instanceof CorefileError) return e;
    throw e;
  }
  throw new Error(`no error for ${JSON.stringify(text)}`);
}

describe('parseBind', () => {
  it.each<[string, string[]]>([
    ['bind 127.0.0.1', ['127.0.0.1']],
    ['bind 127.0.0.1 ::1', ['127.0.0.1', '::1']],
    ['bind 127.0.0.1\nbind ::1', ['127.0.0.1', '::1']],
    ['bind lo', ['127.0.0.1', '::1']],
    ['bind eth0', ['192.0.2.2', 'fd00::2', 'fe80::fc:ff:fe00:1%eth0']],
    ['bind lo {\n  except 127.0.0.1\n}', ['::1']],
    ['bind lo eth0 {\n  except eth0 ::1\n}', ['127.0.0.1']],
    ['bind lo eth0 {\n  except eth0\n  except ::1\n}', ['127.0.0.1']],
    // except compares addresses, not spellings.
    ['bind ::1 127.0.0.1 {\n  except 0:0:0:0:0:0:0:1\n}', ['127.0.0.1']],
    ['bind 127.0.0.1 lo 127.0.0.1', ['127.0.0.1', '::1']],
    ['bind 2001:DB8:0:0::1', ['2001:db8::1']],
    ['bind fe80::1%eth0', ['fe80::1%eth0']],
    ['bind ::ffff:192.0.2.9', ['::ffff:192.0.2.9']],
    // except only applies to its own line.
    ['bind 127.0.0.1 ::1 {\n  except 127.0.0.1\n}\nbind 127.0.0.1', ['::1', '127.0.0.1']],
    ['bind lo {\n  except ::1 127.0.0.9\n}', ['127.0.0.1']],
  ])('%j', (text, hosts) => {
    expect(parse(text)).toEqual(hosts);
  });

  it.each([
    ['bind', 1, 'at least one address or interface name is expected'],
    ['bind {\n  except lo\n}', 1, 'at least one address or interface name is expected'],
    ['bind wlan9', 1, "not a valid IP address or interface name: 'wlan9'"],
    ['bind 127.0.0.256', 1, "not a valid IP address or interface name: '127.0.0.256'"],
    ['bind 127.0.0.01', 1, "not a valid IP address or interface name: '127.0.0.01'"],
    ['bind example.org', 1, "not a valid IP address or interface name: 'example.org'"],
    ['bind fe80::1%', 1, "not a valid IP address or interface name: 'fe80::1%'"],
    ['bind 127.0.0.1 {\n  except\n}', 2, 'at least one address or interface must be given to except'],
    ['bind 127.0.0.1 {\n  only lo\n}', 2, "invalid option 'only'"],
    ['bind 127.0.0.1 {\n  except bogus\n}', 2, "not a valid IP address or interface name: 'bogus'"],
    ['bind lo {\n  except lo\n}', 1, 'every address is excluded by except'],
    // Even when another line leaves addresses: a line that keeps nothing is a mistake.
    ['bind ::1\nbind lo {\n  except lo\n}', 2, 'every address is excluded by except'],
  ])('rejects %j at line %i', (text, line, message) => {
    const err = errorOf(text);
    expect([err.file, err.line]).toEqual(['Corefile', line]);
    expect(err.detail).toContain(message);
  });

  it("reads this host's interfaces by default", () => {
    const hosts = parseBind(new Dispenser(tokenize('bind lo', 'Corefile'), 'Corefile'));
    expect(hosts).toContain('127.0.0.1');
  });
});

describe('canonicalAddress', () => {
  it.each<[string, string | undefined]>([
    ['127.0.0.1', '127.0.0.1'],
    ['::1', '::1'],
    ['0:0:0:0:0:0:0:1', '::1'],
    ['2001:DB8::0:1', '2001:db8::1'],
    ['fe80::1%eth0', 'fe80::1%eth0'],
    ['FE80:0::1%eth0', 'fe80::1%eth0'],
    ['::ffff:c000:0209', '::ffff:192.0.2.9'],
    ['1.2.3', undefined],
    ['', undefined],
    ['%eth0', undefined],
    ['::1%', undefined],
    ['lo', undefined],
  ])('%j -> %j', (text, canonical) => {
    expect(canonicalAddress(text)).toBe(canonical);
  });
});
