import { describe, expect, it } from 'vitest';
import { NonWriter, Recorder, WrappingWriter } from './recorder.js';
import type { ResponseWriter } from './writer.js';
import { Rcode } from '../wire/constants.js';
import { createOpt } from '../wire/edns.js';
import { setRcode } from '../wire/header.js';
import type { Message } from '../wire/types.js';
import { decodeMessage } from '../wire/decode.js';
import { encodeMessage } from '../wire/encode.js';

function sink(): ResponseWriter & { got: Message[] } {
  const got: Message[] = [];
  return {
    got,
    transport: 'tcp',
    remoteAddress: '192.0.2.1',
    remotePort: 1234,
    localAddress: '127.0.0.1',
    localPort: 53,
    write(msg: Message) {
      got.push(msg);
      return 99;
    },
  };
}

function answer(rcode: number): Message {
  const msg: Message = {
    id: 1,
    flags: 0x8000,
    questions: [],
    answers: [],
    authorities: [],
    additionals: [createOpt()],
  };
  setRcode(msg, rcode);
  return msg;
}

describe('Recorder', () => {
  it('passes the write through and records message, rcode, length and start', () => {
    const w = sink();
    const before = performance.now();
    const rec = new Recorder(w);
    expect(rec.start).toBeGreaterThanOrEqual(before);
    expect([rec.msg, rec.rcode, rec.len]).toEqual([undefined, 0, 0]);
    const msg = answer(Rcode.BADVERS);
    expect(rec.write(msg)).toBe(99);
    expect(w.got).toEqual([msg]);
    expect(rec.msg).toBe(msg);
    expect(rec.rcode).toBe(Rcode.BADVERS);
    expect(rec.len).toBe(99);
    expect([rec.transport, rec.remoteAddress, rec.remotePort, rec.localAddress, rec.localPort]).toEqual([
      'tcp',
      '192.0.2.1',
      1234,
      '127.0.0.1',
      53,
    ]);
  });

  it('leaves len at 0 when the wrapped writer does not report bytes', () => {
    const inner = new NonWriter(sink());
    const rec = new Recorder(inner);
    rec.write(answer(Rcode.NXDOMAIN));
    expect(rec.rcode).toBe(Rcode.NXDOMAIN);
    expect(rec.len).toBe(0);
    expect(inner.msg).toBe(rec.msg);
  });
});

describe('NonWriter', () => {
  it('captures the message without sending it', () => {
    const w = sink();
    const nw = new NonWriter(w);
    const msg = answer(Rcode.NOERROR);
    nw.write(msg);
    expect(nw.msg).toBe(msg);
    expect(w.got).toEqual([]);
    expect(nw.inner).toBe(w);
    expect(nw.remotePort).toBe(1234);
  });
});

describe('WrappingWriter', () => {
  class Upper extends WrappingWriter {
    write(msg: Message): number | void {
      return this.inner.write({ ...msg, id: msg.id + 1 });
    }
  }

  it("repeats the wrapped writer's facts, or the transport it is given", () => {
    const w = sink();
    const up = new Upper(w);
    expect([up.transport, up.remoteAddress, up.remotePort, up.localAddress, up.localPort]).toEqual([
      'tcp',
      '192.0.2.1',
      1234,
      '127.0.0.1',
      53,
    ]);
    expect(up.write(answer(Rcode.NOERROR))).toBe(99);
    expect(w.got[0].id).toBe(2);
    expect(new Upper({ ...w, transport: 'udp' }, 'tcp').transport).toBe('tcp');
  });

  it('passes whenWritable through, and is writable when the wrapped writer cannot say', async () => {
    expect(new Upper(sink()).whenWritable()).toBe(true);
    const draining = { ...sink(), whenWritable: () => Promise.resolve(false) };
    expect(await new Upper(draining).whenWritable()).toBe(false);
  });
});

describe('the bytes path through wrapping writers', () => {
  /** A writer that takes bytes, as the server's do. */
  function bytesSink(): ResponseWriter & { got: Message[]; bytes: Uint8Array[] } {
    const w = sink();
    const bytes: Uint8Array[] = [];
    return Object.assign(w, {
      bytes,
      writeBytes(b: Uint8Array) {
        bytes.push(b);
        return b.length;
      },
    });
  }
  class Watching extends WrappingWriter {
    constructor(inner: ResponseWriter) {
      super(inner, inner.transport, true);
    }
    write(msg: Message): number | void {
      return this.inner.write(msg);
    }
  }
  class Changing extends WrappingWriter {
    write(msg: Message): number | void {
      return this.inner.write(msg);
    }
  }

  it('is offered only by writers that opt in, and only when the wrapped writer has it', () => {
    expect(new Watching(bytesSink()).writeBytes).toBeDefined();
    expect(new Watching(sink()).writeBytes).toBeUndefined();
    expect(new Changing(bytesSink()).writeBytes).toBeUndefined();
    expect(new NonWriter(bytesSink()).writeBytes).toBeUndefined();
    // one writer in the line without it closes the path for everything above
    expect(new Watching(new Changing(bytesSink())).writeBytes).toBeUndefined();
    expect(new Watching(new Watching(bytesSink())).writeBytes).toBeDefined();
  });

  it('hands the bytes on unchanged', () => {
    const w = bytesSink();
    const bytes = encodeMessage(answer(Rcode.NOERROR));
    expect(new Watching(new Watching(w)).writeBytes!(bytes)).toBe(bytes.length);
    expect(w.bytes).toEqual([bytes]);
    expect(w.got).toEqual([]);
  });

  it('lets a Recorder report on bytes: rcode from the header, length, and the message on demand', () => {
    const w = bytesSink();
    const rec = new Recorder(w);
    const msg = answer(Rcode.NXDOMAIN);
    msg.questions.push({ name: 'example.org.', type: 'A', class: 'IN' });
    const bytes = encodeMessage(msg);
    expect(rec.writeBytes!(bytes)).toBe(bytes.length);
    expect(w.bytes).toEqual([bytes]);
    expect(rec.rcode).toBe(Rcode.NXDOMAIN);
    expect(rec.len).toBe(bytes.length);
    expect(rec.msg).toEqual(decodeMessage(bytes));
    expect(rec.msg).toBe(rec.msg);
  });
});
