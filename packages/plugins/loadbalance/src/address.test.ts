import { describe, expect, it } from 'vitest';
import { Subnet, canonicalIp, ipBytes } from './address.js';

describe('canonicalIp', () => {
  it('gives one spelling per address, IPv4-mapped addresses as IPv4', () => {
    expect(canonicalIp('192.0.2.1')).toBe('192.0.2.1');
    expect(canonicalIp('::ffff:192.0.2.1')).toBe('192.0.2.1');
    expect(canonicalIp('2001:DB8:0:0:0:0:0:1')).toBe('2001:db8::1');
    expect(canonicalIp('2001:db8::1')).toBe('2001:db8::1');
    expect(canonicalIp('www.example.org')).toBeUndefined();
    expect(canonicalIp('192.0.2.256')).toBeUndefined();
    expect(canonicalIp('')).toBeUndefined();
  });
});

describe('Subnet', () => {
  const ip = (t: string) => ipBytes(t) as Uint8Array;

  it('matches addresses inside the prefix, host bits ignored', () => {
    const s = Subnet.parse('10.9.20.77/24') as Subnet;
    expect(s.contains(ip('10.9.20.1'))).toBe(true);
    expect(s.contains(ip('10.9.21.1'))).toBe(false);
    expect(s.contains(ip('::ffff:10.9.20.9'))).toBe(true);
    expect(s.contains(ip('2001:db8::1'))).toBe(false);
    const odd = Subnet.parse('192.168.0.0/23') as Subnet;
    expect(odd.contains(ip('192.168.1.255'))).toBe(true);
    expect(odd.contains(ip('192.168.2.0'))).toBe(false);
    const all = Subnet.parse('0.0.0.0/0') as Subnet;
    expect(all.contains(ip('203.0.113.9'))).toBe(true);
  });

  it('handles IPv6 and IPv4-mapped networks', () => {
    const s = Subnet.parse('2001:db8:1::/48') as Subnet;
    expect(s.contains(ip('2001:db8:1:ffff::1'))).toBe(true);
    expect(s.contains(ip('2001:db8:2::1'))).toBe(false);
    expect(s.contains(ip('10.0.0.1'))).toBe(false);
    const mapped = Subnet.parse('::ffff:10.0.0.0/104') as Subnet;
    expect(mapped.contains(ip('10.200.0.1'))).toBe(true);
    expect(mapped.contains(ip('11.0.0.1'))).toBe(false);
  });

  it('rejects what is not a CIDR', () => {
    for (const bad of [
      '10.0.0.0',
      '10.0.0.0/33',
      '2001:db8::/129',
      'x/8',
      '10.0.0.0/-1',
      '10.0.0.0/',
      '/8',
    ]) {
      expect(Subnet.parse(bad)).toBeUndefined();
    }
  });
});
