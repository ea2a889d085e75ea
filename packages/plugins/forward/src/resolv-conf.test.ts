import { describe, expect, it } from 'vitest';
import { parseResolvConf } from './resolv-conf.js';

describe('parseResolvConf', () => {
  it('reads nameserver lines with their line numbers and ignores the rest', () => {
    const text =
      '# c\n; c\n\nsearch a b\nnameserver 192.0.2.1\n  nameserver   192.0.2.2   # trailing\noptions rotate\nnameserver\n';
    expect(parseResolvConf(text)).toEqual([
      { address: '192.0.2.1', line: 5 },
      { address: '192.0.2.2', line: 6 },
    ]);
  });

  it('handles CRLF line ends and tabs', () => {
    expect(parseResolvConf('nameserver\t192.0.2.9\r\n')).toEqual([{ address: '192.0.2.9', line: 1 }]);
  });
});
