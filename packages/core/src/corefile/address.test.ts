import { describe, expect, it } from 'vitest';
import {
  formatServerAddress,
  normalizeZone,
  parseServerKey,
  zonesOf,
  ZoneOverlapChecker,
  type ServerAddress,
} from './address.js';
import { CorefileError } from './errors.js';

const at = { file: 'Corefile', line: 7 };
const addr = (key: string, port?: string) =>
  parseServerKey(key, at, port).map((a) => `${a.scheme}://${a.zone}:${a.port}`);

describe('parseServerKey', () => {
  it('reads the keys of chapter 3', () => {
    expect(addr('foo.example')).toEqual(['dns://foo.example.:53']);
    expect(addr('.')).toEqual(['dns://.:53']);
    expect(addr('.:1053')).toEqual(['dns://.:1053']);
    expect(addr('bar.example:1053')).toEqual(['dns://bar.example.:1053']);
    expect(addr('tls://foo.example')).toEqual(['tls://foo.example.:853']);
    expect(addr('grpc://bar.example')).toEqual(['grpc://bar.example.:443']);
    expect(addr('in-addr.arpa:5300')).toEqual(['dns://in-addr.arpa.:5300']);
  });

  it('knows every CoreDNS server scheme and its default port', () => {
    expect(addr('dns://example.org')).toEqual(['dns://example.org.:53']);
    expect(addr('quic://example.org')).toEqual(['quic://example.org.:853']);
    expect(addr('https://example.org')).toEqual(['https://example.org.:443']);
    expect(addr('https3://example.org')).toEqual(['https3://example.org.:443']);
    expect(addr('tls://example.org:8853')).toEqual(['tls://example.org.:8853']);
  });

  it('normalises zones to lowercase FQDNs and ports to plain numbers', () => {
    expect(addr('EXAMPLE.Org')).toEqual(['dns://example.org.:53']);
    expect(addr('example.org.:053')).toEqual(['dns://example.org.:53']);
    expect(addr('a\\.b')).toEqual(['dns://a\\.b.:53']);
  });

  it('uses the given default only for dns:// keys without a port', () => {
    expect(addr('example.org', '1053')).toEqual(['dns://example.org.:1053']);
    expect(addr('example.org:5300', '1053')).toEqual(['dns://example.org.:5300']);
    expect(addr('tls://example.org', '1053')).toEqual(['tls://example.org.:853']);
  });

  it('expands CIDR keys, with or without scheme and port', () => {
    expect(addr('10.0.0.0/24')).toEqual(['dns://0.0.10.in-addr.arpa.:53']);
    expect(addr('10.0.0.0/15:5300')).toEqual([
      'dns://0.10.in-addr.arpa.:5300',
      'dns://1.10.in-addr.arpa.:5300',
    ]);
    expect(addr('tls://10.0.0.0/8')).toEqual(['tls://10.in-addr.arpa.:853']);
    expect(addr('2001:db8::/32')).toEqual(['dns://8.b.d.0.1.0.0.2.ip6.arpa.:53']);
    expect(addr('2001:db8::/32:1053')).toEqual(['dns://8.b.d.0.1.0.0.2.ip6.arpa.:1053']);
    expect(addr('10.0.0.0/27')).toHaveLength(32);
  });

  it('keeps names that merely contain a slash (RFC 2317 delegations)', () => {
    expect(addr('0/25.2.0.192.in-addr.arpa')).toEqual(['dns://0/25.2.0.192.in-addr.arpa.:53']);
  });

  it('records the key and its position on every address', () => {
    const [a, b] = parseServerKey('10.0.0.0/15', { file: 'x.conf', line: 3 });
    expect(a).toEqual({
      scheme: 'dns',
      zone: '0.10.in-addr.arpa.',
      port: '53',
      key: '10.0.0.0/15',
      file: 'x.conf',
      line: 3,
    });
    expect(b.key).toBe('10.0.0.0/15');
  });

  it.each([
    ['foo://example.org', "unknown scheme 'foo://' in 'foo://example.org'"],
    ['unix://example.org', "unknown scheme 'unix://' in 'unix://example.org'"],
    ['dns://tls://example.org', "invalid server address 'dns://tls://example.org'"],
    ['example.org:', "expecting data after last colon: 'example.org:'"],
    ['example.org:abc', "invalid port 'abc' in 'example.org:abc'"],
    ['example.org:65536', "invalid port '65536' in 'example.org:65536'"],
    ['example.org:-1', "invalid port '-1' in 'example.org:-1'"],
    [':53', 'zone is not a valid domain name: '],
    ['a..b', 'zone is not a valid domain name: a..b'],
    ['.example', 'zone is not a valid domain name: .example'],
    ['a:b:53', 'zone is not a valid domain name: a:b'],
    ['x'.repeat(64) + '.org', `zone is not a valid domain name: ${'x'.repeat(64)}.org`],
    [Array(64).fill('abc').join('.'), `zone is not a valid domain name: ${Array(64).fill('abc').join('.')}`],
    ['a'.repeat(256), 'specified zone is too long: 256 > 255'],
    ['a\\', 'zone is not a valid domain name: a\\'],
    ['a\\256', 'zone is not a valid domain name: a\\256'],
    ['10.0.0.0/33', 'invalid CIDR 10.0.0.0/33'],
    ['::ffff:10.0.0.0/104', 'invalid CIDR ::ffff:10.0.0.0/104'],
  ])('rejects %j', (key, detail) => {
    let caught: unknown;
    try {
      parseServerKey(key, at);
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(CorefileError);
    expect(caught).toMatchObject({ file: 'Corefile', line: 7, detail });
    expect((caught as Error).message).toBe(`Corefile:7 - Error during parsing: ${detail}`);
  });

  it('counts escapes and multi-byte characters as octets in label length', () => {
    expect(addr('\\065'.repeat(63))).toHaveLength(1);
    expect(() => parseServerKey('\\065'.repeat(64), at)).toThrow(CorefileError);
    expect(addr('é'.repeat(31))).toHaveLength(1);
    expect(() => parseServerKey('é'.repeat(32), at)).toThrow(CorefileError);
  });
});

describe('normalizeZone and zonesOf', () => {
  it('fully qualifies and lowercases', () => {
    expect(normalizeZone('Example.ORG')).toBe('example.org.');
    expect(normalizeZone('example.org.')).toBe('example.org.');
    expect(normalizeZone('a\\.')).toBe('a\\..');
    expect(normalizeZone('a\\\\.')).toBe('a\\\\.');
  });

  it('turns plugin arguments into zones like CoreDNS NormalizeExact', () => {
    expect(zonesOf('.:53')).toEqual(['.']);
    expect(zonesOf('example.org:53')).toEqual(['example.org.']);
    expect(zonesOf('dns://example.org')).toEqual(['example.org.']);
    expect(zonesOf('10.0.0.0/8:53')).toEqual(['10.in-addr.arpa.']);
    expect(zonesOf('10.0.0.0/15')).toEqual(['0.10.in-addr.arpa.', '1.10.in-addr.arpa.']);
    expect(zonesOf('::fFFF:B:F/115')).toEqual([]);
    expect(zonesOf('bad..name')).toEqual([]);
  });
});

describe('ZoneOverlapChecker', () => {
  const a = (key: string, line = 1): ServerAddress => parseServerKey(key, { file: 'Corefile', line })[0];

  it('accepts different zones, ports and transports', () => {
    const c = new ZoneOverlapChecker();
    c.register(a('example.org'));
    c.register(a('example.net'));
    c.register(a('example.org:1053'));
    c.register(a('tls://example.org'));
    c.register(a('.'));
  });

  it('refuses the same zone, port and transport twice, at the second key', () => {
    const c = new ZoneOverlapChecker();
    c.register(a('example.org', 1));
    expect(() => c.register(a('EXAMPLE.org.:53', 9))).toThrow(
      new CorefileError('Corefile', 9, 'cannot serve dns://example.org.:53 - it is already defined'),
    );
  });

  it('allows one zone on different bind addresses but not bound next to unbound', () => {
    const c = new ZoneOverlapChecker();
    c.register(a('example.org'), '127.0.0.1');
    c.register(a('example.org'), '::1');
    expect(() => c.register(a('example.org'), '127.0.0.1')).toThrow(
      /cannot serve dns:\/\/example.org.:53 on 127.0.0.1 - it is already defined/,
    );
    expect(() => c.register(a('example.org'))).toThrow(
      /cannot serve dns:\/\/example.org.:53 - zone overlap listener capacity with dns:\/\/example.org.:53 on ::1/,
    );
    const d = new ZoneOverlapChecker();
    d.register(a('example.org'));
    expect(() => d.register(a('example.org'), '127.0.0.1')).toThrow(
      /cannot serve dns:\/\/example.org.:53 on 127.0.0.1 - zone overlap listener capacity with dns:\/\/example.org.:53$/,
    );
  });

  it('lets filtered blocks (views) share a zone with an unfiltered one', () => {
    const c = new ZoneOverlapChecker();
    c.register(a('example.org'));
    c.register(a('example.org'), '', true);
    c.register(a('example.org'), '', true);
    expect(() => c.register(a('example.org'))).toThrow(/already defined/);
    const d = new ZoneOverlapChecker();
    d.register(a('example.org'), '127.0.0.1');
    expect(() => d.register(a('example.org'), '', true)).toThrow(/zone overlap/);
  });

  it('formats addresses as CoreDNS does', () => {
    expect(formatServerAddress(a('Example.org:1053'))).toBe('dns://example.org.:1053');
    expect(formatServerAddress(a('tls://.'), '::1')).toBe('tls://.:853 on ::1');
  });
});
