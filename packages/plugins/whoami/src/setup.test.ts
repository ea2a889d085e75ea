import { describe, expect, it } from 'vitest';
import { CorefileError, Dispenser, tokenize } from '@tsdns/core';
import { parseWhoami } from './setup.js';

function dispenser(text: string): Dispenser {
  return new Dispenser(tokenize(text, 'Corefile'), 'Corefile');
}

describe('parseWhoami', () => {
  it('accepts the bare directive, also repeated', () => {
    expect(() => parseWhoami(dispenser('whoami'))).not.toThrow();
    expect(() => parseWhoami(dispenser('whoami\nwhoami'))).not.toThrow();
  });

  it('rejects an argument, naming the file and line', () => {
    const err = (() => {
      try {
        parseWhoami(dispenser('\nwhoami extra'));
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(CorefileError);
    expect((err as CorefileError).message).toBe(
      "Corefile:2 - Error during parsing: Wrong argument count or unexpected line ending after 'extra'",
    );
  });

  it('rejects a block', () => {
    expect(() => parseWhoami(dispenser('whoami {\n}'))).toThrow(/Corefile:1 .*Unexpected token '\{'/);
  });
});
