import { describe, expect, it } from 'vitest';
import { Dispenser, tokenize } from '@tsdns/core';
import { parseHealth } from './setup.js';

function parse(text: string): ReturnType<typeof parseHealth> {
  return parseHealth(new Dispenser(tokenize(text, 'Corefile'), 'Corefile'));
}

describe('parseHealth', () => {
  it('defaults to :8080 without lameduck', () => {
    expect(parse('health')).toEqual({ address: ':8080', lameduckMs: 0 });
  });

  it('takes an address and a lameduck duration', () => {
    expect(parse('health localhost:8091')).toEqual({ address: 'localhost:8091', lameduckMs: 0 });
    expect(parse('health localhost:8092 {\n  lameduck 1s\n}')).toEqual({
      address: 'localhost:8092',
      lameduckMs: 1000,
    });
    expect(parse('health {\n  lameduck 1m30s\n}')).toEqual({ address: ':8080', lameduckMs: 90_000 });
    expect(parse('health {\n  lameduck -5s\n}').lameduckMs).toBe(0);
  });

  it('lets a later occurrence in the block override an earlier one', () => {
    expect(parse('health :8081\nhealth :8082 {\n  lameduck 2s\n}')).toEqual({
      address: ':8082',
      lameduckMs: 2000,
    });
  });

  it.each([
    ['health localhost', /Corefile:1 - Error during parsing: address localhost: missing port in address/],
    ['health :1 :2', /Wrong argument count/],
    ['health {\n  lameduck\n}', /Wrong argument count/],
    ['health {\n  lameduck 1s 2s\n}', /Wrong argument count/],
    [
      'health {\n  lameduck soon\n}',
      /unable to parse lameduck duration value: 'soon' : time: invalid duration "soon"/,
    ],
    ['health {\n  lame 1s\n}', /Corefile:2 - Error during parsing: unknown property 'lame'/],
  ])('rejects %j', (text, error) => {
    expect(() => parse(text)).toThrow(error);
  });
});
