import { describe, expect, it } from 'vitest';
import { nextOrFailure, type Handler } from './handler.js';
import { NonWriter, Recorder } from './recorder.js';
import { Request } from './request.js';
import { PluginWriter, trackedWriter, type PluginTracker } from './tracker.js';
import type { ResponseWriter } from './writer.js';
import type { Message } from '../wire/types.js';

/** A writer at the end of the line: the server's, here recording which plugin the tracker names. */
class SinkWriter implements ResponseWriter, PluginTracker {
  readonly transport = 'udp' as const;
  readonly remoteAddress = '127.0.0.1';
  readonly remotePort = 5353;
  readonly localAddress = '127.0.0.1';
  readonly localPort = 53;
  writer: string | undefined;
  writtenBy: (string | undefined)[] = [];
  write(_msg: Message): number {
    this.writtenBy.push(this.writer);
    return 42;
  }
}

function query(): Message {
  return {
    id: 1,
    flags: 0,
    questions: [{ name: 'example.org.', type: 'A', class: 'IN' }],
    answers: [],
    authorities: [],
    additionals: [],
  };
}

/** A handler that answers, as whoami does. */
const answering = (name: string): Handler => ({
  name,
  serveDNS(req, w) {
    w.write(req.reply());
    return 0;
  },
});

/** A handler that passes the query on, as metadata does. */
const passing = (name: string, next: Handler): Handler => ({
  name,
  serveDNS: (req, w) => nextOrFailure(name, next, req, w),
});

/** A handler that watches the response through its own wrapping writer, as log does. */
const watching = (name: string, next: Handler): Handler => ({
  name,
  serveDNS: (req, w) => nextOrFailure(name, next, req, new Recorder(w)),
});

/** A handler that captures the answer below it and writes it itself, as cache does (asynchronously). */
const capturing = (name: string, next: Handler): Handler => ({
  name,
  async serveDNS(req, w) {
    const nw = new NonWriter(w);
    await nextOrFailure(name, next, req, nw);
    w.write(nw.msg as Message);
    return 0;
  },
});

async function writerOf(chain: Handler): Promise<string | undefined> {
  const sink = new SinkWriter();
  const req = new Request(query(), sink);
  req.tracker = sink;
  // the first handler is entered the way the prometheus handler enters the chain
  await nextOrFailure('prometheus', chain, req, sink);
  expect(sink.writtenBy).toHaveLength(1);
  expect(sink.writer).toBeUndefined();
  return sink.writtenBy[0];
}

describe('which plugin wrote the response (PluginTracker)', () => {
  it('names the plugin that answered', async () => {
    expect(await writerOf(answering('whoami'))).toBe('whoami');
    expect(await writerOf(passing('metadata', passing('errors', answering('file'))))).toBe('file');
  });

  it('does not credit a plugin that only watches the write', async () => {
    expect(await writerOf(watching('log', answering('file')))).toBe('file');
    expect(await writerOf(passing('errors', watching('log', passing('any', answering('hosts')))))).toBe(
      'hosts',
    );
  });

  it('credits a plugin that captures the answer below it and writes it itself', async () => {
    expect(await writerOf(capturing('cache', answering('forward')))).toBe('cache');
    expect(
      await writerOf(watching('log', capturing('cache', watching('dnstap', answering('forward'))))),
    ).toBe('cache');
  });

  it('changes nothing while no tracker watches', () => {
    const sink = new SinkWriter();
    const req = new Request(query(), sink);
    expect(trackedWriter(req, sink, 'x')).toBe(sink);
    req.tracker = sink;
    const w = trackedWriter(req, sink, 'x');
    expect(w).toBeInstanceOf(PluginWriter);
    expect([w.transport, w.remoteAddress, w.remotePort, w.localAddress, w.localPort]).toEqual([
      'udp',
      '127.0.0.1',
      5353,
      '127.0.0.1',
      53,
    ]);
    expect(w.write(query())).toBe(42);
  });
});

describe('PluginWriter and bytes', () => {
  class BytesSink extends SinkWriter {
    writeBytes(_bytes: Uint8Array): number {
      this.writtenBy.push(this.writer);
      return 7;
    }
  }

  it('passes bytes through and names the writer as for a Message', () => {
    const sink = new BytesSink();
    const req = new Request(query(), sink);
    req.tracker = sink;
    const w = trackedWriter(req, new PluginWriter(sink, 'cache', sink), 'loadbalance');
    expect(w.writeBytes).toBeDefined();
    expect(w.writeBytes!(new Uint8Array(12))).toBe(7);
    expect(sink.writtenBy).toEqual(['loadbalance']);
    expect(sink.writer).toBeUndefined();
  });

  it('does not offer bytes when the writer it wraps cannot take them', () => {
    const sink = new SinkWriter();
    expect(new PluginWriter(sink, 'x', sink).writeBytes).toBeUndefined();
  });
});
