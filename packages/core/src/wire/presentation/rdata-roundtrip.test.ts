import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { tokenize } from '../../zonefile/lexer.js';
import {
  arbMessage,
  arbOpt,
  arbRdataOf,
  arbRecord,
  arbUnknownRecord,
  TYPED_TYPE_NAMES,
} from '../test-support/arbitraries.js';
import type { ResourceRecord } from '../types.js';
import { messageToText } from './message-text.js';
import { rdataFromText, rdataToText } from './rdata-text.js';
import { recordToText } from './record-text.js';

/**
 * Text round trips through the real zone-file lexer: whatever rdataToText prints must read
 * back to the same data, for every type, including data that only the generic form carries.
 */

function roundTrip(rr: ResourceRecord, origin: string): unknown {
  const text = rdataToText(rr);
  const lines = tokenize(text);
  expect(lines).toHaveLength(1);
  return rdataFromText(rr.type, lines[0], origin);
}

describe('rdata text round trip', () => {
  it.each(TYPED_TYPE_NAMES)('%s', (type) => {
    const arb: fc.Arbitrary<unknown> = arbRdataOf[type];
    fc.assert(
      fc.property(arb, fc.constantFrom('.', 'example.', 'a.b\\.c.'), (data, origin) => {
        const rr = { name: 'x.', type, class: 'IN', ttl: 0, data } as ResourceRecord;
        expect(roundTrip(rr, origin)).toEqual(data);
      }),
      { numRuns: 300 },
    );
  });

  it('records of types without typed rdata', () => {
    fc.assert(
      fc.property(arbUnknownRecord, (rr) => {
        expect(roundTrip(rr, '.')).toEqual(rr.data);
      }),
    );
  });
});

describe('printing never fails on decodable data', () => {
  it('recordToText of any record, OPT included', () => {
    fc.assert(
      fc.property(fc.oneof(arbRecord, arbOpt), (rr) => {
        const line = recordToText(rr);
        expect(line.includes('\n')).toBe(false);
        expect(line.startsWith(rr.name)).toBe(true);
      }),
    );
  });

  it('messageToText of any message', () => {
    fc.assert(
      fc.property(arbMessage, (msg) => {
        const text = messageToText(msg);
        expect(text.startsWith(';; ->>HEADER<<- opcode: ')).toBe(true);
        expect(text.endsWith('\n')).toBe(true);
      }),
      { numRuns: 200 },
    );
  });
});
