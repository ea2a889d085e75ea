import { describe, expect, it } from 'vitest';
import { tokenize } from '../../zonefile/lexer.js';
import type { ResourceRecord, SvcbData } from '../types.js';
import { rdataFromText, rdataToText } from './rdata-text.js';
import { PresentationError } from './token.js';

const ascii = (s: string) => Uint8Array.from(Buffer.from(s, 'latin1'));

function parse(text: string): SvcbData {
  return rdataFromText('SVCB', tokenize(text)[0], 'example.') as SvcbData;
}

function print(data: SvcbData): string {
  return rdataToText({ name: 'x.', type: 'HTTPS', class: 'IN', ttl: 0, data } as ResourceRecord);
}

function parseError(text: string): PresentationError {
  try {
    parse(text);
  } catch (err) {
    if (err instanceof PresentationError) return err;
    throw err;
  }
  throw new Error(`${JSON.stringify(text)} parsed without error`);
}

describe('SvcParams', () => {
  it('reads every key, sorts them by number and prints them as kdig does', () => {
    const data = parse(
      '1 svc.example. key667="hello" ipv6hint=2001:DB8::1,::2 ech=AEX+DQBB ipv4hint=192.0.2.1,192.0.2.2 ' +
        'port=8443 no-default-alpn alpn=h2,h3 mandatory=port,alpn',
    );
    expect(data).toEqual({
      priority: 1,
      target: 'svc.example.',
      params: [
        { key: 'mandatory', value: ['alpn', 'port'] },
        { key: 'alpn', value: ['h2', 'h3'] },
        { key: 'no-default-alpn' },
        { key: 'port', value: 8443 },
        { key: 'ipv4hint', value: ['192.0.2.1', '192.0.2.2'] },
        { key: 'ech', value: Uint8Array.of(0x00, 0x45, 0xfe, 0x0d, 0x00, 0x41) },
        { key: 'ipv6hint', value: ['2001:db8::1', '::2'] },
        { key: 'key667', value: ascii('hello') },
      ],
    });
    expect(print(data)).toBe(
      '1 svc.example. mandatory=alpn,port alpn=h2,h3 no-default-alpn port=8443 ' +
        'ipv4hint=192.0.2.1,192.0.2.2 ech=AEX+DQBB ipv6hint=2001:db8::1,::2 key667="hello"',
    );
  });

  it('takes quoted values, whole or split off by the lexer', () => {
    const viaLexer = parse('1 . alpn="h2,h3" key7="/dns-query{?dns}"');
    const whole = rdataFromText(
      'SVCB',
      [
        { text: '1', quoted: false },
        { text: '.', quoted: false },
        { text: 'alpn="h2,h3"', quoted: false },
        { text: 'key7="/dns-query{?dns}"', quoted: false },
      ],
      '.',
    );
    const expected = {
      priority: 1,
      target: '.',
      params: [
        { key: 'alpn', value: ['h2', 'h3'] },
        { key: 'key7', value: ascii('/dns-query{?dns}') },
      ],
    };
    expect(viaLexer).toEqual(expected);
    expect(whole).toEqual(expected);
  });

  it('accepts key names in any case, keyNNNNN for known keys and later key names', () => {
    expect(parse('1 . ALPN=h2 key3=53 dohpath=/q{?dns} ohttp').params).toEqual([
      { key: 'alpn', value: ['h2'] },
      { key: 'port', value: 53 },
      { key: 'key7', value: ascii('/q{?dns}') },
      { key: 'key8', value: new Uint8Array(0) },
    ]);
  });

  it('applies the second escape level of alpn (RFC 9460 appendix A.1)', () => {
    const data = parse('1 . alpn="h2,h\\\\,3,a\\\\\\\\b,\\097"');
    expect(data.params).toEqual([{ key: 'alpn', value: ['h2', 'h,3', 'a\\b', 'a'] }]);
    // kdig's escaping: \\, for a comma and \\\\ for a backslash, unquoted
    expect(print(data)).toBe('1 . alpn=h2,h\\\\,3,a\\\\\\\\b,a');
    expect(parse(print(data)).params).toEqual(data.params);
  });

  it('quotes an alpn list holding a space so it reads back', () => {
    const data: SvcbData = { priority: 1, target: '.', params: [{ key: 'alpn', value: ['h 2', 'x"y'] }] };
    expect(print(data)).toBe('1 . alpn="h 2,x\\"y"');
    expect(parse(print(data))).toEqual(data);
  });

  it('prints empty raw values and an empty ech as a bare key', () => {
    const data: SvcbData = {
      priority: 2,
      target: '.',
      params: [
        { key: 'ech', value: new Uint8Array(0) },
        { key: 'key9', value: new Uint8Array(0) },
        { key: 'key10', value: Uint8Array.of(0, 0x22, 0x5c, 0x20) },
      ],
    };
    expect(print(data)).toBe('2 . ech key9 key10="\\000\\"\\\\ "');
    expect(parse(print(data))).toEqual(data);
    expect(parse('2 . ech= key9=').params.map((p) => p.key)).toEqual(['ech', 'key9']);
  });

  it('sorts params, and falls back to generic rdata for lists the text form cannot carry', () => {
    const unsorted: SvcbData = {
      priority: 1,
      target: '.',
      params: [
        { key: 'port', value: 1 },
        { key: 'alpn', value: ['h2'] },
      ],
    };
    // printed in key order, as the wire encoder writes them
    expect(print(unsorted)).toBe('1 . alpn=h2 port=1');
    const mandatory: SvcbData = {
      priority: 1,
      target: '.',
      params: [{ key: 'mandatory', value: ['port', 'alpn'] }, { key: 'alpn', value: ['h2'] }, { key: 'port', value: 1 }],
    };
    expect(print(mandatory)).toBe('1 . mandatory=alpn,port alpn=h2 port=1');
    const duplicate: SvcbData = { priority: 1, target: '.', params: [{ key: 'port', value: 1 }, { key: 'key3', value: Uint8Array.of(0, 2) }] };
    // a duplicate key has neither a text nor a wire form
    expect(() => print(duplicate)).toThrow(/cannot print invalid rdata: .*duplicate key/);
    expect(() => print({ priority: 1, target: '.', params: [{ key: 'alpn', value: [''] }] })).toThrow(/empty protocol id/);
    // self-inconsistent lists (RFC 9460 section 8) still have a wire form
    expect(print({ priority: 1, target: '.', params: [{ key: 'mandatory', value: ['port'] }] })).toBe('\\# 9 000100000000020003');
    expect(print({ priority: 1, target: '.', params: [{ key: 'no-default-alpn' }] })).toBe('\\# 7 00010000020000');
  });

  it.each([
    ['1 . alpn=h2 alpn=h3', /duplicate SvcParam alpn/, 3],
    ['1 . port=1 key3=2', /duplicate SvcParam port/, 3],
    ['1 . mandatory=port', /mandatory key port is missing/, 2],
    ['1 . mandatory=mandatory,port port=1', /mandatory may not list itself/, 2],
    ['1 . mandatory=port,port port=1', /key port listed twice/, 2],
    ['1 . mandatory=bogus', /unknown key "bogus" in mandatory list/, 2],
    ['1 . mandatory', /mandatory needs a value/, 2],
    ['1 . no-default-alpn', /no-default-alpn requires alpn/, 2],
    ['1 . no-default-alpn=x alpn=h2', /no-default-alpn takes no value/, 2],
    ['1 . alpn', /alpn needs a value/, 2],
    ['1 . alpn=h2,', /empty protocol id/, 2],
    ['1 . alpn=,h2', /empty protocol id/, 2],
    ['1 . alpn="h2\\\\"', /dangling backslash in alpn list/, 2],
    [`1 . alpn=${'x'.repeat(256)}`, /protocol id longer than 255 bytes/, 2],
    ['1 . port=65536', /expected a port number \(0-65535\), found "65536"/, 2],
    ['1 . port=80,81', /expected a port number/, 2],
    ['1 . ipv4hint=192.0.2.1,x', /invalid IPv4 address "x"/, 2],
    ['1 . ipv6hint=192.0.2.1', /invalid IPv6 address "192.0.2.1"/, 2],
    ['1 . ipv4hint=', /ipv4hint needs a value/, 2],
    ['1 . ech=AEX', /bad value of ech: not valid base64/, 2],
    ['1 . key01=x', /unknown SvcParam key "key01"/, 2],
    ['1 . key65535=x', /unknown SvcParam key "key65535"/, 2],
    ['1 . bogus', /unknown SvcParam key "bogus"/, 2],
    ['1 . key9="\\999"', /bad value of key9: bad escape \\999: value above 255/, 2],
    ['1 . "alpn=h2"', /expected SvcParam key=value, found quoted string/, 2],
    ['x .', /expected priority \(0-65535\)/, 0],
  ])('rejects %j', (text, message, index) => {
    const err = parseError(text);
    expect(err.message).toMatch(message);
    expect(err.token).toBe(index);
  });
});
