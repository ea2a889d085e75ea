import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { addressFromReverse } from './reverse.js';

function v6Reverse(bytes: Uint8Array): string {
  const nibbles: string[] = [];
  for (const b of bytes) nibbles.push((b >> 4).toString(16), (b & 15).toString(16));
  return `${nibbles.reverse().join('.')}.ip6.arpa.`;
}

describe('addressFromReverse', () => {
  it('reads full IPv4 and IPv6 reverse names', () => {
    expect(addressFromReverse('10.2.0.192.in-addr.arpa.')).toBe('192.0.2.10');
    expect(addressFromReverse('0.0.0.0.in-addr.arpa.')).toBe('0.0.0.0');
    const bytes = new Uint8Array(16);
    bytes.set([0x20, 0x01, 0x0d, 0xb8], 0);
    bytes[15] = 0x10;
    expect(addressFromReverse(v6Reverse(bytes))).toBe('2001:db8::10');
  });

  it('refuses partial, overlong and malformed names', () => {
    for (const name of [
      '2.0.192.in-addr.arpa.',
      '1.10.2.0.192.in-addr.arpa.',
      '256.2.0.192.in-addr.arpa.',
      '01.2.0.192.in-addr.arpa.',
      'a.2.0.192.in-addr.arpa.',
      'in-addr.arpa.',
      '0.1.ip6.arpa.',
      `${'g.'.repeat(32)}ip6.arpa.`,
      `${'10.'.repeat(32)}ip6.arpa.`,
      'web.default.example.org.',
    ]) {
      expect(addressFromReverse(name)).toBeUndefined();
    }
  });

  it('round-trips every IPv4 address and every IPv6 address', () => {
    fc.assert(
      fc.property(fc.ipV4(), (ip) => {
        expect(addressFromReverse(`${ip.split('.').reverse().join('.')}.in-addr.arpa.`)).toBe(ip);
      }),
    );
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 16, maxLength: 16 }), (bytes) => {
        const ip = addressFromReverse(v6Reverse(bytes));
        expect(ip).toBeDefined();
        const words = new URL(`http://[${ip}]/`).hostname;
        expect(words).toBe(`[${ip}]`);
      }),
    );
  });

  it('never throws on arbitrary names', () => {
    fc.assert(
      fc.property(
        fc.array(fc.stringMatching(/^[0-9a-z-]{0,4}$/), { maxLength: 40 }),
        fc.constantFrom('in-addr.arpa.', 'ip6.arpa.'),
        (labels, suffix) => {
          addressFromReverse(`${labels.join('.')}.${suffix}`);
        },
      ),
    );
  });
});
