import { describe, expect, it } from 'vitest';
import {
  FLAG_NAMES,
  Flag,
  MnemonicError,
  Opcode,
  Rcode,
  classToNumber,
  classToString,
  isTypedType,
  opcodeToString,
  rcodeToString,
  recordTypeToString,
  typeToNumber,
  typeToString,
} from './constants.js';

describe('types', () => {
  it('maps mnemonics both ways', () => {
    expect(typeToNumber('A')).toBe(1);
    expect(typeToNumber('aaaa')).toBe(28);
    expect(typeToNumber('ANY')).toBe(255);
    expect(typeToNumber('AXFR')).toBe(252);
    expect(typeToNumber('IXFR')).toBe(251);
    expect(typeToNumber('OPT')).toBe(41);
    expect(typeToNumber('NSAP-PTR')).toBe(23);
    expect(typeToNumber('CAA')).toBe(257);
    expect(typeToNumber('TYPE65280')).toBe(65280);
    expect(typeToNumber('type1')).toBe(1);
    expect(typeToString(1)).toBe('A');
    expect(typeToString(29)).toBe('LOC');
    expect(typeToString(65280)).toBe('TYPE65280');
    expect(typeToString(0)).toBe('TYPE0');
  });
  it('rejects unknown mnemonics and out-of-range numbers', () => {
    for (const bad of ['FOO', 'TYPE', 'TYPE65536', 'TYPE-1', 'TYPE1x', 'TYPE123456', '']) {
      expect(() => typeToNumber(bad), bad).toThrow(MnemonicError);
    }
    expect(() => typeToString(65536)).toThrow(MnemonicError);
    expect(() => typeToString(1.5)).toThrow(MnemonicError);
  });
  it('names records by whether their rdata are typed', () => {
    expect(recordTypeToString(1)).toBe('A');
    expect(recordTypeToString(29)).toBe('TYPE29');
    expect(isTypedType('SVCB')).toBe(true);
    expect(isTypedType('LOC')).toBe(false);
    expect(isTypedType('TYPE1')).toBe(false);
  });
});

describe('classes, rcodes, opcodes', () => {
  it('maps classes', () => {
    expect(classToNumber('IN')).toBe(1);
    expect(classToNumber('ch')).toBe(3);
    expect(classToNumber('CHAOS')).toBe(3);
    expect(classToNumber('CLASS32')).toBe(32);
    expect(classToString(254)).toBe('NONE');
    expect(classToString(32)).toBe('CLASS32');
    expect(() => classToNumber('XX')).toThrow(MnemonicError);
  });
  it('names rcodes and opcodes', () => {
    expect(Rcode.BADCOOKIE).toBe(23);
    expect(rcodeToString(Rcode.NXDOMAIN)).toBe('NXDOMAIN');
    expect(rcodeToString(16)).toBe('BADVERS');
    expect(rcodeToString(4000)).toBe('RCODE4000');
    expect(opcodeToString(Opcode.UPDATE)).toBe('UPDATE');
    expect(opcodeToString(3)).toBe('OPCODE3');
  });
});

describe('FLAG_NAMES', () => {
  it('names every header flag once, in the order dig prints them (high bit first)', () => {
    expect(FLAG_NAMES.map(([, name]) => name)).toEqual(['qr', 'aa', 'tc', 'rd', 'ra', 'z', 'ad', 'cd']);
    for (const [bit, name] of FLAG_NAMES) expect(bit).toBe(Flag[name.toUpperCase() as keyof typeof Flag]);
    const bits = FLAG_NAMES.map(([bit]) => bit);
    expect(bits).toEqual([...bits].sort((a, b) => b - a));
  });
});
