import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bytesToLatin1, decodeCharString, latin1ToBytes, quoteCharString } from './charstring.js';

const bytes = (...b: number[]) => Uint8Array.from(b);

describe('decodeCharString', () => {
  it('takes plain text as its bytes', () => {
    expect(decodeCharString('abc')).toEqual(bytes(97, 98, 99));
    expect(decodeCharString('')).toEqual(bytes());
  });
  it('decodes \\DDD and \\X', () => {
    expect(decodeCharString('a\\032b')).toEqual(bytes(97, 32, 98));
    expect(decodeCharString('\\000\\255')).toEqual(bytes(0, 255));
    expect(decodeCharString('\\"\\\\\\;')).toEqual(bytes(34, 92, 59));
    expect(decodeCharString('\\0651')).toEqual(bytes(65, 49));
  });
  it('encodes characters beyond ASCII as UTF-8', () => {
    expect(decodeCharString('é')).toEqual(bytes(0xc3, 0xa9));
    expect(decodeCharString('\\é😀')).toEqual(bytes(0xc3, 0xa9, 0xf0, 0x9f, 0x98, 0x80));
  });
  it('reports bad escapes', () => {
    expect(decodeCharString('abc\\')).toBe('dangling backslash at end of text');
    expect(decodeCharString('\\25')).toMatch(/needs three decimal digits/);
    expect(decodeCharString('\\2x5')).toMatch(/needs three decimal digits/);
    expect(decodeCharString('\\256')).toMatch(/value above 255/);
  });
});

describe('quoteCharString', () => {
  it('quotes, escapes " and \\ and writes non-printables as \\DDD, as kdig does', () => {
    expect(quoteCharString(bytes())).toBe('""');
    expect(quoteCharString(Uint8Array.from(Buffer.from('a "b" \\ c;')))).toBe('"a \\"b\\" \\\\ c;"');
    expect(quoteCharString(bytes(0, 9, 10, 127, 128, 255))).toBe('"\\000\\009\\010\\127\\128\\255"');
  });
  it('reads back through decodeCharString', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (b) => {
        const text = quoteCharString(b);
        expect(decodeCharString(text.slice(1, -1))).toEqual(b);
      }),
    );
  });
});

describe('latin1 strings', () => {
  it('map one character per byte', () => {
    expect(bytesToLatin1(bytes(0x41, 0xe9, 0xff))).toBe('Aéÿ');
    expect(latin1ToBytes('Aéÿ')).toEqual(bytes(0x41, 0xe9, 0xff));
    expect(latin1ToBytes('€')).toBeNull();
  });
});
