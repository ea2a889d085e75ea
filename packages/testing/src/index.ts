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
