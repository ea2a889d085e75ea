import { describe, expect, it } from 'vitest';
import { decodeRdata } from '../decode.js';
import { encodeRdata } from '../encode.js';
import { hex } from '../test-support/bytes.js';
import type { ResourceRecord, SvcbData } from '../types.js';
import { svcParamKeyName, svcParamKeyNumber } from './svcb.js';

const FOO_EXAMPLE_COM = '03666f6f076578616d706c6503636f6d00';
const FOO_EXAMPLE_ORG = '03666f6f076578616d706c65036f726700';

function svcb(data: SvcbData): ResourceRecord {
  return { name: 'example.com.', type: 'SVCB', class: 'IN', ttl: 300, data };
}

/** RFC 9460 appendix D test vectors: presentation meaning and wire bytes. */
const vectors: Array<[string, SvcbData, string]> = [
  ['AliasMode', { priority: 0, target: 'foo.example.com.', params: [] }, '0000' + FOO_EXAMPLE_COM],
  ['ServiceMode, root target', { priority: 1, target: '.', params: [] }, '000100'],
  [
    'port',
    { priority: 16, target: 'foo.example.com.', params: [{ key: 'port', value: 53 }] },
    '0010' + FOO_EXAMPLE_COM + '000300020035',
  ],
  [
    'unknown key',
    {
      priority: 1,
      target: 'foo.example.com.',
      params: [{ key: 'key667', value: new TextEncoder().encode('hello') }],
    },
    '0001' + FOO_EXAMPLE_COM + '029b000568656c6c6f',
  ],
  [
    'ipv6hint',
    {
      priority: 1,
      target: 'foo.example.com.',
      params: [{ key: 'ipv6hint', value: ['2001:db8::1', '2001:db8::53:1'] }],
    },
    '0001' + FOO_EXAMPLE_COM + '0006002020010db800000000000000000000000120010db8000000000000000000530001',
  ],
  [
    'IPv4-mapped ipv6hint',
    { priority: 1, target: 'example.com.', params: [{ key: 'ipv6hint', value: ['::ffff:198.51.100.100'] }] },
    '0001076578616d706c6503636f6d00' + '0006001000000000000000000000ffffc6336464',
  ],
  [
    'mandatory, alpn, ipv4hint (keys sorted on the wire)',
    {
      priority: 16,
      target: 'foo.example.org.',
      params: [
        { key: 'mandatory', value: ['alpn', 'ipv4hint'] },
        { key: 'alpn', value: ['h2', 'h3-19'] },
        { key: 'ipv4hint', value: ['192.0.2.1'] },
      ],
    },
    '0010' + FOO_EXAMPLE_ORG + '00000004' + '00010004' + '000100090268320568332d3139' + '00040004c0000201',
  ],
];

describe('SVCB/HTTPS (RFC 9460 test vectors)', () => {
  for (const [what, data, wire] of vectors) {
    it(what, () => {
      expect(Buffer.from(encodeRdata(svcb(data))).toString('hex')).toBe(wire);
      expect(decodeRdata(64, hex(wire))).toEqual(data);
      expect(decodeRdata(65, hex(wire))).toEqual(data);
    });
  }

  it('sorts keys given out of order and rejects duplicates', () => {
    const shuffled: SvcbData = {
      priority: 16,
      target: 'foo.example.org.',
      params: [
        { key: 'ipv4hint', value: ['192.0.2.1'] },
        { key: 'alpn', value: ['h2', 'h3-19'] },
        { key: 'mandatory', value: ['ipv4hint', 'alpn'] },
      ],
    };
    expect(Buffer.from(encodeRdata(svcb(shuffled))).toString('hex')).toBe(vectors[6][2]);
    const dup: SvcbData = {
      priority: 1,
      target: '.',
      params: [{ key: 'port', value: 1 }, { key: 'key3', value: 2 } as never],
    };
    expect(() => encodeRdata(svcb(dup))).toThrow(/duplicate key/);
  });

  it('names keys', () => {
    expect(svcParamKeyName(1)).toBe('alpn');
    expect(svcParamKeyName(667)).toBe('key667');
    expect(svcParamKeyNumber('ech')).toBe(5);
    expect(svcParamKeyNumber('key667')).toBe(667);
    for (const bad of ['key', 'key01', 'key65535', 'key123456', 'bogus', 'Key1'])
      expect(svcParamKeyNumber(bad), bad).toBe(-1);
  });
});
