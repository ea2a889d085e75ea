import type { Tracer } from '@opentelemetry/api';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { ZipkinExporter } from '@opentelemetry/exporter-zipkin';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  AlwaysOnSampler,
  BasicTracerProvider,
  BatchSpanProcessor,
  type ReadableSpan,
  type SpanExporter,
} from '@opentelemetry/sdk-trace-base';
import type { Logger } from '@tsdns/core';
import type { TraceConfig } from './setup.js';

/** The OpenTelemetry result codes of an export (ExportResultCode of @opentelemetry/core). */
const EXPORT_SUCCESS = 0;

/** The SDK pieces one `trace` directive uses: a tracer, and a way to flush and stop. */
export interface TracingPipeline {
  readonly tracer: Tracer;
  /** Sends the spans still held, then stops exporting. */
  shutdown(): Promise<void>;
}

/**
 * Reports failed exports in the log, once per run of failures (the SDK itself stays
 * silent unless a global diagnostic logger is set, which would affect the whole process).
 */
class LoggingExporter implements SpanExporter {
  #failing = false;

  constructor(
    readonly inner: SpanExporter,
    readonly endpoint: string,
    readonly log: Logger,
  ) {}

  export(spans: ReadableSpan[], done: (result: { code: number; error?: Error }) => void): void {
    this.inner.export(spans, (result) => {
      if (result.code === EXPORT_SUCCESS) this.#failing = false;
      else if (!this.#failing) {
        this.#failing = true;
        this.log.error(
          `Could not send ${spans.length} spans to ${this.endpoint}: ${result.error?.message ?? 'failed'}`,
        );
      }
      done(result);
    });
  }

  shutdown(): Promise<void> {
    return this.inner.shutdown();
  }

  forceFlush(): Promise<void> {
    return this.inner.forceFlush?.() ?? Promise.resolve();
  }
}

/**
 * Builds the exporter for the configured endpoint type behind a batch processor (the
 * backlog, batch size and interval of CoreDNS's Zipkin reporter), and a tracer provider
 * of its own: nothing is registered globally, so several server blocks may trace to
 * different places. Every span offered is recorded (AlwaysOn): the `every` sampling
 * happens before a span exists.
 */
export function startTracing(config: TraceConfig, log: Logger): TracingPipeline {
  const exporter: SpanExporter =
    config.type === 'zipkin'
      ? new ZipkinExporter({ url: config.endpoint, serviceName: config.serviceName })
      : new OTLPTraceExporter({ url: config.endpoint });
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({ 'service.name': config.serviceName }),
    sampler: new AlwaysOnSampler(),
    spanProcessors: [
      new BatchSpanProcessor(new LoggingExporter(exporter, config.endpoint, log), {
        maxQueueSize: config.maxBacklog,
        maxExportBatchSize: config.maxBatchSize,
        scheduledDelayMillis: config.batchIntervalMs,
      }),
    ],
  });
  return {
    tracer: provider.getTracer('@tsdns/plugin-trace'),
    shutdown: () => provider.shutdown(),
  };
}
