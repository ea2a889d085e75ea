import { describe, expect, it } from 'vitest';
import { CorefileError, Dispenser, tokenize } from '@tsdns/core';
import { parseAny } from './setup.js';

function dispenser(text: string): Dispenser {
  return new Dispenser(tokenize(text, 'Corefile'), 'Corefile');
}

function errorOf(fn: () => void): CorefileError {
  try {
    fn();
  } catch (e) {
    if (e instanceof CorefileError) return e;
    throw e;
  }
  throw new Error('no error thrown');
}

describe('parseAny', () => {
  it('accepts the bare directive', () => {
    expect(() => parseAny(dispenser('any'))).not.toThrow();
  });

  it('rejects an argument, naming the file and line', () => {
    expect(errorOf(() => parseAny(dispenser('\n\nany ALL'))).message).toBe(
      "Corefile:3 - Error during parsing: Wrong argument count or unexpected line ending after 'ALL'",
    );
  });

  it('rejects a block', () => {
    expect(errorOf(() => parseAny(dispenser('any {\n  hinfo\n}'))).message).toMatch(
      /^Corefile:1 - Error during parsing: Unexpected token '\{'/,
    );
  });
});
