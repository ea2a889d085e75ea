import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { FrameReader, frameMessage } from './frame.js';

describe('FrameReader', () => {
  it('waits for the rest of a split length and payload', () => {
    const r = new FrameReader();
    expect(r.push(new Uint8Array([0]))).toEqual([]);
    expect(r.push(new Uint8Array([2, 1]))).toEqual([]);
    expect(r.pending).toBe(3);
    expect(r.push(new Uint8Array([2, 0, 0]))).toEqual([new Uint8Array([1, 2]), new Uint8Array(0)]);
    expect(r.pending).toBe(0);
  });

  it('returns copies that later chunks do not overwrite', () => {
    const r = new FrameReader();
    const [first] = r.push(new Uint8Array([0, 1, 42, 0]));
    r.push(new Uint8Array([1, 99]));
    expect([...first]).toEqual([42]);
  });

  it('yields the same frames however the stream is cut (property)', () => {
    const message = fc.uint8Array({ maxLength: 700 });
    fc.assert(
      fc.property(
        fc.array(message, { maxLength: 12 }),
        fc.array(fc.nat(), { maxLength: 20 }),
        (messages, cuts) => {
          const stream = Buffer.concat(messages.map((m) => frameMessage(m)));
          const points = [...new Set(cuts.map((c) => c % (stream.length + 1)))].sort((a, b) => a - b);
          const r = new FrameReader();
          const got: Uint8Array[] = [];
          let from = 0;
          for (const p of [...points, stream.length]) {
            got.push(...r.push(stream.subarray(from, p)));
            from = p;
          }
          expect(got.map((g) => [...g])).toEqual(messages.map((m) => [...m]));
          expect(r.pending).toBe(0);
        },
      ),
    );
  });
});
