export type * from './types.js';
export * from './constants.js';
export {
  NameError,
  MAX_LABEL_LENGTH,
  MAX_NAME_LENGTH,
  parseName,
  nameKey,
  nameEquals,
  isSubdomain,
  labelCount,
  splitLabels,
  parentName,
  nameWireLength,
  nameToCanonicalWire,
  compareCanonical,
} from './name.js';
export { WireError } from './errors.js';
export { formatIPv4, formatIPv6, parseIPv4, parseIPv6 } from './ip.js';
export { getOpcode, setOpcode, hasFlag, setFlag, getRcode, setRcode } from './header.js';
export { getOpt, createOpt, isDnssecOk, setDnssecOk, findOption, type OptInit } from './edns.js';
export {
  decodeHeader,
  decodeMessage,
  decodeRdata,
  HEADER_LENGTH,
  type Header,
  type DecodeOptions,
} from './decode.js';
export { encodeMessage, encodeRdata, type EncodeOptions, type QuestionSource } from './encode.js';
export { canonicalRdata, canonicalRecord } from './canonical.js';
export { svcParamKeyName, svcParamKeyNumber } from './rdata/svcb.js';
export { MAX_MESSAGE_LENGTH } from './writer.js';
export { FrameDecoder, frameMessage } from './frame.js';
export * from './presentation/index.js';
