import { describe, expect, it } from 'vitest';
import { CorefileError, Dispenser, tokenize } from '@tsdns/core';
import { parseTrace, type TraceConfig } from './setup.js';

function parse(text: string): TraceConfig {
  return parseTrace(new Dispenser(tokenize(text, 'Corefile'), 'Corefile'));
}

function errorOf(text: string): string {
  try {
    parse(text);
  } catch (e) {
    expect(e).toBeInstanceOf(CorefileError);
    return (e as Error).message;
  }
  throw new Error('no error');
}

describe('parseTrace', () => {
  it('defaults to Zipkin on localhost:9411, every query, service coredns', () => {
    expect(parse('trace')).toEqual({
      type: 'zipkin',
      endpoint: 'http://localhost:9411/api/v2/spans',
      every: 1,
      serviceName: 'coredns',
      clientServer: false,
      maxBacklog: 1000,
      maxBatchSize: 100,
      batchIntervalMs: 1000,
    });
  });

  it('takes an endpoint alone, or a type and an endpoint, completing HOST:PORT as CoreDNS does', () => {
    expect(parse('trace tracinghost:9253').endpoint).toBe('http://tracinghost:9253/api/v2/spans');
    expect(parse('trace zipkin tracinghost:9253')).toMatchObject({
      type: 'zipkin',
      endpoint: 'http://tracinghost:9253/api/v2/spans',
    });
    expect(parse('trace http://tracinghost:9411/zipkin/api/v2/spans').endpoint).toBe(
      'http://tracinghost:9411/zipkin/api/v2/spans',
    );
    expect(parse('trace otlp')).toMatchObject({ type: 'otlp', endpoint: 'http://localhost:4318/v1/traces' });
    expect(parse('trace OTLP collector:4318').endpoint).toBe('http://collector:4318/v1/traces');
    expect(parse('trace otlp https://collector.example/v1/traces').endpoint).toBe(
      'https://collector.example/v1/traces',
    );
  });

  it('takes every, service, client_server and the batching options', () => {
    expect(
      parse(
        'trace tracinghost:9411 {\n every 10000\n service dnsproxy\n client_server false\n' +
          ' zipkin_max_backlog_size 50\n zipkin_max_batch_size 10\n zipkin_max_batch_interval 250ms\n}',
      ),
    ).toMatchObject({
      every: 10000,
      serviceName: 'dnsproxy',
      clientServer: false,
      maxBacklog: 50,
      maxBatchSize: 10,
      batchIntervalMs: 250,
    });
    expect(parse('trace {\n client_server false\n}').clientServer).toBe(false);
    expect(parse('trace {\n every 0\n}').every).toBe(0);
  });

  it('keeps a batch no larger than the backlog', () => {
    expect(parse('trace {\n zipkin_max_backlog_size 5\n}')).toMatchObject({ maxBacklog: 5, maxBatchSize: 5 });
  });

  it('lets the last trace line of a block count, as CoreDNS does', () => {
    expect(parse('trace a:1\ntrace otlp b:2').endpoint).toBe('http://b:2/v1/traces');
  });

  it.each([
    ['trace a b c', /Wrong argument count/],
    ['trace datadog localhost:8126', /tracing endpoint type 'datadog' is not supported/],
    ['trace jaeger localhost:1', /tracing endpoint type 'jaeger' is not supported/],
    ['trace {\n every\n}', /Wrong argument count/],
    ['trace {\n every -1\n}', /every: invalid number "-1"/],
    ['trace {\n every x\n}', /every: invalid number "x"/],
    ['trace {\n service\n}', /Wrong argument count/],
    ['trace {\n client_server maybe\n}', /invalid boolean "maybe"/],
    ['trace {\n client_server\n}', /:2 - Error during parsing: client_server is not supported yet/],
    ['trace {\n client_server T\n}', /client_server is not supported yet/],
    ['trace {\n client_server a b\n}', /Wrong argument count/],
    ['trace {\n zipkin_max_batch_size 0\n}', /must be at least 1: 0/],
    ['trace {\n zipkin_max_batch_interval soon\n}', /time: invalid duration "soon"/],
    ['trace {\n zipkin_max_batch_interval 0s\n}', /must be positive/],
    ['trace {\n datadog_analytics_rate 0.5\n}', /datadog endpoint type, which is not supported/],
    ['trace {\n bogus\n}', /unknown property 'bogus'/],
  ])('rejects %j', (text, message) => {
    expect(errorOf(text)).toMatch(message);
  });
});
