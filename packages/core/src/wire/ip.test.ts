import { describe, expect, it } from 'vitest';
import { formatIPv4, formatIPv6, parseIPv4, parseIPv6 } from './ip.js';

function v6(text: string): string | undefined {
  const b = new Uint8Array(16);
  return parseIPv6(text, b, 0) ? formatIPv6(b, 0) : undefined;
}

describe('IPv4', () => {
  it('parses strict dotted quads', () => {
    const b = new Uint8Array(4);
    expect(parseIPv4('192.0.2.255', b, 0)).toBe(true);
    expect(formatIPv4(b, 0)).toBe('192.0.2.255');
    for (const bad of ['1.2.3', '1.2.3.4.5', '256.1.1.1', '01.2.3.4', '1..3.4', '1.2.3.4 ', '', 'a.b.c.d']) {
      expect(parseIPv4(bad, b, 0), bad).toBe(false);
    }
  });
});

describe('IPv6', () => {
  it('formats per RFC 5952', () => {
    expect(v6('2001:DB8:0:0:0:0:0:1')).toBe('2001:db8::1');
    expect(v6('2001:db8:0:0:1:0:0:1')).toBe('2001:db8::1:0:0:1');
    expect(v6('2001:0:0:1:0:0:0:1')).toBe('2001:0:0:1::1');
    expect(v6('2001:db8:0:1:1:1:1:1')).toBe('2001:db8:0:1:1:1:1:1');
    expect(v6('::')).toBe('::');
    expect(v6('::1')).toBe('::1');
    expect(v6('fe80::')).toBe('fe80::');
    expect(v6('::ffff:192.0.2.1')).toBe('::ffff:192.0.2.1');
    expect(v6('::ffff:c000:0201')).toBe('::ffff:192.0.2.1');
    expect(v6('64:ff9b::192.0.2.1')).toBe('64:ff9b::c000:201');
    expect(v6('1:2:3:4:5:6:7::')).toBe('1:2:3:4:5:6:7:0');
  });
  it('rejects malformed text', () => {
    for (const bad of [
      '',
      ':',
      ':::',
      '1::2::3',
      '1:2:3:4:5:6:7:8:9',
      '1:2:3:4:5:6:7',
      '12345::',
      'g::',
      '1:',
      ':1',
      '::1.2.3',
      '1:2:3:4:5:6:7:1.2.3.4',
      'fe80::1%eth0',
    ]) {
      expect(v6(bad), bad).toBeUndefined();
    }
  });
});
