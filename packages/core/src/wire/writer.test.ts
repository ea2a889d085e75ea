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
