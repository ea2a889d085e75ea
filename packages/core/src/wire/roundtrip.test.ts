import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeMessage, decodeRdata } from './decode.js';
import { encodeMessage, encodeRdata } from './encode.js';
import { typeToNumber } from './constants.js';
import {
  TYPED_TYPE_NAMES,
  arbMessage,
  arbOpt,
  arbRecordOf,
  arbUnknownRecord,
} from './test-support/arbitraries.js';
import type { Message, ResourceRecord } from './types.js';

function messageWith(rr: ResourceRecord): Message {
  return { id: 1, flags: 0x8180, questions: [], answers: [rr], authorities: [], additionals: [] };
}

describe('encode -> decode round trip', () => {
  for (const type of TYPED_TYPE_NAMES) {
    it(`${type} records`, () => {
      fc.assert(
        fc.property(arbRecordOf(type), fc.boolean(), (rr, compress) => {
          const decoded = decodeMessage(encodeMessage(messageWith(rr), { compress }));
          expect(decoded.answers).toEqual([rr]);
          // the rdata alone, outside a message, round-trips as well
          expect(decodeRdata(typeToNumber(rr.type), encodeRdata(rr))).toEqual((rr as { data: unknown }).data);
        }),
        { numRuns: 200 },
      );
    });
  }

  it('opaque (RFC 3597) records keep their bytes', () => {
    fc.assert(
      fc.property(arbUnknownRecord, (rr) => {
        const wire = encodeMessage(messageWith(rr));
        const decoded = decodeMessage(wire);
        expect(decoded.answers).toEqual([rr]);
        expect(encodeMessage(decoded)).toEqual(wire);
      }),
      { numRuns: 300 },
    );
  });

  it('OPT records and EDNS options', () => {
    fc.assert(
      fc.property(arbOpt, (opt) => {
        const msg: Message = {
          id: 7,
          flags: 0,
          questions: [],
          answers: [],
          authorities: [],
          additionals: [opt],
        };
        expect(decodeMessage(encodeMessage(msg)).additionals).toEqual([opt]);
      }),
      { numRuns: 500 },
    );
  });

  it('whole messages, compressed or not, and re-encoding is stable', () => {
    fc.assert(
      fc.property(arbMessage, fc.boolean(), (msg, compress) => {
        const wire = encodeMessage(msg, { compress });
        const decoded = decodeMessage(wire, { rejectTrailingBytes: true });
        expect(decoded).toEqual(msg);
        expect(encodeMessage(decoded, { compress })).toEqual(wire);
      }),
      { numRuns: 1000 },
    );
  });

  it('compression never makes a message longer', () => {
    fc.assert(
      fc.property(arbMessage, (msg) => {
        expect(encodeMessage(msg).length).toBeLessThanOrEqual(encodeMessage(msg, { compress: false }).length);
      }),
      { numRuns: 300 },
    );
  });
});
