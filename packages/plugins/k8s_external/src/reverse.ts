import { formatIPv6 } from '@tsdns/core';

const V4_SUFFIX = '.in-addr.arpa.';
const V6_SUFFIX = '.ip6.arpa.';
const DECIMAL_OCTET = /^(?:0|[1-9]\d{0,2})$/;
const NIBBLE = /^[0-9a-f]$/;

/**
 * The address a full reverse name stands for (CoreDNS's ExtractAddressFromReverse):
 * `4.3.2.1.in-addr.arpa.` is 1.2.3.4, 32 nibbles under ip6.arpa an IPv6 address in RFC 5952
 * form. Undefined for anything else, a partial reverse name (a network) included. `name` is
 * lowercased and absolute.
 */
export function addressFromReverse(name: string): string | undefined {
  if (name.endsWith(V4_SUFFIX)) {
    const labels = name.slice(0, -V4_SUFFIX.length).split('.');
    if (labels.length !== 4) return undefined;
    for (const l of labels) if (!DECIMAL_OCTET.test(l) || Number(l) > 255) return undefined;
    return labels.reverse().join('.');
  }
  if (name.endsWith(V6_SUFFIX)) {
    const labels = name.slice(0, -V6_SUFFIX.length).split('.');
    if (labels.length !== 32) return undefined;
    const bytes = new Uint8Array(16);
    for (let i = 0; i < 32; i++) {
      const nibble = labels[31 - i];
      if (!NIBBLE.test(nibble)) return undefined;
      bytes[i >> 1] |= parseInt(nibble, 16) << (i & 1 ? 0 : 4);
    }
    return formatIPv6(bytes, 0);
  }
  return undefined;
}
