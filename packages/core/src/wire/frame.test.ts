import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FrameDecoder, frameMessage } from './frame.js';

function collect(decoder: FrameDecoder, chunk: Uint8Array, out: Uint8Array[]): void {
  decoder.push(chunk, (f) => out.push(Uint8Array.from(f)));
}

describe('FrameDecoder', () => {
  it('hands out whole messages from one chunk', () => {
    const d = new FrameDecoder();
    const out: Uint8Array[] = [];
    const a = Uint8Array.of(1, 2, 3);
    const b = Uint8Array.of(4);
    collect(d, Uint8Array.of(...frameMessage(a), ...frameMessage(b)), out);
    expect(out).toEqual([a, b]);
    expect(d.pending).toBe(0);
  });

  it('waits for the rest of a message split across chunks, even inside the length', () => {
    const d = new FrameDecoder();
    const out: Uint8Array[] = [];
    const msg = Uint8Array.from({ length: 300 }, (_, i) => i & 0xff);
    const bytes = frameMessage(msg);
    collect(d, bytes.subarray(0, 1), out);
    collect(d, bytes.subarray(1, 100), out);
    expect(out).toEqual([]);
    expect(d.pending).toBe(100);
    collect(d, bytes.subarray(100), out);
    expect(out).toEqual([msg]);
  });

  it('property: any chunking of any message sequence gives back the messages in order', () => {
    fc.assert(
      fc.property(
        fc.array(fc.uint8Array({ maxLength: 600 }), { maxLength: 8 }),
        fc.array(fc.integer({ min: 1, max: 700 }), { minLength: 1, maxLength: 20 }),
        (messages, cuts) => {
          const stream = Uint8Array.from(messages.flatMap((m) => [...frameMessage(m)]));
          const d = new FrameDecoder();
          const out: Uint8Array[] = [];
          let pos = 0;
          for (let i = 0; pos < stream.length; i++) {
            const size = cuts[i % cuts.length];
            collect(d, stream.subarray(pos, pos + size), out);
            pos += size;
          }
          expect(out).toEqual(messages);
          expect(d.pending).toBe(0);
        },
      ),
    );
  });

  it('property: arbitrary bytes never throw and never yield more bytes than given', () => {
    fc.assert(
      fc.property(fc.array(fc.uint8Array({ maxLength: 300 }), { maxLength: 10 }), (chunks) => {
        const d = new FrameDecoder();
        let yielded = 0;
        let given = 0;
        for (const c of chunks) {
          given += c.length;
          d.push(c, (f) => (yielded += f.length + 2));
        }
        expect(yielded + d.pending).toBe(given);
      }),
    );
  });

  it('frameMessage refuses a message the two-byte length cannot say', () => {
    expect(frameMessage(new Uint8Array(0xffff))).toHaveLength(0x10001);
    expect(() => frameMessage(new Uint8Array(0x10000))).toThrow(RangeError);
  });
});
