import { definePlugin, pluginLogger } from '@tsdns/core';
import { Dnstap } from './dnstap.js';
import { DnstapListener } from './listener.js';
import { DnstapOutput } from './output.js';
import { parseDnstap } from './setup.js';

export { Dnstap, type DnstapSettings, type FrameSink } from './dnstap.js';
export { DnstapOutput, formatEndpoint, type DnstapEndpoint, type DnstapOutputOptions } from './output.js';
export { DnstapListener, type DnstapListenerOptions, type ListenerTls } from './listener.js';
export { FrameStreamWriter } from './handshake.js';
export { TapStats } from './metrics.js';
export {
  DEFAULT_VERSION,
  QUEUE_UNIT,
  WRITE_BUFFER_UNIT,
  parseDnstap,
  parseEndpoint,
  type DnstapConfig,
  type ParseOptions,
} from './setup.js';
export { compileExtra, renderExtra, type ExtraTemplate } from './extra.js';
export {
  DNSTAP_TYPE_MESSAGE,
  DnstapDecodeError,
  MessageType,
  SocketFamily,
  SocketProtocol,
  decodeDnstap,
  encodeDnstap,
  type Dnstap as DnstapPayload,
  type DnstapMessage,
} from './proto.js';
export {
  CONTROL_FIELD_CONTENT_TYPE,
  ControlType,
  DNSTAP_CONTENT_TYPE,
  FrameStreamError,
  FrameStreamParser,
  encodeControl,
  sealDataFrame,
  type ControlFrame,
  type Frame,
} from './framestream.js';

const log = pluginLogger('dnstap');
const encoder = new TextEncoder();

export default definePlugin({
  name: 'dnstap',
  setup(c) {
    const configs = parseDnstap(c, { root: c.config.root, warn: (m) => log.warning(m) });
    configs.forEach((config, i) => {
      // Setup runs once per key of the block: the keys share one connection per dnstap line.
      const output = c.shared(`dnstap:${c.serverBlockIndex}:${i}`, () => {
        const o = config.listen
          ? DnstapListener.acquire({
              endpoint: config.endpoint,
              tls: config.tls,
              writeBufferBytes: config.writeBufferBytes,
              log,
            })
          : new DnstapOutput({
              endpoint: config.endpoint,
              queueLimit: config.queueLimit,
              writeBufferBytes: config.writeBufferBytes,
              log,
            });
        c.onStartup(() => o.start());
        c.onShutdown(() => o.close());
        return o;
      });
      const handler = new Dnstap(
        {
          full: config.full,
          identity: encoder.encode(config.identity),
          version: encoder.encode(config.version),
          extra: config.extra,
        },
        output,
      );
      // Several dnstap lines chain in Corefile order, each tapping what reaches it.
      c.addHandler((next) => {
        handler.next = next;
        return handler;
      });
    });
  },
});
