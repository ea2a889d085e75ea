export type { Controller, LifecycleHook, SiteConfig } from './controller.js';
export { definePlugin, type PluginDefinition } from './define.js';
export {
  HandlerError,
  nextOrFailure,
  wasWritten,
  type Handler,
  type HandlerFactory,
  type HandlerWrapper,
} from './handler.js';
export { isReadiness, isTransferer, type Readiness, type Transferer } from './interfaces.js';
export { isMessageTap, type ForwarderExchange, type MessageTap } from './tap.js';
export type { ResponseWriter, Transport } from './writer.js';
export {
  MAX_MESSAGE_SIZE,
  MIN_UDP_SIZE,
  MetadataKeyError,
  Request,
  isMetadataKey,
  type MetadataFunc,
} from './request.js';
export { isMetadataProvider, type MetadataProvider } from './metadata.js';
export { NonWriter, Recorder } from './recorder.js';
export { matchZone } from './zones.js';
export { Fallthrough, parseFallthrough } from './fallthrough.js';
export { TlsArgsError, tlsOptionsFromArgs, type TlsFileOptions } from './tls.js';
export { DurationError, formatGoDuration, parseGoDuration } from './duration.js';
