import { describe, expect, it } from 'vitest';
import { looksLikeCidr, parseIPv6, reverseZonesOf } from './reverse.js';

const v6 = (prefix: string) => (nibble: string) => `${nibble}.${prefix}`;

describe('reverseZonesOf', () => {
  it('gives one zone for prefixes on an octet boundary', () => {
    expect(reverseZonesOf('10.0.0.0/24')).toEqual(['0.0.10.in-addr.arpa.']);
    expect(reverseZonesOf('10.0.0.0/16')).toEqual(['0.10.in-addr.arpa.']);
    expect(reverseZonesOf('10.0.0.0/8')).toEqual(['10.in-addr.arpa.']);
    expect(reverseZonesOf('10.1.2.3/32')).toEqual(['3.2.1.10.in-addr.arpa.']);
    expect(reverseZonesOf('0.0.0.0/0')).toEqual(['in-addr.arpa.']);
  });

  it('clears host bits first', () => {
    expect(reverseZonesOf('10.1.2.3/24')).toEqual(['2.1.10.in-addr.arpa.']);
    expect(reverseZonesOf('192.168.1.1/23')).toEqual(['0.168.192.in-addr.arpa.', '1.168.192.in-addr.arpa.']);
  });

  it('splits other IPv4 prefixes at the next octet boundary (CoreDNS cidr tests)', () => {
    expect(reverseZonesOf('10.0.0.0/15')).toEqual(['0.10.in-addr.arpa.', '1.10.in-addr.arpa.']);
    // CoreDNS's own test checks only the first three of these 64.
    expect(reverseZonesOf('10.9.3.0/18')).toEqual(
      Array.from({ length: 64 }, (_, i) => `${i}.9.10.in-addr.arpa.`),
    );
    expect(reverseZonesOf('10.129.60.0/22')).toEqual([
      '60.129.10.in-addr.arpa.',
      '61.129.10.in-addr.arpa.',
      '62.129.10.in-addr.arpa.',
      '63.129.10.in-addr.arpa.',
    ]);
    expect(reverseZonesOf('10.7.240.0/20')).toEqual(
      Array.from({ length: 16 }, (_, i) => `${240 + i}.7.10.in-addr.arpa.`),
    );
  });

  it('expands /25 and /27 into per-address zones, as CoreDNS does', () => {
    const z25 = reverseZonesOf('10.0.0.0/25') as string[];
    expect(z25).toHaveLength(128);
    expect(z25[0]).toBe('0.0.0.10.in-addr.arpa.');
    expect(z25[127]).toBe('127.0.0.10.in-addr.arpa.');
    expect(reverseZonesOf('10.0.0.128/25')?.[0]).toBe('128.0.0.10.in-addr.arpa.');
    expect(reverseZonesOf('10.0.0.0/27')).toEqual(
      Array.from({ length: 32 }, (_, i) => `${i}.0.0.10.in-addr.arpa.`),
    );
    expect(reverseZonesOf('128.0.0.0/1')).toEqual(
      Array.from({ length: 128 }, (_, i) => `${128 + i}.in-addr.arpa.`),
    );
  });

  it('works in nibbles for IPv6 (CoreDNS normalize tests)', () => {
    const db8 = v6('b.d.0.1.0.0.2.ip6.arpa.');
    expect(reverseZonesOf('2001:db8::/32')).toEqual(['8.b.d.0.1.0.0.2.ip6.arpa.']);
    expect(reverseZonesOf('2001:db8::/31')).toEqual([db8('8'), db8('9')]);
    expect(reverseZonesOf('2001:db8::/30')).toEqual(['8', '9', 'a', 'b'].map(db8));
    expect(reverseZonesOf('2001:db8::/29')).toEqual(['8', '9', 'a', 'b', 'c', 'd', 'e', 'f'].map(db8));
    const deep = v6('0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa.');
    expect(reverseZonesOf('2001:db8::/115')).toEqual(['0', '1'].map(deep));
    expect(reverseZonesOf('2001:db8::/114')).toEqual(['0', '1', '2', '3'].map(deep));
    expect(reverseZonesOf('2001:db8::/113')).toEqual(['0', '1', '2', '3', '4', '5', '6', '7'].map(deep));
    expect(reverseZonesOf('2001:db8::/112')).toEqual([
      '0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa.',
    ]);
    expect(reverseZonesOf('2001:db8::/108')).toEqual([
      '0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa.',
    ]);
    expect(reverseZonesOf('fd00:AB::/24')).toEqual(['0.0.0.0.d.f.ip6.arpa.']);
    expect(reverseZonesOf('fd00:AB::/40')).toEqual(['0.0.b.a.0.0.0.0.d.f.ip6.arpa.']);
    expect(reverseZonesOf('2001:db8::1/128')).toEqual([
      '1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa.',
    ]);
  });

  it('refuses what is not a valid prefix, and the forms CoreDNS refuses', () => {
    for (const bad of [
      '10.0.0.0/33',
      '256.0.0.0/8',
      '010.0.0.0/8',
      '10.0.0/24',
      '2001:db8::/129',
      '2001:db8:::/32',
      '1:2:3:4:5:6:7:8:9/64',
      '::fFFF:B:F/115',
      '::/0',
      '0:1::/16',
      'example.org',
    ]) {
      expect(reverseZonesOf(bad), bad).toBeUndefined();
    }
  });

  it('knows the shape of a prefix apart from names that contain a slash', () => {
    expect(looksLikeCidr('10.0.0.0/33')).toBe(true);
    expect(looksLikeCidr('2001:db8::/32')).toBe(true);
    expect(looksLikeCidr('0/25.2.0.192.in-addr.arpa')).toBe(false);
    expect(looksLikeCidr('example.org')).toBe(false);
  });
});

describe('parseIPv6', () => {
  it('reads full, compressed and dotted-tail forms', () => {
    expect(parseIPv6('2001:db8::1')).toEqual([0x20, 0x01, 0x0d, 0xb8, ...new Array(11).fill(0), 1]);
    expect(parseIPv6('1:2:3:4:5:6:7:8')).toEqual([0, 1, 0, 2, 0, 3, 0, 4, 0, 5, 0, 6, 0, 7, 0, 8]);
    expect(parseIPv6('64:ff9b::192.0.2.33')).toEqual([
      0,
      0x64,
      0xff,
      0x9b,
      ...new Array(8).fill(0),
      192,
      0,
      2,
      33,
    ]);
    expect(parseIPv6('1:2:3:4:5:6:7::')).toEqual([0, 1, 0, 2, 0, 3, 0, 4, 0, 5, 0, 6, 0, 7, 0, 0]);
  });

  it('refuses malformed addresses', () => {
    for (const bad of [
      '1:2:3:4:5:6:7:8::',
      '1::2::3',
      '12345::',
      '1:2:3',
      'g::',
      '::1.2.3',
      '1:2:3:4:5:6:7:1.2.3.4',
    ]) {
      expect(parseIPv6(bad), bad).toBeUndefined();
    }
  });
});
