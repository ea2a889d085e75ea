import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  decodeBase32Hex,
  decodeBase64,
  decodeHex,
  encodeBase32Hex,
  encodeBase64,
  encodeHex,
} from './binary-text.js';

const ascii = (s: string) => Uint8Array.from(s, (c) => c.charCodeAt(0));

describe('hex', () => {
  it('encodes upper-case and decodes either case', () => {
    expect(encodeHex(Uint8Array.of(0x00, 0xab, 0x0f, 0xff))).toBe('00AB0FFF');
    expect(decodeHex('00ab0FfF')).toEqual(Uint8Array.of(0x00, 0xab, 0x0f, 0xff));
    expect(decodeHex('')).toEqual(new Uint8Array(0));
  });
  it('rejects odd lengths and non-hex characters', () => {
    expect(decodeHex('abc')).toBeNull();
    expect(decodeHex('0g')).toBeNull();
    expect(decodeHex('0 ')).toBeNull();
    expect(decodeHex('é0')).toBeNull();
  });
});

describe('base64', () => {
  // RFC 4648 section 10 test vectors
  const vectors: Array<[string, string]> = [
    ['', ''],
    ['f', 'Zg=='],
    ['fo', 'Zm8='],
    ['foo', 'Zm9v'],
    ['foob', 'Zm9vYg=='],
    ['fooba', 'Zm9vYmE='],
    ['foobar', 'Zm9vYmFy'],
  ];
  it.each(vectors)('%j <-> %j', (plain, encoded) => {
    expect(encodeBase64(ascii(plain))).toBe(encoded);
    expect(decodeBase64(encoded)).toEqual(ascii(plain));
  });
  it('uses + and /', () => {
    expect(encodeBase64(Uint8Array.of(0xfb, 0xff))).toBe('+/8=');
    expect(decodeBase64('+/8=')).toEqual(Uint8Array.of(0xfb, 0xff));
  });
  it('rejects bad lengths, misplaced padding and foreign characters', () => {
    expect(decodeBase64('Zg')).toBeNull();
    expect(decodeBase64('Zg=')).toBeNull();
    expect(decodeBase64('Z===')).toBeNull();
    expect(decodeBase64('Zg==Zg==')).toBeNull();
    expect(decodeBase64('Zm-v')).toBeNull();
    expect(decodeBase64('Zm9v\n')).toBeNull();
    expect(decodeBase64('Zm9é')).toBeNull();
  });
  it('round-trips any bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 100 }), (bytes) => {
        const text = encodeBase64(bytes);
        expect(text).toBe(Buffer.from(bytes).toString('base64'));
        expect(decodeBase64(text)).toEqual(bytes);
      }),
    );
  });
});

describe('base32hex', () => {
  // RFC 4648 section 10, without the padding NSEC3 leaves out
  const vectors: Array<[string, string]> = [
    ['', ''],
    ['f', 'CO'],
    ['fo', 'CPNG'],
    ['foo', 'CPNMU'],
    ['foob', 'CPNMUOG'],
    ['fooba', 'CPNMUOJ1'],
    ['foobar', 'CPNMUOJ1E8'],
  ];
  it.each(vectors)('%j <-> %j', (plain, encoded) => {
    // lower-case, as kdig prints NSEC3 hashes
    expect(encodeBase32Hex(ascii(plain))).toBe(encoded.toLowerCase());
    expect(decodeBase32Hex(encoded)).toEqual(ascii(plain));
    expect(decodeBase32Hex(encoded.toLowerCase())).toEqual(ascii(plain));
  });
  it('rejects impossible lengths and characters outside 0-9A-V', () => {
    expect(decodeBase32Hex('cw')).toBeNull();
    expect(decodeBase32Hex('C')).toBeNull();
    expect(decodeBase32Hex('CPN')).toBeNull();
    expect(decodeBase32Hex('CPNMUO')).toBeNull();
    expect(decodeBase32Hex('CW')).toBeNull();
    expect(decodeBase32Hex('CO==')).toBeNull();
  });
  it('round-trips any bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), (bytes) => {
        expect(decodeBase32Hex(encodeBase32Hex(bytes))).toEqual(bytes);
      }),
    );
  });
});
