import { describe, expect, it } from 'vitest';
import { Request, encodeMessage } from '@tsdns/core';
import { CaptureWriter } from './capture-writer.js';
import { buildQuery } from './query-message.js';

describe('CaptureWriter', () => {
  it('keeps what is written and returns its encoded size', () => {
    const w = new CaptureWriter();
    const req = new Request(buildQuery('example.org', 'A', { id: 1 }), w);
    const reply = req.reply(0);
    expect(w.write(reply)).toBe(encodeMessage(reply).length);
    expect(w.written).toEqual([reply]);
  });

  it('reports the addresses it was given, defaults otherwise', () => {
    expect(new CaptureWriter()).toMatchObject({
      transport: 'udp',
      remoteAddress: '127.0.0.1',
      remotePort: 40212,
      localAddress: '127.0.0.1',
      localPort: 53,
    });
    const w = new CaptureWriter({
      transport: 'tcp',
      remoteAddress: '2001:db8::1',
      remotePort: 5353,
      localPort: 1053,
    });
    const req = new Request(buildQuery('example.org', 'A'), w);
    expect([req.transport, req.ip, req.port, w.localPort]).toEqual(['tcp', '2001:db8::1', 5353, 1053]);
  });

  it('fails the test when a handler writes a message that cannot be encoded', () => {
    const w = new CaptureWriter();
    const bad = {
      ...buildQuery('example.org', 'A'),
      questions: [{ name: `${'a'.repeat(64)}.org.`, type: 'A', class: 'IN' }],
    };
    expect(() => w.write(bad)).toThrow();
  });
});
