export type { Controller, InstanceView, LifecycleHook, SiteConfig } from './controller.js';
export { definePlugin, type PluginDefinition } from './define.js';
export { HandlerError, nextOrFailure, wasWritten, type Handler, type HandlerFactory } from './handler.js';
export type { HopObserver } from './hop.js';
export {
  isAutoPathSource,
  isExternalSource,
  isReadiness,
  isTransferer,
  type AutoPathSource,
  type ExternalLookup,
  type ExternalService,
  type ExternalSource,
  type Readiness,
  type Transferer,
} from './interfaces.js';
export { PluginWriter, trackedWriter, type PluginTracker } from './tracker.js';
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
export { NonWriter, Recorder, WrappingWriter, wireRcode } from './recorder.js';
export { PackedResponse } from './packed.js';
export { ResponseClass, ResponseType, classifyResponse, rrsigValidAt, typifyResponse } from './response.js';
export { matchZone } from './zones.js';
export { Fallthrough, parseFallthrough } from './fallthrough.js';
export { TlsArgsError, tlsOptionsFromArgs, type TlsFileOptions } from './tls.js';
export { DurationError, formatGoDuration, parseGoDuration } from './duration.js';
export {
  AclEntryError,
  AddressAcl,
  addressBytes,
  parseAclEntry,
  type AclEntry,
  type NotifyTarget,
  type PeerAddress,
} from './acl.js';
export {
  ZoneHistory,
  ZoneVersionError,
  compareSerials,
  diffZones,
  type SoaRecord,
  type ZoneDiff,
  type ZoneHistoryOptions,
} from './transfer-history.js';
export {
  DEFAULT_STALL_TIMEOUT_MS,
  DEFAULT_TRANSFER_MESSAGE_SIZE,
  TransferStream,
  TransferStreamError,
  type TransferStreamOptions,
} from './transfer-stream.js';
export { isTransferQuery, serveTransfer, type TransferOptions } from './transfer.js';
export {
  Notifier,
  formatTarget,
  notifyMessage,
  sendNotify,
  type NotifyOptions,
  type NotifyResult,
} from './notify.js';
export {
  TransferError,
  TransferReader,
  querySoa,
  transferIn,
  transferQuery,
  type SoaQueryOptions,
  type TransferInOptions,
  type TransferInResult,
} from './transfer-in.js';
export {
  MAX_UPSTREAM_DEPTH,
  UpstreamError,
  upstreamLookup,
  upstreamQuery,
  type ChainResolver,
} from './upstream.js';
