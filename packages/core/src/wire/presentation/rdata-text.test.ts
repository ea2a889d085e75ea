import { describe, expect, it } from 'vitest';
import { tokenize } from '../../zonefile/lexer.js';
import type { RecordData, ResourceRecord } from '../types.js';
import { rdataFromText, rdataToText } from './rdata-text.js';
import { PresentationError, type TextToken } from './token.js';

const ORIGIN = 'example.';

function tokens(text: string): TextToken[] {
  return tokenize(text)[0] ?? [];
}

function parse(type: string, text: string, origin = ORIGIN): RecordData {
  return rdataFromText(type, tokens(text), origin);
}

function print(type: string, data: unknown): string {
  return rdataToText({ name: 'x.example.', type, class: 'IN', ttl: 0, data } as ResourceRecord);
}

function parseError(type: string, text: string): PresentationError {
  try {
    parse(type, text);
  } catch (err) {
    if (err instanceof PresentationError) return err;
    throw err;
  }
  throw new Error(`${type} ${JSON.stringify(text)} parsed without error`);
}

const hex = (h: string) => Uint8Array.from(Buffer.from(h, 'hex'));
const b64 = (s: string) => Uint8Array.from(Buffer.from(s, 'base64'));
const ascii = (s: string) => Uint8Array.from(Buffer.from(s, 'latin1'));

/** [type, input text, data, printed text (defaults to the input)] */
type Case = [string, string, RecordData, string?];

const SHA256 = '0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF';
const SHA1 = '0123456789ABCDEF0123456789ABCDEF01234567';
const KEY =
  'AwEAAagAIKlVZrpC6Ia7gEzahOR+9W29euxhJhVVLOyQbSEW0O8gcCjFFVQUTf6v58fLjwBd0YI0EzrAcQqBGCzh/RStIoO8g0NfnfL2MTJRkxoXbfDaUeVPQuYEhg37NZWAJQ9VnMVDxP/VHL496M/QZxkjf5/Efucp2gaDX6RS6CXpoY68LsvPVjR0ZSwzz1apAzvN9dlzEheX7ICJBBtuA6G3LQpzW5hOA2hzCTMjJPJ8LbqF6dsV6DoBQzgul0sGIcGOYl7OyQdXfZ57relSQageu+ipAdTTJ25AsRTAoub8ONGcLmqrAmRLKBP1dfwhYB4N7knNnulqQxA+Uk1ihz0=';

const CASES: Case[] = [
  ['A', '192.0.2.1', '192.0.2.1'],
  ['AAAA', '2001:DB8:0:0:0:0:0:1', '2001:db8::1', '2001:db8::1'],
  ['AAAA', '::ffff:192.0.2.1', '::ffff:192.0.2.1'],
  ['NS', 'ns1', 'ns1.example.', 'ns1.example.'],
  ['NS', 'ns1.other.', 'ns1.other.'],
  ['CNAME', '@', 'example.', 'example.'],
  ['DNAME', 'a\\.b.example.', 'a\\.b.example.'],
  ['PTR', 'host\\032name.example.', 'host\\032name.example.'],
  [
    'SOA',
    'ns1 hostmaster 2024010101 1h 15m 2w 1d',
    {
      mname: 'ns1.example.',
      rname: 'hostmaster.example.',
      serial: 2024010101,
      refresh: 3600,
      retry: 900,
      expire: 1209600,
      minimum: 86400,
    },
    'ns1.example. hostmaster.example. 2024010101 3600 900 1209600 86400',
  ],
  ['MX', '10 mail', { preference: 10, exchange: 'mail.example.' }, '10 mail.example.'],
  ['MX', '0 .', { preference: 0, exchange: '.' }],
  ['TXT', '"hello world"', [ascii('hello world')]],
  ['TXT', 'a "" b\\032c', [ascii('a'), ascii(''), ascii('b c')], '"a" "" "b c"'],
  ['TXT', '"\\"quoted\\" \\\\ \\;"', [ascii('"quoted" \\ ;')], '"\\"quoted\\" \\\\ ;"'],
  ['TXT', '"\\000\\255\\009"', [Uint8Array.of(0, 255, 9)]],
  ['SPF', '"v=spf1 -all"', [ascii('v=spf1 -all')]],
  ['SRV', '10 20 5060 sip', { priority: 10, weight: 20, port: 5060, target: 'sip.example.' }, '10 20 5060 sip.example.'],
  [
    'NAPTR',
    '100 10 "S" "SIP+D2U" "!^.*$!sip:info@example.com!" _sip._udp',
    {
      order: 100,
      preference: 10,
      flags: 'S',
      services: 'SIP+D2U',
      regexp: '!^.*$!sip:info@example.com!',
      replacement: '_sip._udp.example.',
    },
    '100 10 "S" "SIP+D2U" "!^.*$!sip:info@example.com!" _sip._udp.example.',
  ],
  [
    'NAPTR',
    '1 2 "" "" "\\233" .',
    { order: 1, preference: 2, flags: '', services: '', regexp: '\u00e9', replacement: '.' },
  ],
  ['CAA', '0 issue "letsencrypt.org"', { flags: 0, tag: 'issue', value: ascii('letsencrypt.org'), issuerCritical: false }],
  ['CAA', '128 tbs "a\\"b;c"', { flags: 128, tag: 'tbs', value: ascii('a"b;c'), issuerCritical: true }],
  ['CAA', '0 iodef mailto:x@example.com', { flags: 0, tag: 'iodef', value: ascii('mailto:x@example.com'), issuerCritical: false }, '0 iodef "mailto:x@example.com"'],
  ['HINFO', '"INTEL" "Linux 6"', { cpu: 'INTEL', os: 'Linux 6' }],
  ['HINFO', 'PC unix', { cpu: 'PC', os: 'unix' }, '"PC" "unix"'],
  ['SSHFP', `1 1 ${SHA1.toLowerCase()}`, { algorithm: 1, hash: 1, fingerprint: hex(SHA1) }, `1 1 ${SHA1}`],
  ['SSHFP', `4 2 ${SHA256.slice(0, 20)} ${SHA256.slice(20)}`, { algorithm: 4, hash: 2, fingerprint: hex(SHA256) }, `4 2 ${SHA256}`],
  ['SSHFP', '1 0', { algorithm: 1, hash: 0, fingerprint: new Uint8Array(0) }],
  ['TLSA', `3 1 1 ${SHA256}`, { usage: 3, selector: 1, matchingType: 1, certificate: hex(SHA256) }],
  ['TLSA', '0 0 0 00 ff', { usage: 0, selector: 0, matchingType: 0, certificate: hex('00ff') }, '0 0 0 00FF'],
  ['DS', `12345 8 2 ${SHA256}`, { keyTag: 12345, algorithm: 8, digestType: 2, digest: hex(SHA256) }],
  ['DS', `1 RSASHA1 SHA-1 ${SHA1}`, { keyTag: 1, algorithm: 5, digestType: 1, digest: hex(SHA1) }, `1 5 1 ${SHA1}`],
  ['DS', '1 ecdsap256sha256 sha256 ' + SHA256, { keyTag: 1, algorithm: 13, digestType: 2, digest: hex(SHA256) }, `1 13 2 ${SHA256}`],
  ['CDS', '0 0 0 00', { keyTag: 0, algorithm: 0, digestType: 0, digest: hex('00') }],
  ['DNSKEY', `257 3 8 ${KEY}`, { flags: 257, protocol: 3, algorithm: 8, key: b64(KEY) }],
  [
    'DNSKEY',
    `256 DNSSEC RSASHA256 ${KEY.slice(0, 40)} ${KEY.slice(40)}`,
    { flags: 256, protocol: 3, algorithm: 8, key: b64(KEY) },
    `256 3 8 ${KEY}`,
  ],
  ['CDNSKEY', '0 3 0 AA==', { flags: 0, protocol: 3, algorithm: 0, key: Uint8Array.of(0) }],
  [
    'RRSIG',
    'A 13 2 3600 20250101000000 20240101000000 12345 example. AAEC Aw==',
    {
      typeCovered: 'A',
      algorithm: 13,
      labels: 2,
      originalTTL: 3600,
      expiration: 1735689600,
      inception: 1704067200,
      keyTag: 12345,
      signersName: 'example.',
      signature: Uint8Array.of(0, 1, 2, 3),
    },
    'A 13 2 3600 20250101000000 20240101000000 12345 example. AAECAw==',
  ],
  [
    'RRSIG',
    'TYPE65280 ECDSAP256SHA256 0 1h 1735689600 1704067200 1 @ AAECAw==',
    {
      typeCovered: 'TYPE65280',
      algorithm: 13,
      labels: 0,
      originalTTL: 3600,
      expiration: 1735689600,
      inception: 1704067200,
      keyTag: 1,
      signersName: 'example.',
      signature: Uint8Array.of(0, 1, 2, 3),
    },
    'TYPE65280 13 0 3600 20250101000000 20240101000000 1 example. AAECAw==',
  ],
  ['NSEC', 'next A NS SOA MX TXT AAAA RRSIG NSEC DNSKEY TYPE1234 CAA', {
    nextDomain: 'next.example.',
    rrtypes: ['A', 'NS', 'SOA', 'MX', 'TXT', 'AAAA', 'RRSIG', 'NSEC', 'DNSKEY', 'CAA', 'TYPE1234'],
  }, 'next.example. A NS SOA MX TXT AAAA RRSIG NSEC DNSKEY CAA TYPE1234'],
  ['NSEC', 'z. aaaa a type1 TYPE28', { nextDomain: 'z.', rrtypes: ['A', 'AAAA'] }, 'z. A AAAA'],
  [
    'NSEC3',
    '1 1 10 aabbccdd 2t7b4g4vsa5smi47k61mv5bv1a22bojr A RRSIG',
    {
      algorithm: 1,
      flags: 1,
      iterations: 10,
      salt: hex('aabbccdd'),
      nextDomain: hex('174eb2409fe28bcb4887a1836f957f0a8425e27b'),
      rrtypes: ['A', 'RRSIG'],
    },
    '1 1 10 AABBCCDD 2t7b4g4vsa5smi47k61mv5bv1a22bojr A RRSIG',
  ],
  [
    'NSEC3',
    'SHA-1 0 0 - 2T7B4G4VSA5SMI47K61MV5BV1A22BOJR',
    {
      algorithm: 1,
      flags: 0,
      iterations: 0,
      salt: new Uint8Array(0),
      nextDomain: hex('174eb2409fe28bcb4887a1836f957f0a8425e27b'),
      rrtypes: [],
    },
    '1 0 0 - 2t7b4g4vsa5smi47k61mv5bv1a22bojr',
  ],
  ['NSEC3PARAM', '1 0 10 AABBCCDD', { algorithm: 1, flags: 0, iterations: 10, salt: hex('aabbccdd') }],
  ['NSEC3PARAM', '1 0 0 -', { algorithm: 1, flags: 0, iterations: 0, salt: new Uint8Array(0) }],
  ['SVCB', '0 www', { priority: 0, target: 'www.example.', params: [] }, '0 www.example.'],
  [
    'HTTPS',
    '1 . alpn=h2,h3 port=8443',
    { priority: 1, target: '.', params: [{ key: 'alpn', value: ['h2', 'h3'] }, { key: 'port', value: 8443 }] },
  ],
  [
    'TSIG',
    'hmac-sha256. 1700000000 300 4 AAECAw== 4321 NOERROR 0',
    {
      algorithm: 'hmac-sha256.',
      timeSigned: 1700000000,
      fudge: 300,
      mac: Uint8Array.of(0, 1, 2, 3),
      originalId: 4321,
      error: 0,
      otherData: new Uint8Array(0),
    },
  ],
  [
    'TSIG',
    'hmac-md5.sig-alg.reg.int. 281474976710655 0 0 0 BADTIME 6 1700000300',
    {
      algorithm: 'hmac-md5.sig-alg.reg.int.',
      timeSigned: 281474976710655,
      fudge: 0,
      mac: new Uint8Array(0),
      originalId: 0,
      error: 18,
      otherData: hex('00006553f22c'),
    },
  ],
  [
    'TSIG',
    'k. 1 2 0 3 16 4 AAECAw==',
    { algorithm: 'k.', timeSigned: 1, fudge: 2, mac: new Uint8Array(0), originalId: 3, error: 16, otherData: Uint8Array.of(0, 1, 2, 3) },
    'k. 1 2 0 3 BADSIG 4 AAECAw==',
  ],
  [
    'TSIG',
    'k. 1 2 0 3 notimp 6 AAAAAAAA',
    { algorithm: 'k.', timeSigned: 1, fudge: 2, mac: new Uint8Array(0), originalId: 3, error: 4, otherData: new Uint8Array(6) },
    'k. 1 2 0 3 NOTIMPL 6 0',
  ],
  ['TYPE65280', '\\# 4 0A000001', hex('0a000001')],
  ['TYPE65281', '\\# 0', new Uint8Array(0)],
  ['TYPE65282', '\\# 3 0a 0B0c', hex('0a0b0c'), '\\# 3 0A0B0C'],
];

describe('rdata presentation, both directions', () => {
  it.each(CASES)('%s %s', (type, text, data, printed) => {
    expect(parse(type, text)).toEqual(data);
    expect(print(type, data)).toBe(printed ?? text);
  });
});

describe('rdataFromText', () => {
  it('accepts type mnemonics in any case and as TYPEnnn', () => {
    expect(parse('mx', '1 a.')).toEqual({ preference: 1, exchange: 'a.' });
    expect(parse('TYPE15', '1 a.')).toEqual({ preference: 1, exchange: 'a.' });
  });

  it('decodes generic rdata of typed types into typed data', () => {
    expect(parse('A', '\\# 4 C0000201')).toBe('192.0.2.1');
    expect(parse('MX', '\\# 7 000a 01 61 01 62 00')).toEqual({ preference: 10, exchange: 'a.b.' });
    expect(parse('TXT', '\\# 0')).toEqual([]);
  });

  it('keeps the generic bytes of types without typed rdata, mnemonic or not', () => {
    expect(parse('LOC', '\\# 2 ABCD')).toEqual(hex('abcd'));
    expect(parse('TYPE29', '\\# 2 ABCD')).toEqual(hex('abcd'));
  });

  it('splits character-strings longer than 255 bytes into 255-byte pieces, as Knot does', () => {
    const long = 'a'.repeat(300);
    const data = parse('TXT', `"${long}" b`) as Uint8Array[];
    expect(data.map((s) => s.length)).toEqual([255, 45, 1]);
    expect(print('TXT', data)).toBe(`"${'a'.repeat(255)}" "${'a'.repeat(45)}" "b"`);
  });

  it('completes relative names with the origin', () => {
    expect(parse('NS', 'ns', 'sub.example.')).toBe('ns.sub.example.');
    expect(parse('NS', 'ns', '.')).toBe('ns.');
  });
});

/** [type, text, message, token index (undefined: the record ended too early)] */
type ErrorCase = [string, string, RegExp, number | undefined];

const ERRORS: ErrorCase[] = [
  ['BOGUS', '1', /unknown record type "BOGUS"/, undefined],
  ['OPT', '\\# 0', /OPT is a pseudo-record/, undefined],
  ['LOC', '52 22 23.000 N 4 53 32.000 E -2.00m', /no presentation format is known.*\\# <length> <hex>/, 0],
  ['A', '', /A: expected IPv4 address, found end of record/, undefined],
  ['A', '1.2.3', /expected an IPv4 address \(a\.b\.c\.d\), found "1\.2\.3"/, 0],
  ['A', '01.2.3.4', /expected an IPv4 address/, 0],
  ['A', '"1.2.3.4"', /expected IPv4 address, found quoted string/, 0],
  ['A', '1.2.3.4 5', /unexpected "5" after the end of the rdata/, 1],
  ['AAAA', '2001:db8::1::2', /expected an IPv6 address/, 0],
  ['AAAA', '1.2.3.4', /expected an IPv6 address/, 0],
  ['NS', 'a..b', /NS: bad name server: empty label/, 0],
  ['NS', '', /expected name server, found end of record/, undefined],
  ['CNAME', `${'a'.repeat(64)}.`, /label longer than 63/, 0],
  ['SOA', 'ns h 1 2 3 4', /expected minimum \(seconds or 1h30m form\), found end of record/, undefined],
  ['SOA', 'ns h 1h 2 3 4 5', /expected serial \(0-4294967295\), found "1h"/, 2],
  ['SOA', 'ns h 4294967296 2 3 4 5', /expected serial/, 2],
  ['SOA', 'ns h 1 2 3 4 1h30', /bad minimum: .*number without unit/, 6],
  ['MX', '65536 mail', /expected preference \(0-65535\), found "65536"/, 0],
  ['MX', '-1 mail', /expected preference/, 0],
  ['MX', '10', /expected exchange, found end of record/, undefined],
  ['TXT', '', /expected character-string, found end of record/, undefined],
  ['TXT', 'a\\25x', /bad character-string: bad escape/, 0],
  ['TXT', '"\\256"', /value above 255/, 0],
  ['SRV', '1 2 port host', /expected port \(0-65535\), found "port"/, 2],
  ['NAPTR', '1 2 "a" "b" "c"', /expected replacement, found end of record/, undefined],
  ['NAPTR', `1 2 "${'x'.repeat(256)}" "" "" .`, /flags is 256 bytes long, more than 255/, 2],
  ['CAA', '256 issue "x"', /expected flags \(0-255\)/, 0],
  ['CAA', '0 is-sue "x"', /expected a tag of letters and digits, found "is-sue"/, 1],
  ['CAA', '0 "issue" "x"', /expected tag, found quoted string/, 1],
  ['CAA', '0 issue', /expected value, found end of record/, undefined],
  ['CAA', '0 issue "a" "b"', /unexpected "b"/, 3],
  ['HINFO', '"PC"', /expected OS, found end of record/, undefined],
  ['SSHFP', '1 1 0123', /fingerprint must be 20 bytes, found 2/, 2],
  ['SSHFP', '1 2', /expected fingerprint, found end of record/, undefined],
  ['SSHFP', '1 1 0g', /bad fingerprint: expected an even number of hex digits/, 2],
  ['SSHFP', '1 9 abc', /bad fingerprint: expected an even number of hex digits/, 2],
  ['TLSA', '3 1 1', /expected certificate association data, found end of record/, undefined],
  ['TLSA', '3 1 1 xy', /expected an even number of hex digits/, 3],
  ['DS', '1 8 2 0123', /digest must be 32 bytes, found 2/, 3],
  ['DS', '1 8 4 ' + SHA256, /digest must be 48 bytes, found 32/, 3],
  ['DS', '1 8 9', /expected digest, found end of record/, undefined],
  ['DS', '1 FOO 2 00', /expected algorithm \(0-255 or a mnemonic such as RSAMD5\), found "FOO"/, 1],
  ['DS', '1 8 SHA-512 00', /expected digest type .* found "SHA-512"/, 2],
  ['DS', '70000 8 2 00', /expected key tag \(0-65535\)/, 0],
  ['DNSKEY', '257 3 8', /expected public key, found end of record/, undefined],
  ['DNSKEY', '257 3 8 AwE', /bad public key: not valid base64/, 3],
  ['DNSKEY', '257 3 8 ====', /bad public key: not valid base64/, 3],
  ['DNSKEY', '257 BOGUS 8 AA==', /expected protocol/, 1],
  ['RRSIG', 'BOGUS 8 2 1 1 1 1 . AA==', /expected type covered, found unknown type "BOGUS"/, 0],
  ['RRSIG', 'A 8 2 3600 20251301000000 1 1 . AA==', /bad signature expiration: invalid month/, 4],
  ['RRSIG', 'A 8 2 3600 1 20240101000 1 . AA==', /bad signature inception: invalid time "20240101000": expected 14 digits/, 5],
  ['RRSIG', 'A 8 2 1x 1 1 1 . AA==', /bad original TTL: .*unknown unit "x"/, 3],
  ['RRSIG', 'A 8 256 1 1 1 1 . AA==', /expected labels \(0-255\)/, 2],
  ['RRSIG', 'A 8 2 1 1 1 1 .', /expected signature, found end of record/, undefined],
  ['NSEC', 'next.', /expected type list, found end of record/, undefined],
  ['NSEC', 'next. A BOGUS', /expected a type mnemonic, found "BOGUS"/, 2],
  ['NSEC3', '1 0 0 xyz 2T7B4G4VSA5SMI47K61MV5BV1A22BOJR', /expected salt as hex digits or -, found "xyz"/, 3],
  ['NSEC3', '1 0 0 - 2T7B4G4VSA5SMI47K61MV5BV1A22BOJW', /expected the next hashed owner name in base32hex/, 4],
  ['NSEC3', '1 0 0 - 2T7B4G4VSA5SMI47K61MV5BV1A22BOJ', /next hashed owner name is 19 bytes, expected 20/, 4],
  ['NSEC3', '1 0 0 - 2T7B4G4V', /next hashed owner name is 5 bytes, expected 20/, 4],
  ['NSEC3', '1 0 0 -', /expected next hashed owner name \(base32hex\), found end of record/, undefined],
  ['NSEC3', '1 0 65536 - 2T7B4G4VSA5SMI47K61MV5BV1A22BOJR', /expected iterations \(0-65535\)/, 2],
  ['NSEC3PARAM', `1 0 0 ${'00'.repeat(256)}`, /salt is 256 bytes long, more than 255/, 3],
  ['NSEC3PARAM', '1 0 0', /expected salt \(hex or -\), found end of record/, undefined],
  ['SVCB', '1', /expected target name, found end of record/, undefined],
  ['SVCB', '1 . bogus=1', /unknown SvcParam key "bogus"/, 2],
  ['TSIG', 'k. 1 2 4 AAECAw== 3', /expected error \(name or number\), found end of record/, undefined],
  ['TSIG', 'k. 1 2 4 AAECAw== 3 BADWHAT 0', /expected a TSIG error name or number, found "BADWHAT"/, 6],
  ['TSIG', 'k. 1 2 4 AAECAwQF 3 0 0', /MAC must be 4 bytes, found 6/, 4],
  ['TSIG', 'k. 281474976710656 2 0 3 0 0', /expected time signed as 48-bit seconds/, 1],
  ['TSIG', 'k. 1 2 0 3 0 6 281474976710656', /other data \(48-bit time\) is out of range/, 7],
  ['TSIG', 'k. 1 2 4 AA!! 3 0 0', /bad MAC: not valid base64/, 4],
  ['TSIG', 'k. 1 2 0 3 0 2 AA!!', /bad other data: not valid base64/, 7],
  ['CAA', `0 ${'a'.repeat(256)} "x"`, /expected a tag of letters and digits/, 1],
  ['NSEC3', `2 0 0 - ${'0'.repeat(416)}`, /next hashed owner name is 260 bytes, expected at most 255/, 4],
  ['TYPE65280', '\\#', /expected rdata length after \\# \(0-65535\), found end of record/, undefined],
  ['TYPE65280', '\\# 2', /expected 2 bytes of hex rdata, found end of record/, undefined],
  ['TYPE65280', '\\# 2 ABCDEF', /generic rdata length 2 does not match the 3 bytes of hex/, 2],
  ['TYPE65280', '\\# 2 ABC', /bad generic rdata: expected an even number of hex digits/, 2],
  ['TYPE65280', '\\# 0 00', /unexpected "00"/, 2],
  ['TYPE65280', '\\# x', /expected rdata length after \\# \(0-65535\), found "x"/, 1],
  ['TYPE65280', '0A000001', /no presentation format is known/, 0],
  ['A', '\\# 3 C00002', /generic rdata is not valid A rdata/, 0],
  ['MX', '\\# 3 000a01', /generic rdata is not valid MX rdata/, 0],
];

describe('rdataFromText errors', () => {
  it.each(ERRORS)('%s %j', (type, text, message, index) => {
    const err = parseError(type, text);
    expect(err.message).toMatch(message);
    expect(err.token).toBe(index);
  });

  it('reports a dangling backslash in a character-string', () => {
    const err = (() => {
      try {
        rdataFromText('TXT', [{ text: 'a', quoted: true }, { text: 'abc\\', quoted: true }], ORIGIN);
      } catch (e) {
        return e as PresentationError;
      }
      throw new Error('no error');
    })();
    expect(err.message).toBe('TXT: bad character-string: dangling backslash at end of text');
    expect(err.token).toBe(1);
  });

  it('reads a bare number as the type an RRSIG covers, as BIND does', () => {
    expect((parse('RRSIG', '28 8 2 1 1 1 1 . AA==') as { typeCovered: string }).typeCovered).toBe('AAAA');
  });

  it('reports encoded fields that decode to nothing', () => {
    const empty = (type: string, fields: string[]) => {
      const toks = [...fields.map((text) => ({ text, quoted: false })), { text: '', quoted: false }];
      try {
        rdataFromText(type, toks, ORIGIN);
      } catch (e) {
        return e as PresentationError;
      }
      throw new Error('no error');
    };
    expect(empty('TLSA', ['1', '1', '1']).message).toBe('TLSA: certificate association data must not be empty');
    expect(empty('DNSKEY', ['256', '3', '8']).message).toBe('DNSKEY: public key must not be empty');
    expect(empty('DNSKEY', ['256', '3', '8']).token).toBe(3);
  });

  it('does not take a quoted \\# as generic rdata', () => {
    expect(parse('TXT', '"\\#" "0"')).toEqual([ascii('#'), ascii('0')]);
  });
});

describe('rdataToText', () => {
  it('prints records of types without typed rdata in generic form', () => {
    expect(print('TYPE29', hex('00112233'))).toBe('\\# 4 00112233');
  });

  it('re-renders hand-written addresses canonically', () => {
    expect(print('AAAA', '2001:DB8:0:0:1:0:0:1')).toBe('2001:db8::1:0:0:1');
  });

  it('prints TXT given as strings the way the encoder takes them (UTF-8)', () => {
    expect(print('TXT', 'é')).toBe('"\\195\\169"');
    expect(print('TXT', ['a', ascii('b')])).toBe('"a" "b"');
    expect(print('TXT', '')).toBe('""');
  });

  it('falls back to generic rdata where the typed form would not read back', () => {
    expect(print('TXT', [])).toBe('\\# 0');
    expect(print('NSEC', { nextDomain: 'a.', rrtypes: [] })).toBe('\\# 3 016100');
    expect(print('DNSKEY', { flags: 256, protocol: 3, algorithm: 8, key: new Uint8Array(0) })).toBe('\\# 4 01000308');
    expect(print('DS', { keyTag: 1, algorithm: 8, digestType: 2, digest: hex('00') })).toBe('\\# 5 0001080200');
    expect(print('SSHFP', { algorithm: 1, hash: 1, fingerprint: new Uint8Array(0) })).toBe('\\# 2 0101');
    expect(print('TLSA', { usage: 1, selector: 1, matchingType: 1, certificate: new Uint8Array(0) })).toBe('\\# 3 010101');
    expect(print('CAA', { flags: 0, tag: 'a-b', value: ascii('x'), issuerCritical: false })).toBe('\\# 6 0003612D6278');
    expect(
      print('HTTPS', { priority: 1, target: '.', params: [{ key: 'no-default-alpn' }] }),
    ).toBe('\\# 7 00010000020000');
  });

  it('rejects data that no encoder accepts either', () => {
    expect(() => print('A', '1.2.3.256')).toThrow(/A: cannot print invalid rdata: not an IPv4 address/);
    expect(() => print('HINFO', { cpu: '€', os: '' })).toThrow(/character beyond U\+00FF/);
    expect(() => print('TXT', [new Uint8Array(256)])).toThrow(/longer than 255 bytes/);
    expect(() => print('NSEC', { nextDomain: 'a.', rrtypes: ['BOGUS'] })).toThrow(PresentationError);
    expect(() => print('OPT', [])).toThrow(/OPT is a pseudo-record/);
  });
});

describe('rdataToText of hand-built data with wrong fields', () => {
  it.each([
    ['MX', {}, /MX: cannot print invalid rdata: preference must be an integer 0-65535, got undefined/],
    ['MX', { preference: 1.5, exchange: 'a.' }, /preference must be an integer/],
    ['MX', { preference: 1, exchange: '' }, /exchange must be a domain name/],
    ['NS', 42, /name server must be a domain name/],
    ['A', 3232235777, /not an IPv4 address/],
    ['SOA', { mname: 'a.', rname: 'b.', serial: -1, refresh: 0, retry: 0, expire: 0, minimum: 0 }, /serial must be an integer/],
    ['TXT', 5, /rdata must be an array/],
    ['TXT', [5], /character-string must be a Uint8Array/],
    ['CAA', { flags: 0, tag: 5, value: new Uint8Array(0) }, /tag must be a string/],
    ['CAA', { flags: 0, tag: 'issue', value: 'x' }, /value must be a Uint8Array/],
    ['NAPTR', { order: 0, preference: 0, flags: 1, services: '', regexp: '', replacement: '.' }, /flags must be a string/],
    ['DS', { keyTag: 1, algorithm: 8, digestType: 2, digest: [1, 2] }, /digest must be a Uint8Array/],
    ['DNSKEY', { flags: 256, protocol: 3, algorithm: 300, key: new Uint8Array(1) }, /algorithm must be an integer 0-255/],
    ['RRSIG', { typeCovered: 1 }, /type must be a mnemonic string/],
    ['NSEC', { nextDomain: 'a.', rrtypes: 'A' }, /rrtypes must be an array/],
    ['NSEC', { nextDomain: 'a.', rrtypes: [1] }, /type list entries must be mnemonic strings/],
    ['NSEC3', { algorithm: 1, flags: 0, iterations: 0, salt: '-', nextDomain: new Uint8Array(20), rrtypes: [] }, /salt must be a Uint8Array/],
    ['TSIG', { algorithm: 'a.', timeSigned: 2 ** 48, fudge: 0, mac: new Uint8Array(0), originalId: 0, error: 0, otherData: new Uint8Array(0) }, /timeSigned must be an integer/],
    ['SVCB', { priority: 1, target: '.', params: 'alpn=h2' }, /params must be an array/],
    ['SVCB', { priority: 1, target: '.', params: [{ key: 'port', value: 70000 }] }, /cannot print invalid rdata/],
    ['SVCB', { priority: 1, target: '.', params: [{ key: 7 }] }, /cannot print invalid rdata/],
    ['MX', null, /MX: record has no rdata/],
    ['BOGUS', {}, /unknown record type "BOGUS"/],
  ])('%s %j', (type, data, message) => {
    expect(() => print(type, data)).toThrow(PresentationError);
    expect(() => print(type, data)).toThrow(message);
  });
});
