import { describe, expect, it } from 'vitest';
import { Request, createOpt, type Message, type ResponseWriter } from '@tsdns/core';
import { compileExtra, renderExtra } from './extra.js';

const writer: ResponseWriter = {
  write() {},
  transport: 'tcp',
  remoteAddress: '::ffff:192.0.2.7',
  remotePort: 40123,
  localAddress: '::1',
  localPort: 53,
};

function request(): Request {
  const msg: Message = {
    id: 4242,
    flags: 0x0100,
    questions: [{ name: 'WWW.Example.org.', type: 'AAAA', class: 'IN' }],
    answers: [],
    authorities: [],
    additionals: [createOpt({ dnssecOk: true, udpPayloadSize: 4096 })],
  };
  const req = new Request(msg, writer, 'example.org.');
  req.setMetadata('forward/upstream', () => '192.0.2.53:53');
  return req;
}

const text = (template: string): string =>
  new TextDecoder().decode(renderExtra(compileExtra(template), request()));

describe('extra templates', () => {
  it('fills in the request placeholders', () => {
    expect(
      text('{type} {name} {class} {proto} {remote} {port} {local} {>id} {>opcode} {>do} {>bufsize}'),
    ).toBe('AAAA www.example.org. IN tcp 192.0.2.7 40123 [::1] 4242 0 true 65535');
  });

  it('fills in metadata, and "-" for metadata nobody provides', () => {
    expect(text('upstream: {/forward/upstream} view: {/view/name}')).toBe('upstream: 192.0.2.53:53 view: -');
  });

  it('has "-" for response placeholders and the query size for {size}', () => {
    expect(text('{rcode} {rsize} {duration} {>rflags}')).toBe('- - - -');
    expect(Number(text('{size}'))).toBeGreaterThan(12);
  });

  it('keeps unknown placeholders and stray braces as text, as CoreDNS does', () => {
    expect(text('{nope} {{type}} a}b {')).toBe('{nope} {AAAA} a}b {');
  });

  it('encodes a template without placeholders once', () => {
    const t = compileExtra('static text');
    expect(t.constant).toEqual(new TextEncoder().encode('static text'));
    expect(renderExtra(t, request())).toBe(t.constant);
  });
});
