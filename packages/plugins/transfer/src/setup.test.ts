import { describe, expect, it } from 'vitest';
import { CorefileError, Dispenser, tokenize } from '@tsdns/core';
import { parseTransfer, type TransferBlock } from './setup.js';

function parse(text: string, zones: string[] = ['example.org.']): TransferBlock[] {
  return parseTransfer(Object.assign(new Dispenser(tokenize(text, 'Corefile'), 'Corefile'), { zones }));
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

describe('parseTransfer', () => {
  it('takes the server block zones when none are given', () => {
    const [b] = parse('transfer {\n to *\n}', ['example.org.', 'example.net.']);
    expect(b.zones).toEqual(['example.org.', 'example.net.']);
    expect(b.acl.allows('203.0.113.9')).toBe(true);
    expect(b.source).toBeUndefined();
  });

  it('normalises ZONES, reverse CIDRs included', () => {
    expect(parse('transfer Example.ORG 10.0.0.0/24 {\n to *\n}')[0].zones).toEqual([
      'example.org.',
      '0.0.10.in-addr.arpa.',
    ]);
  });

  it('joins every `to` line: addresses, IP:port, networks and *; NOTIFY goes to single addresses', () => {
    const [b] = parse('transfer {\n to 192.0.2.1 [2001:db8::1]:5300\n to 10.0.0.0/8\n to 192.0.2.2:53\n}');
    expect(b.acl.allows('10.1.2.3')).toBe(true);
    expect(b.acl.allows('2001:db8::1')).toBe(true);
    expect(b.acl.allows('192.0.2.3')).toBe(false);
    expect(b.acl.notifyTargets()).toEqual([
      { host: '192.0.2.1', port: 53 },
      { host: '2001:db8::1', port: 5300 },
      { host: '192.0.2.2', port: 53 },
    ]);
  });

  it('reads source and several directives', () => {
    const blocks = parse(
      'transfer a.example {\n to *\n source 127.0.0.1\n}\ntransfer b.example {\n to ::1\n}',
    );
    expect(blocks.map((b) => [b.zones, b.source])).toEqual([
      [['a.example.'], '127.0.0.1'],
      [['b.example.'], undefined],
    ]);
  });

  it.each([
    ['transfer', "'to' is required"],
    ['transfer {\n}', "'to' is required"],
    ['transfer {\n to\n}', "Wrong argument count or unexpected line ending after 'to'"],
    ['transfer {\n to example.net\n}', "'example.net' is not an IP address, IP:port, CIDR network or *"],
    ['transfer {\n to 10.0.0.0/33\n}', "'10.0.0.0/33' is not an IP address, IP:port, CIDR network or *"],
    ['transfer {\n to *\n from 10.0.0.1\n}', 'unknown property "from"'],
    ['transfer {\n to *\n source\n}', "Wrong argument count or unexpected line ending after 'source'"],
    ['transfer {\n to *\n source localhost\n}', 'invalid source address "localhost"'],
    ['transfer {\n to *\n source ::1\n source ::1\n}', 'source already specified'],
    ['transfer ex..ample {\n to *\n}', "invalid zone 'ex..ample'"],
  ])('rejects %j', (text, message) => {
    const e = errorOf(text);
    expect(e.detail).toBe(message);
    expect(e.file).toBe('Corefile');
  });
});
