export {
  ConnectionClosedError,
  DEFAULT_BUFSIZE,
  DEFAULT_TIMEOUT,
  QueryTimeoutError,
  buildQuery,
  formatTarget,
  randomId,
  type ClientTransport,
  type QueryOptions,
  type Target,
} from './query-message.js';
export { exchange, query, sendRaw } from './client.js';
export { TcpClient } from './tcp.js';
export { FrameReader, frameMessage } from './frame.js';
export { freePorts } from './ports.js';
export {
  dig,
  hasTool,
  kdig,
  parseDigOutput,
  runTool,
  type DigEdns,
  type DigOptions,
  type DigQuestion,
  type DigRecord,
  type DigResult,
  type ToolRun,
} from './tools.js';
export { kdigTransfer, type XfrRecord, type XfrResult } from './xfr.js';
export { startTestServer, type TestCorefile, type TestServer, type TestServerOptions } from './server.js';
export {
  Exposition,
  ExpositionParseError,
  parseExposition,
  type ExpositionFamily,
  type ExpositionSample,
} from './exposition.js';
export { BytesCaptureWriter, CaptureWriter, type CaptureWriterOptions } from './capture-writer.js';
export { eventually, waitFor, type WaitOptions } from './wait.js';
export { NotifyListener } from './notify-listener.js';
export {
  FakeUpstream,
  replyTo,
  type ReceivedQuery,
  type ReplyInit,
  type UpstreamAction,
  type UpstreamScript,
} from './upstream.js';
export {
  answersQuery,
  makeTempDir,
  makeTestCa,
  signZone,
  startKnot,
  startPeer,
  startUnbound,
  type Knot,
  type KnotOptions,
  type KnotZone,
  type PeerProcess,
  type SignZoneOptions,
  type StartPeerOptions,
  type TestCa,
  type TestCaOptions,
  type Unbound,
  type UnboundOptions,
} from './peers/index.js';
export { FakeKubeApi, kubeStatus, type FakeKubeApiOptions, type KubeApiRequest } from './kube-api.js';
export {
  KUBE_RESOURCES,
  KubeObjectStore,
  KubeStoreError,
  type KubeChange,
  type KubeEventType,
  type KubeObject,
  type KubeResource,
} from './kube-api-store.js';
export {
  KubeSelectorError,
  matchesFields,
  matchesLabels,
  parseFieldSelector,
  parseLabelSelector,
  type FieldRequirement,
  type LabelRequirement,
} from './kube-api-selector.js';
export { runDenyingImports, type ChildRun, type DeniedImportsOptions } from './denied-imports.js';
