import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { Reader } from './reader.js';
import { Writer } from './writer.js';

/** Writes `names` as compressible names one after another; returns the bytes and where each starts. */
function writeNames(w: Writer, names: readonly string[]): { bytes: Uint8Array; starts: number[] } {
  w.reset(true);
  w.pos = 12; // pointers never target the header
  const starts: number[] = [];
  for (const name of names) {
    starts.push(w.pos);
    w.name(name, true);
  }
  return { bytes: w.buf.slice(0, w.pos), starts };
}

function readBack(bytes: Uint8Array, starts: readonly number[]): string[] {
  return starts.map((at) => new Reader(bytes, at).name());
}

// Few distinct labels, so that names share suffixes; escapes that look like dots or
// backslashes, and case variants, which compression must tell apart.
const arbLabel = fc.constantFrom(
  'www',
  'WWW',
  'mail',
  'example',
  'org',
  'a\\.b',
  'b',
  '\\\\',
  '\\000',
  'x\\\\',
  'c',
);
const arbName = fc
  .array(arbLabel, { minLength: 0, maxLength: 5 })
  .map((labels) => (labels.length === 0 ? '.' : `${labels.join('.')}.`));

describe('Writer name compression', () => {
  it('points at the first copy of the longest suffix, comparing with case and escapes', () => {
    const w = new Writer();
    const names = [
      'www.example.org.',
      'www.example.org.',
      'mail.example.org.',
      'WWW.example.org.',
      'a\\.example.org.',
      'org.',
    ];
    const { bytes, starts } = writeNames(w, names);
    expect(readBack(bytes, starts)).toEqual(names);
    expect([...bytes.subarray(starts[1], starts[1] + 2)]).toEqual([0xc0, 12]);
    // "mail" + a pointer to "example.org." just after "www"
    expect([...bytes.subarray(starts[2] + 5, starts[2] + 7)]).toEqual([0xc0, 16]);
    // different case, different name: "WWW" + the same pointer
    expect([...bytes.subarray(starts[3], starts[3] + 6)]).toEqual([3, 0x57, 0x57, 0x57, 0xc0, 16]);
    // "a.example" is one label (escaped dot); only "org." (offset 24) is shared
    expect([...bytes.subarray(starts[4], starts[4] + 12)]).toEqual([
      9,
      ...Buffer.from('a.example'),
      0xc0,
      24,
    ]);
    expect([...bytes.subarray(starts[5], starts[5] + 2)]).toEqual([0xc0, 24]);
  });

  it('never points into the middle of a label that holds an escaped dot', () => {
    const w = new Writer();
    const names = ['a\\.b.', 'b.', 'c\\\\.b.'];
    const { bytes, starts } = writeNames(w, names);
    expect(readBack(bytes, starts)).toEqual(names);
    expect([...bytes.subarray(starts[1], starts[1] + 3)]).toEqual([1, 0x62, 0]);
    // an escaped backslash before a dot: the dot ends the label, so "b." is shared
    expect([...bytes.subarray(starts[2], starts[2] + 4)]).toEqual([2, 0x63, 0x5c, 0xc0]);
  });

  it('counts the suffix a pointer stands for in the 255-octet limit, escapes as one octet', () => {
    const suffix = `${'a'.repeat(63)}.${'a'.repeat(63)}.${'a'.repeat(63)}.`; // 193 octets
    const w = new Writer();
    // 62 + 1 octets of label, then a pointer to 193 octets: 256
    expect(() => writeNames(w, [suffix, `${'b'.repeat(62)}.${suffix}`])).toThrow(/longer than 255/);
    // 61 escaped octets (244 characters) + 1, then the pointer: 255, within the limit
    const escaped = `${'\\065'.repeat(61)}.${suffix}`;
    const { bytes, starts } = writeNames(w, [suffix, escaped]);
    expect(readBack(bytes, starts)).toEqual([suffix, `${'A'.repeat(61)}.${suffix}`]);
  });

  it('gives the same bytes comparing names as strings and through its Map', () => {
    const linear = new Writer();
    const mapped = new Writer(undefined, 0);
    fc.assert(
      fc.property(fc.array(arbName, { minLength: 1, maxLength: 40 }), (names) => {
        const a = writeNames(linear, names);
        const b = writeNames(mapped, names);
        expect(a.bytes).toEqual(b.bytes);
        expect(readBack(a.bytes, a.starts)).toEqual(names);
      }),
      { numRuns: 500 },
    );
  });
});

describe('Writer in place (reset with inPlace)', () => {
  /** The same operations on a writer in scratch mode: what in-place writing must give. */
  function expected(ops: (w: Writer) => void): Uint8Array {
    const w = new Writer();
    w.reset(true);
    ops(w);
    return new Uint8Array(w.result());
  }

  it('hands out views of one slab that later messages never overwrite', () => {
    const w = new Writer();
    const results: Uint8Array[] = [];
    for (let i = 0; i < 2000; i++) {
      w.reset(true, true);
      const length = 1 + ((i * 37) % 90);
      for (let k = 0; k < length; k++) w.u8((i + k) & 0xff);
      results.push(w.result());
    }
    expect(results[1].buffer).toBe(results[0].buffer);
    for (let i = 0; i < results.length; i++) {
      const length = 1 + ((i * 37) % 90);
      expect(results[i].length).toBe(length);
      for (let k = 0; k < length; k++) expect(results[i][k]).toBe((i + k) & 0xff);
    }
  });

  it('moves a message that outgrows the slab to the scratch buffer intact', () => {
    const ops = (w: Writer): void => {
      w.pos = 12;
      for (let i = 0; i < 700; i++) w.name(`host${i}.zone${i % 7}.example.`, true);
      w.bytes(new Uint8Array(12000).fill(7));
    };
    const w = new Writer();
    w.reset(true, true);
    ops(w);
    const got = w.result();
    expect(got.length).toBeGreaterThan(16 * 1024);
    expect(got).toEqual(expected(ops));
  });

  /** A writer whose first in-place message left exactly 1024 octets of the slab free (results are 8-aligned). */
  function writerWith1024Free(): Writer {
    const w = new Writer();
    w.reset(false, true);
    w.bytes(new Uint8Array(16 * 1024 - 1024));
    w.result();
    return w;
  }

  it('moves a message whose name crosses the end of the free part in the middle of a label', () => {
    const w = writerWith1024Free();
    const ops = (x: Writer): void => {
      x.bytes(new Uint8Array(1018).fill(1));
      x.name('abcdefghij.example.', true);
      x.u16(0xbeef);
    };
    w.reset(true, true);
    ops(w);
    expect(w.result()).toEqual(expected(ops));
  });

  it('keeps pointers, patched lengths and error offsets relative to a message that starts mid-slab and moves', () => {
    const w = writerWith1024Free();
    const ops = (x: Writer): void => {
      x.pos += 12;
      x.name('www.example.org.', true);
      const lengthAt = x.pos;
      x.u16(0);
      // crosses the end of the slab: the message moves with lengthAt still pointing at it
      x.bytes(new Uint8Array(2000).fill(9));
      x.patch16(lengthAt, x.pos - lengthAt - 2);
      x.name('mail.example.org.', true);
    };
    w.reset(true, true);
    expect(w.base).toBe(16 * 1024 - 1024);
    ops(w);
    const got = w.result();
    expect(got).toEqual(expected(ops));
    // the second name is "mail" and a pointer to offset 16, where "example.org." starts
    const tail = got.subarray(got.length - 7);
    expect([...tail]).toEqual([4, 0x6d, 0x61, 0x69, 0x6c, 0xc0, 16]);
    expect(() => w.u8(256)).toThrow(`(at offset ${got.length})`);
  });

  it('still refuses a message over 65535 octets', () => {
    const w = new Writer();
    w.reset(false, true);
    w.bytes(new Uint8Array(65000));
    expect(() => w.bytes(new Uint8Array(1000))).toThrow(/longer than 65535/);
  });
});
