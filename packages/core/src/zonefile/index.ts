export { ZoneFileError } from './errors.js';
// Exported as tokenizeZone: the Corefile lexer's tokenize has the plain name in the package API.
export { ZoneLexer, tokenize as tokenizeZone, MAX_RECORD_BYTES, type LexedRecord } from './lexer.js';
export {
  readZone,
  loadZoneFile,
  parseZone,
  MAX_INCLUDE_DEPTH,
  type ZoneRecord,
  type ZoneRecordStream,
  type ZoneReadOptions,
  type ParseZoneOptions,
} from './reader.js';
export { formatZone, writeZone, relativeName, type WriteZoneOptions } from './writer.js';
