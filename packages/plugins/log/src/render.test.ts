import { describe, expect, it } from 'vitest';
import { Flag, Rcode, Request, setRcode, type Message } from '@tsdns/core';
import { CaptureWriter, buildQuery, type QueryOptions } from '@tsdns/testing';
import { COMBINED_LOG_FORMAT, COMMON_LOG_FORMAT, compileFormat } from './format.js';
import { formatFlags, formatRcode, formatSeconds, renderLine, type LoggedResponse } from './render.js';

describe('formatFlags', () => {
  it('prints the set flags in CoreDNS order', () => {
    expect(formatFlags(0)).toBe('');
    expect(formatFlags(Flag.QR | Flag.RD | Flag.RA)).toBe('qr,rd,ra');
    expect(formatFlags(0xffff)).toBe('qr,aa,tc,rd,ra,z,ad,cd');
    expect(formatFlags(Flag.CD | Flag.AA)).toBe('aa,cd');
    // Opcode and rcode bits are not flags.
    expect(formatFlags(0x7800 | 0x000f)).toBe('');
  });
});

describe('formatSeconds', () => {
  it.each([
    [37.990251, '0.037990251s'],
    [1500, '1.5s'],
    [2000, '2s'],
    [0, '0s'],
    [0.0001, '0.0000001s'],
    [61_000.000001, '61.000000001s'],
    [-1, '0s'],
  ])('%f ms -> %s', (ms, text) => {
    expect(formatSeconds(ms)).toBe(text);
  });
});

describe('formatRcode', () => {
  it('names known rcodes and prints others as numbers', () => {
    expect(formatRcode(Rcode.NXDOMAIN)).toBe('NXDOMAIN');
    expect(formatRcode(Rcode.BADVERS)).toBe('BADVERS');
    expect(formatRcode(12)).toBe('12');
    expect(formatRcode(4000)).toBe('4000');
  });
});

/** A query with id 4242 (the id the expected lines show). */
function queryMessage(name: string, type = 'A', opts: QueryOptions = {}): Message {
  return buildQuery(name, type, { id: 4242, ...opts });
}

function request(msg: Message, w = new CaptureWriter()): Request {
  return new Request(msg, w);
}

function responseTo(
  msg: Message,
  init: { flags?: number; rcode?: number; len?: number } = {},
): LoggedResponse {
  const reply: Message = { ...msg, flags: init.flags ?? Flag.QR | Flag.AA | Flag.RD, additionals: [] };
  setRcode(reply, init.rcode ?? 0);
  return { msg: reply, rcode: init.rcode ?? 0, len: init.len ?? 45, start: 1000 };
}

describe('renderLine', () => {
  it('renders the Common Log Format as CoreDNS prints it', () => {
    const msg = queryMessage('Example.ORG.', 'A');
    const line = renderLine(compileFormat(COMMON_LOG_FORMAT), request(msg), responseTo(msg), 1037.990251);
    expect(line).toBe(
      '127.0.0.1:40212 - 4242 "A IN example.org. udp 29 false 512" NOERROR qr,aa,rd 45 0.037990251s',
    );
  });

  it('brackets IPv6 addresses and reports TCP, EDNS and DO as CoreDNS does', () => {
    const msg = queryMessage('example.org.', 'AAAA', { bufsize: 4096, do: true, id: 7 });
    const w = new CaptureWriter({
      transport: 'tcp',
      remoteAddress: '2001:db8::1',
      remotePort: 5353,
      localAddress: '::1',
      localPort: 1053,
    });
    const res = responseTo(msg, { rcode: Rcode.NXDOMAIN, flags: Flag.QR | Flag.RD | Flag.RA });
    const line = renderLine(compileFormat(COMBINED_LOG_FORMAT + ' {local}'), request(msg, w), res, 1002);
    // Over TCP the usable size is 65535 whatever the OPT record says; 40 bytes with the OPT record.
    expect(line).toBe(
      '[2001:db8::1]:5353 - 7 "AAAA IN example.org. tcp 40 true 65535" NXDOMAIN qr,rd,ra 45 0.002s "0" [::1]',
    );
  });

  it('takes {size} from the bytes that arrived when the query holds no compressible name', () => {
    const size = compileFormat('{size}');
    const res = responseTo(queryMessage('a.'));
    const plain = request(queryMessage('example.org.', 'A', { bufsize: 1232 }));
    expect(renderLine(size, plain, res, 0)).toBe('40');
    plain.wireSize = 40;
    expect(renderLine(size, plain, res, 0)).toBe('40');
    // a query with a record beside its question is encoded as CoreDNS's Len() does
    const withAnswer = queryMessage('example.org.');
    withAnswer.answers.push({ name: 'example.org.', type: 'A', class: 'IN', ttl: 0, data: '192.0.2.1' });
    const req = request(withAnswer);
    req.wireSize = 41;
    expect(renderLine(size, req, res, 0)).toBe('56');
  });

  it('reports the advertised EDNS size over UDP, never below 512', () => {
    const format = compileFormat('{>bufsize}');
    const res = responseTo(queryMessage('a.'));
    expect(renderLine(format, request(queryMessage('a.', 'A', { bufsize: 4096 })), res, 0)).toBe('4096');
    expect(renderLine(format, request(queryMessage('a.', 'A', { bufsize: 100 })), res, 0)).toBe('512');
  });

  it('prints the opcode as a number', () => {
    const msg = queryMessage('example.org.', 'SOA', { opcode: 4 });
    expect(renderLine(compileFormat('{>opcode}'), request(msg), responseTo(msg), 0)).toBe('4');
  });

  it('prints dashes for response fields when nothing was written', () => {
    const msg = queryMessage('example.org.');
    const none: LoggedResponse = { msg: undefined, rcode: 0, len: 0, start: 0 };
    expect(renderLine(compileFormat('{rcode} {>rflags} {rsize}'), request(msg), none, 0)).toBe('- - 0');
  });

  it('fills metadata labels, with a dash for a label nothing provides', () => {
    const msg = queryMessage('example.org.');
    const req = request(msg);
    req.setMetadata('test/value', () => 'forty-two');
    req.setMetadata('test/empty', () => '');
    const line = renderLine(
      compileFormat('{/test/value}|{/test/empty}|{/test/missing}'),
      req,
      responseTo(msg),
      0,
    );
    expect(line).toBe('forty-two||-');
  });

  it('keeps unknown placeholders as text', () => {
    const msg = queryMessage('example.org.');
    expect(renderLine(compileFormat('{when} {server_port} {type}'), request(msg), responseTo(msg), 0)).toBe(
      '{when} {server_port} A',
    );
  });
});
