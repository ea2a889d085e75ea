import { describe, expect, it } from 'vitest';
import { CorefileError, Dispenser, tokenize } from '@tsdns/core';
import { parseDebug } from './setup.js';

function parse(text: string): void {
  parseDebug(new Dispenser(tokenize(text, 'Corefile'), 'Corefile'));
}

describe('parseDebug', () => {
  it('accepts the bare directive, also repeated', () => {
    expect(() => parse('debug')).not.toThrow();
    expect(() => parse('debug\ndebug')).not.toThrow();
  });

  it.each([
    ['debug on', 1, "Wrong argument count or unexpected line ending after 'on'"],
    ['debug\ndebug on', 2, "Wrong argument count or unexpected line ending after 'on'"],
    ['debug {\n}', 1, "Unexpected token '{', expecting argument"],
  ])('rejects %j at line %i', (text, line, message) => {
    let err: unknown;
    try {
      parse(text);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(CorefileError);
    expect([(err as CorefileError).line, (err as CorefileError).detail]).toEqual([line, message]);
  });
});
