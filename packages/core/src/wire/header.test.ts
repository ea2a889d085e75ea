import { describe, expect, it } from 'vitest';
import { Flag, Opcode, Rcode } from './constants.js';
import { decodeMessage } from './decode.js';
import { createOpt } from './edns.js';
import { encodeMessage } from './encode.js';
import { WireError } from './errors.js';
import { getOpcode, getRcode, hasFlag, setFlag, setOpcode, setRcode } from './header.js';
import type { Message } from './types.js';

function message(flags = 0, withOpt = false): Message {
  return {
    id: 1,
    flags,
    questions: [],
    answers: [],
    authorities: [],
    additionals: withOpt ? [createOpt()] : [],
  };
}

describe('header flags', () => {
  it('reads and sets the opcode without touching other bits', () => {
    const m = message(0xffff & ~(0xf << 11));
    setOpcode(m, Opcode.UPDATE);
    expect(getOpcode(m)).toBe(5);
    expect(m.flags).toBe((0xffff & ~(0xf << 11)) | (5 << 11));
    expect(() => setOpcode(m, 16)).toThrow(WireError);
  });
  it('tests and sets flag bits', () => {
    const m = message(0x0100);
    expect(hasFlag(m, Flag.RD)).toBe(true);
    setFlag(m, Flag.QR);
    setFlag(m, Flag.AA);
    setFlag(m, Flag.RD, false);
    expect(m.flags).toBe(0x8400);
    expect(hasFlag(m, Flag.TC)).toBe(false);
  });
});

describe('rcode', () => {
  it('keeps small rcodes in the header', () => {
    const m = message(0x8180);
    setRcode(m, Rcode.NXDOMAIN);
    expect(m.flags).toBe(0x8183);
    expect(getRcode(m)).toBe(3);
  });
  it('splits extended rcodes into the OPT record and reads them back from the wire', () => {
    const m = message(0x8180, true);
    setRcode(m, Rcode.BADCOOKIE);
    expect(m.flags & 0xf).toBe(23 & 0xf);
    expect(m.additionals[0]).toMatchObject({ extendedRcode: 1 });
    const back = decodeMessage(encodeMessage(m));
    expect(getRcode(back)).toBe(23);
    setRcode(back, Rcode.BADVERS);
    expect(getRcode(back)).toBe(16);
    setRcode(back, Rcode.NOERROR);
    expect(getRcode(back)).toBe(0);
    expect(back.additionals[0]).toMatchObject({ extendedRcode: 0 });
  });
  it('refuses an extended rcode without OPT', () => {
    expect(() => setRcode(message(), Rcode.BADVERS)).toThrow(/needs an OPT/);
    expect(() => setRcode(message(0, true), 4096)).toThrow(WireError);
  });
});
