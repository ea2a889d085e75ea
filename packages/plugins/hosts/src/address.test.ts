import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { addressFromReverse, parseHostAddress } from './address.js';

/** The ip6.arpa name of 16 address bytes, as a resolver builds it. */
function ip6Arpa(bytes: readonly number[]): string {
  const nibbles: string[] = [];
  for (let i = 15; i >= 0; i--) nibbles.push((bytes[i] & 0xf).toString(16), (bytes[i] >> 4).toString(16));
  return nibbles.join('.') + '.ip6.arpa.';
}

describe('parseHostAddress', () => {
  it('reads IPv4 and IPv6 in canonical form', () => {
    expect(parseHostAddress('10.0.0.1')).toEqual({ family: 4, text: '10.0.0.1' });
    expect(parseHostAddress('2001:DB8:0:0:0:0:0:1')).toEqual({ family: 6, text: '2001:db8::1' });
    expect(parseHostAddress('::1')).toEqual({ family: 6, text: '::1' });
  });

  it('drops an IPv6 zone, as CoreDNS does', () => {
    expect(parseHostAddress('fe80::1%eth0')).toEqual({ family: 6, text: 'fe80::1' });
    expect(parseHostAddress('fe80::1%')).toEqual({ family: 6, text: 'fe80::1' });
  });

  it('treats an IPv4-mapped IPv6 address as the IPv4 address (Go To4)', () => {
    expect(parseHostAddress('::FFFF:10.0.0.2')).toEqual({ family: 4, text: '10.0.0.2' });
    expect(parseHostAddress('::ffff:a00:3')).toEqual({ family: 4, text: '10.0.0.3' });
    // IPv4-compatible (deprecated) addresses are not mapped: they stay IPv6.
    expect(parseHostAddress('::10.0.0.2')).toEqual({ family: 6, text: '::a00:2' });
  });

  it('refuses anything that is not an address', () => {
    for (const bad of [
      '',
      'localhost',
      '10.0.0',
      '10.0.0.256',
      '010.0.0.1',
      '1.2.3.4.5',
      ':::',
      '1::2::3',
      '%eth0',
    ])
      expect(parseHostAddress(bad), bad).toBeUndefined();
  });
});

describe('addressFromReverse', () => {
  it('reads complete in-addr.arpa names', () => {
    expect(addressFromReverse('1.0.0.10.in-addr.arpa.')).toBe('10.0.0.1');
    expect(addressFromReverse('0.0.0.0.in-addr.arpa.')).toBe('0.0.0.0');
  });

  it('refuses partial, over-long or malformed in-addr.arpa names', () => {
    for (const bad of [
      '0.10.in-addr.arpa.',
      '1.1.0.0.10.in-addr.arpa.',
      '256.0.0.10.in-addr.arpa.',
      '01.0.0.10.in-addr.arpa.',
      'a.0.0.10.in-addr.arpa.',
      'in-addr.arpa.',
      '1.0.0.10.in-addr.arpa.example.',
    ])
      expect(addressFromReverse(bad), bad).toBeUndefined();
  });

  it('reads complete ip6.arpa names', () => {
    expect(
      addressFromReverse('1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa.'),
    ).toBe('2001:db8::1');
    const mapped = [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 10, 0, 0, 2];
    expect(addressFromReverse(ip6Arpa(mapped))).toBe('10.0.0.2');
  });

  it('refuses ip6.arpa names without exactly 32 single-nibble labels', () => {
    const full = ip6Arpa([0x20, 1, 0xd, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1]);
    expect(addressFromReverse(full.slice(2))).toBeUndefined(); // 31 labels
    expect(addressFromReverse('0.' + full)).toBeUndefined(); // 33 labels
    expect(addressFromReverse('g' + full.slice(1))).toBeUndefined();
    expect(addressFromReverse('10' + full.slice(3))).toBeUndefined(); // a two-character label
    expect(addressFromReverse('ip6.arpa.')).toBeUndefined();
  });

  it('inverts the reverse name of every address', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 16, maxLength: 16 }), (bytes) => {
        const forward = parseHostAddress(
          Array.from({ length: 8 }, (_, g) => ((bytes[2 * g] << 8) | bytes[2 * g + 1]).toString(16)).join(
            ':',
          ),
        );
        expect(forward).toBeDefined();
        expect(addressFromReverse(ip6Arpa([...bytes]))).toBe(forward?.text);
      }),
    );
    fc.assert(
      fc.property(fc.ipV4(), (text) => {
        const reverse = text.split('.').reverse().join('.') + '.in-addr.arpa.';
        expect(addressFromReverse(reverse)).toBe(text);
      }),
    );
  });

  it('never throws on arbitrary names', () => {
    fc.assert(
      fc.property(fc.string(), fc.constantFrom('.in-addr.arpa.', '.ip6.arpa.', ''), (s, suffix) => {
        addressFromReverse(s + suffix);
      }),
    );
  });
});
