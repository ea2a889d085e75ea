export { PresentationError, type TextToken } from './token.js';
export { rdataFromText, rdataToText } from './rdata-text.js';
export { recordToText, questionToText } from './record-text.js';
export { messageToText } from './message-text.js';
export { parseTtl, formatTtl, TtlError } from './ttl.js';
export {
  encodeHex,
  decodeHex,
  encodeBase64,
  decodeBase64,
  encodeBase32Hex,
  decodeBase32Hex,
} from './binary-text.js';
