import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  ControlType,
  DNSTAP_CONTENT_TYPE,
  FrameStreamError,
  FrameStreamParser,
  MAX_CONTROL_FRAME_LENGTH,
  decodeControlBody,
  encodeControl,
  sealDataFrame,
  type Frame,
} from './framestream.js';

function dataFrame(payload: number[]): Uint8Array {
  const f = new Uint8Array(4 + payload.length);
  f.set(payload, 4);
  return sealDataFrame(f);
}

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let pos = 0;
  for (const p of parts) {
    out.set(p, pos);
    pos += p.length;
  }
  return out;
}

describe('Frame Streams control frames', () => {
  it('encodes READY with the dnstap content type as the specification lays it out', () => {
    const ready = encodeControl(ControlType.READY, [DNSTAP_CONTENT_TYPE]);
    const ct = new TextEncoder().encode(DNSTAP_CONTENT_TYPE);
    const expected = [
      ...[0, 0, 0, 0], // escape
      ...[0, 0, 0, 4 + 8 + ct.length], // control frame length
      ...[0, 0, 0, 4], // READY
      ...[0, 0, 0, 1], // CONTENT_TYPE field
      ...[0, 0, 0, ct.length],
      ...ct,
    ];
    expect([...ready]).toEqual(expected);
  });

  it('encodes STOP as an escape, a length of 4 and the type', () => {
    expect([...encodeControl(ControlType.STOP)]).toEqual([0, 0, 0, 0, 0, 0, 0, 4, 0, 0, 0, 3]);
  });

  it('decodes several content types', () => {
    const accept = encodeControl(ControlType.ACCEPT, ['a', DNSTAP_CONTENT_TYPE]);
    expect(decodeControlBody(accept.subarray(8))).toEqual({
      type: ControlType.ACCEPT,
      contentTypes: ['a', DNSTAP_CONTENT_TYPE],
    });
  });

  it.each([
    ['no type', [0, 0, 1]],
    ['a truncated field header', [0, 0, 0, 1, 0, 0, 0, 1, 0]],
    ['an unknown field type', [0, 0, 0, 1, 0, 0, 0, 2, 0, 0, 0, 0]],
    ['a field overrunning the frame', [0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 9, 65]],
  ])('rejects a control frame with %s', (_, body) => {
    expect(() => decodeControlBody(Uint8Array.from(body))).toThrow(FrameStreamError);
  });

  it('refuses to encode a control frame over 512 bytes', () => {
    expect(() => encodeControl(ControlType.READY, ['x'.repeat(MAX_CONTROL_FRAME_LENGTH)])).toThrow(
      FrameStreamError,
    );
  });
});

describe('FrameStreamParser', () => {
  const summary = (frames: Frame[]): unknown[] =>
    frames.map((f) => (f.kind === 'data' ? ['data', f.payload.length] : ['control', f.type, f.contentTypes]));

  it('splits a stream into its frames', () => {
    const s = concat([
      encodeControl(ControlType.START, [DNSTAP_CONTENT_TYPE]),
      dataFrame([1, 2, 3]),
      encodeControl(ControlType.STOP),
    ]);
    expect(summary(new FrameStreamParser().push(s))).toEqual([
      ['control', ControlType.START, [DNSTAP_CONTENT_TYPE]],
      ['data', 3],
      ['control', ControlType.STOP, []],
    ]);
  });

  it('gives the same frames however the bytes are chunked', () => {
    const s = concat([
      encodeControl(ControlType.READY, [DNSTAP_CONTENT_TYPE]),
      dataFrame([9, 9]),
      dataFrame(Array.from({ length: 300 }, (_, i) => i & 0xff)),
      encodeControl(ControlType.FINISH),
    ]);
    const whole = summary(new FrameStreamParser().push(s));
    fc.assert(
      fc.property(fc.uniqueArray(fc.integer({ min: 1, max: s.length - 1 }), { maxLength: 12 }), (cuts) => {
        const points = [0, ...cuts.sort((a, b) => a - b), s.length];
        const parser = new FrameStreamParser();
        const frames: Frame[] = [];
        for (let i = 0; i + 1 < points.length; i++)
          frames.push(...parser.push(s.subarray(points[i], points[i + 1])));
        expect(summary(frames)).toEqual(whole);
        expect(parser.buffered).toBe(0);
      }),
    );
  });

  it('keeps an incomplete frame until the rest arrives', () => {
    const parser = new FrameStreamParser();
    const f = dataFrame([1, 2, 3, 4]);
    expect(parser.push(f.subarray(0, 6))).toEqual([]);
    expect(parser.buffered).toBe(6);
    const frames = parser.push(f.subarray(6));
    expect(frames).toHaveLength(1);
    expect(frames[0]).toEqual({ kind: 'data', payload: Uint8Array.from([1, 2, 3, 4]) });
  });

  it('rejects a data frame over its limit and a control frame over 512 bytes', () => {
    expect(() =>
      new FrameStreamParser({ maxDataFrameLength: 10 }).push(dataFrame(new Array(11).fill(0))),
    ).toThrow(FrameStreamError);
    expect(() => new FrameStreamParser().push(Uint8Array.from([0, 0, 0, 0, 0, 0, 2, 1]))).toThrow(
      FrameStreamError,
    );
  });

  it('turns any bytes into frames or a FrameStreamError, never anything else', () => {
    fc.assert(
      fc.property(fc.array(fc.uint8Array({ maxLength: 64 }), { maxLength: 8 }), (chunks) => {
        const parser = new FrameStreamParser({ maxDataFrameLength: 4096 });
        try {
          for (const c of chunks) parser.push(c);
        } catch (e) {
          expect(e).toBeInstanceOf(FrameStreamError);
        }
      }),
      { numRuns: 2000 },
    );
  });
});
