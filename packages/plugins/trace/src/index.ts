import { definePlugin, pluginLogger } from '@tsdns/core';
import { startTracing, type TracingPipeline } from './exporter.js';
import { parseTrace } from './setup.js';
import { EveryN, Trace } from './trace.js';

export { EveryN, Trace, ROOT_SPAN_NAME, TRACE_ID_METADATA, Tag } from './trace.js';
export { startTracing, type TracingPipeline } from './exporter.js';
export {
  DEFAULT_BATCH_INTERVAL_MS,
  DEFAULT_ENDPOINTS,
  DEFAULT_MAX_BACKLOG,
  DEFAULT_MAX_BATCH_SIZE,
  DEFAULT_SERVICE_NAME,
  normalizeEndpoint,
  parseTrace,
  type EndpointType,
  type TraceConfig,
} from './setup.js';

const log = pluginLogger('trace');

export default definePlugin({
  name: 'trace',
  setup(c) {
    const config = parseTrace(c);
    // The keys of a block share one exporter and one count of queries. The exporter lives
    // as long as this server instance: a reload flushes the old instance's spans when it
    // shuts down, and the new one starts its own.
    const block = c.shared(`trace:${c.serverBlockIndex}`, () => {
      const shared: { handlers: Trace[]; sampler: EveryN; pipeline: TracingPipeline | undefined } = {
        handlers: [],
        sampler: new EveryN(config.every),
        pipeline: undefined,
      };
      c.onStartup(() => {
        const pipeline = startTracing(config, log);
        shared.pipeline = pipeline;
        for (const h of shared.handlers) h.tracer = pipeline.tracer;
      });
      c.onShutdown(async () => {
        for (const h of shared.handlers) h.tracer = undefined;
        await shared.pipeline?.shutdown();
        shared.pipeline = undefined;
      });
      return shared;
    });
    const handler = new Trace(block.sampler);
    block.handlers.push(handler);
    c.addHandler((next) => {
      handler.next = next;
      return handler;
    });
  },
});
