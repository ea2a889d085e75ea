import { describe, expect, it } from 'vitest';
import {
  InMemorySpanExporter,
  BasicTracerProvider,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import { Rcode, Request, nextOrFailure, type Handler } from '@tsdns/core';
import { CaptureWriter } from '@tsdns/testing';
import { EveryN, ROOT_SPAN_NAME, Trace } from './trace.js';

const writer = new CaptureWriter();

function query(): Request {
  return new Request(
    {
      id: 1,
      flags: 0,
      questions: [{ name: 'a.', type: 'A', class: 'IN' }],
      answers: [],
      authorities: [],
      additionals: [],
    },
    writer,
  );
}

function setup(every: number): { trace: Trace; exporter: InMemorySpanExporter; seen: Request[] } {
  const exporter = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
  const seen: Request[] = [];
  const leaf: Handler = {
    name: 'leaf',
    serveDNS(req, w) {
      seen.push(req);
      w.write(req.reply());
      return Rcode.NOERROR;
    },
  };
  const middle: Handler = { name: 'middle', serveDNS: (req, w) => nextOrFailure('middle', leaf, req, w) };
  const trace = new Trace(new EveryN(every));
  trace.next = middle;
  trace.tracer = provider.getTracer('test');
  return { trace, exporter, seen };
}

describe('Trace', () => {
  it('leaves queries it does not sample alone: no span, no hop observer, the same writer', () => {
    const { trace, exporter, seen } = setup(4);
    for (let i = 0; i < 3; i++) expect(trace.serveDNS(query(), writer)).toBe(Rcode.NOERROR);
    expect(exporter.getFinishedSpans()).toEqual([]);
    expect(seen.every((r) => r.hops === undefined && r.metadataKeys().length === 0)).toBe(true);
    // The fourth is sampled: a root and one span per plugin hop.
    expect(trace.serveDNS(query(), writer)).toBe(Rcode.NOERROR);
    expect(exporter.getFinishedSpans().map((s) => s.name)).toEqual(['leaf', 'middle', ROOT_SPAN_NAME]);
  });

  it('answers synchronously for a sampled synchronous chain', () => {
    const { trace } = setup(1);
    expect(typeof trace.serveDNS(query(), writer)).toBe('number');
  });

  it('passes queries on untraced while the server is not running', () => {
    const { trace, exporter } = setup(1);
    trace.tracer = undefined;
    expect(trace.serveDNS(query(), writer)).toBe(Rcode.NOERROR);
    expect(exporter.getFinishedSpans()).toEqual([]);
  });
});
