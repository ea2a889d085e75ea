import { describe, expect, it } from 'vitest';
import { Dispenser, tokenize } from '@tsdns/core';
import { startTestServer } from '@tsdns/testing';
import ready from './index.js';
import { parseReady } from './setup.js';
import { answerPlugin } from './test-support/plugins.js';

function parse(text: string): ReturnType<typeof parseReady> {
  return parseReady(new Dispenser(tokenize(text, 'Corefile'), 'Corefile'));
}

describe('parseReady', () => {
  it('defaults to :8181, until-ready', () => {
    expect(parse('ready')).toEqual({ address: ':8181', monitor: 'until-ready' });
  });

  it('takes an address and a monitor mode', () => {
    expect(parse('ready localhost:8091')).toEqual({ address: 'localhost:8091', monitor: 'until-ready' });
    expect(parse('ready {\n  monitor continuously\n}')).toEqual({
      address: ':8181',
      monitor: 'continuously',
    });
    expect(parse('ready :1 {\n  monitor until-ready\n}')).toEqual({ address: ':1', monitor: 'until-ready' });
  });

  it.each([
    ['ready localhost', /address localhost: missing port in address/],
    ['ready :1 :2', /Wrong argument count/],
    ['ready {\n  monitor\n}', /Wrong argument count/],
    [
      'ready {\n  monitor always\n}',
      /Corefile:2 - Error during parsing: monitor type 'always' not supported/,
    ],
    ['ready {\n  watch\n}', /unknown property 'watch'/],
  ])('rejects %j', (text, error) => {
    expect(() => parse(text)).toThrow(error);
  });

  it('may appear once per server block', async () => {
    await expect(
      startTestServer({
        corefile: ([p]) => `.:${p} {\n  ready 127.0.0.1:${p}\n  ready\n  answer\n}\n`,
        plugins: [ready, answerPlugin],
      }),
    ).rejects.toThrow(/plugin\/ready: this plugin can only be used once per Server Block/);
  });
});
