import { describe, expect, it, vi } from 'vitest';
import { MetadataKeyError, Request, isMetadataKey } from './request.js';
import type { ResponseWriter, Transport } from './writer.js';
import { Flag, Opcode, Rcode } from '../wire/constants.js';
import { createOpt, getOpt } from '../wire/edns.js';
import { getRcode, setOpcode } from '../wire/header.js';
import type { Message } from '../wire/types.js';

function writer(
  transport: Transport = 'udp',
  remoteAddress = '192.0.2.7',
  localAddress = '127.0.0.1',
): ResponseWriter {
  return { transport, remoteAddress, remotePort: 40000, localAddress, localPort: 53, write: () => 0 };
}

function query(name = 'WWW.Example.ORG.', type = 'AAAA', opt?: Parameters<typeof createOpt>[0]): Message {
  const msg: Message = {
    id: 4242,
    flags: Flag.RD | Flag.CD,
    questions: [{ name, type, class: 'IN' }],
    answers: [],
    authorities: [],
    additionals: [],
  };
  if (opt !== undefined) msg.additionals.push(createOpt(opt));
  return msg;
}

describe('Request', () => {
  it('exposes the question as asked and lowercased', () => {
    const req = new Request(query(), writer(), 'example.org.');
    expect(req.id).toBe(4242);
    expect(req.qname).toBe('WWW.Example.ORG.');
    expect(req.name).toBe('www.example.org.');
    expect(req.qtype).toBe('AAAA');
    expect(req.qclass).toBe('IN');
    expect(req.zone).toBe('example.org.');
    expect(req.question).toEqual({ name: 'WWW.Example.ORG.', type: 'AAAA', class: 'IN' });
  });

  it('falls back like CoreDNS for a message without a question', () => {
    const msg = query();
    msg.questions = [];
    const req = new Request(msg, writer());
    expect([req.qname, req.name, req.qtype, req.qclass]).toEqual(['.', '.', '', '']);
    expect(req.reply().questions).toEqual([]);
  });

  it('reads EDNS: the OPT record, DO and the advertised size', () => {
    const plain = new Request(query(), writer());
    expect(plain.edns).toBeUndefined();
    expect(plain.do).toBe(false);
    expect(plain.size).toBe(512);

    const edns = new Request(query(undefined, undefined, { udpPayloadSize: 4096, dnssecOk: true }), writer());
    expect(edns.edns?.udpPayloadSize).toBe(4096);
    expect(edns.do).toBe(true);
    expect(edns.size).toBe(4096);

    expect(new Request(query(undefined, undefined, { udpPayloadSize: 100 }), writer()).size).toBe(512);
    expect(new Request(query(undefined, undefined, { udpPayloadSize: 100 }), writer('tcp')).size).toBe(65535);
  });

  it('reports addresses, unmapping IPv4 clients of dual-stack sockets', () => {
    const v4 = new Request(query(), writer('udp', '::ffff:192.0.2.9', '::ffff:127.0.0.1'));
    expect(v4.ip).toBe('192.0.2.9');
    expect(v4.family).toBe(4);
    expect(v4.localIp).toBe('127.0.0.1');
    expect(v4.port).toBe(40000);
    expect(v4.localPort).toBe(53);
    expect(v4.transport).toBe('udp');
    const v6 = new Request(query(), writer('tcp', '2001:db8::1', '::1'));
    expect(v6.ip).toBe('2001:db8::1');
    expect(v6.family).toBe(6);
    expect(v6.localIp).toBe('::1');
    expect(new Request(query(), writer('udp', '::ffff:abcd')).ip).toBe('::ffff:abcd');
  });

  it('computes metadata lazily, once, only when asked', () => {
    const req = new Request(query(), writer());
    const fn = vi.fn(() => 'value');
    req.setMetadata('test/key', fn);
    expect(fn).not.toHaveBeenCalled();
    expect(req.metadataKeys()).toEqual(['test/key']);
    expect(req.metadata('test/key')).toBe('value');
    expect(req.metadata('test/key')).toBe('value');
    expect(fn).toHaveBeenCalledTimes(1);
    expect(req.metadata('test/other')).toBeUndefined();
    req.setMetadata('test/key', () => 'replaced');
    expect(req.metadata('test/key')).toBe('replaced');
  });

  it('rejects metadata keys that are not plugin/name', () => {
    const req = new Request(query(), writer());
    for (const bad of ['', 'plain', '/name', 'plugin/']) {
      expect(isMetadataKey(bad)).toBe(false);
      expect(() => req.setMetadata(bad, () => 'x')).toThrow(MetadataKeyError);
    }
    expect(isMetadataKey('kubernetes/namespace')).toBe(true);
  });

  it('builds a reply skeleton: ID, opcode, RD and CD copied, QR set, question echoed', () => {
    const req = new Request(query(), writer());
    const r = req.reply();
    expect(r.id).toBe(4242);
    expect(r.flags).toBe(Flag.QR | Flag.RD | Flag.CD);
    expect(req.replyFlags()).toBe(r.flags);
    expect(r.questions).toEqual(req.msg.questions);
    expect(r.additionals).toEqual([]);
    expect(getRcode(req.reply(Rcode.NXDOMAIN))).toBe(Rcode.NXDOMAIN);
  });

  it('does not copy RD for other opcodes (NOTIFY)', () => {
    const msg = query();
    setOpcode(msg, Opcode.NOTIFY);
    const req = new Request(msg, writer());
    expect(req.reply().flags).toBe(Flag.QR | (Opcode.NOTIFY << 11));
    expect(req.replyFlags()).toBe(Flag.QR | (Opcode.NOTIFY << 11));
  });

  it('adds an OPT record of its own when the query had EDNS, DO copied, extended rcode in it', () => {
    const req = new Request(
      query(undefined, undefined, {
        udpPayloadSize: 4096,
        dnssecOk: true,
        options: [{ code: 3, type: 'NSID', data: new Uint8Array() }],
      }),
      writer(),
    );
    const r = req.reply(Rcode.BADCOOKIE);
    const opt = getOpt(r)!;
    expect(opt.udpPayloadSize).toBe(1232);
    expect(opt.flags).toBe(0x8000);
    expect(opt.options).toEqual([]);
    expect(opt.extendedRcode).toBe(Rcode.BADCOOKIE >> 4);
    expect(getRcode(r)).toBe(Rcode.BADCOOKIE);
    // without EDNS an extended rcode cannot be sent
    expect(getRcode(new Request(query(), writer()).reply(Rcode.BADCOOKIE))).toBe(Rcode.SERVFAIL);
  });

  it('makes a request for another question and matches replies', () => {
    const req = new Request(query(), writer(), 'example.org.');
    const other = req.withQuestion('target.example.net.', 'A');
    expect(other.qname).toBe('target.example.net.');
    expect(other.qtype).toBe('A');
    expect(other.zone).toBe('example.org.');
    expect(req.msg.questions[0].name).toBe('WWW.Example.ORG.');
    expect(req.matches(req.reply())).toBe(true);
    expect(req.matches(other.reply())).toBe(false);
    expect(req.matches(req.msg)).toBe(false);
  });
});
