import { describe, expect, it } from 'vitest';
import { Dispenser, tokenize } from '@tsdns/core';
import { startTestServer } from '@tsdns/testing';
import { DEFAULT_ADDRESS, parsePrometheus } from './setup.js';
import prometheus from './index.js';
import { respondPlugin } from './test-support/plugins.js';

function parse(text: string): ReturnType<typeof parsePrometheus> {
  return parsePrometheus(new Dispenser(tokenize(text, 'Corefile'), 'Corefile'));
}

describe('parsePrometheus', () => {
  it('defaults to localhost:9153', () => {
    expect(parse('prometheus')).toEqual({ address: DEFAULT_ADDRESS });
    expect(DEFAULT_ADDRESS).toBe('localhost:9153');
  });

  it.each([':9153', '127.0.0.1:9253', '[::1]:9153', 'localhost:0'])('takes the address %s', (address) => {
    expect(parse(`prometheus ${address}`)).toEqual({ address });
  });

  it('accepts runtime_metrics (Node runtime metrics are always exported)', () => {
    expect(parse('prometheus :9153 {\n  runtime_metrics\n}')).toEqual({ address: ':9153' });
  });

  it.each([
    ['prometheus localhost', /Corefile:1 - Error during parsing: address localhost: missing port in address/],
    ['prometheus a:b:c', /too many colons in address/],
    ['prometheus :http', /invalid port "http"/],
    ['prometheus :1 :2', /Wrong argument count/],
    ['prometheus {\n  runtime_metrics now\n}', /Wrong argument count/],
    ['prometheus {\n  tls web.yml\n}', /Corefile:2 - Error during parsing: tls is not supported/],
    ['prometheus {\n  bogus\n}', /unknown option: bogus/],
  ])('rejects %j', (text, error) => {
    expect(() => parse(text)).toThrow(error);
  });
});

describe('prometheus setup through the server', () => {
  it('may appear once per server block', async () => {
    await expect(
      startTestServer({
        corefile: ([port]) => `.:${port} {\n  prometheus 127.0.0.1:${port}\n  prometheus\n  respond\n}\n`,
        plugins: [prometheus, respondPlugin],
      }),
    ).rejects.toThrow(
      /Corefile:3 - Error during parsing: plugin\/prometheus: this plugin can only be used once per Server Block/,
    );
  });

  it("fails to start when the metrics address is taken, in Go's words", async () => {
    const { createServer } = await import('node:net');
    const blocker = createServer();
    await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', r));
    const taken = (blocker.address() as { port: number }).port;
    try {
      await expect(
        startTestServer({
          corefile: ([port]) => `.:${port} {\n  prometheus 127.0.0.1:${taken}\n  respond\n}\n`,
          plugins: [prometheus, respondPlugin],
        }),
      ).rejects.toThrow(`plugin/prometheus: listen tcp 127.0.0.1:${taken}: bind: address already in use`);
    } finally {
      await new Promise<void>((r) => blocker.close(() => r()));
    }
  });
});
