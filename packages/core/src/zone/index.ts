export { Zone } from './zone.js';
export { ZoneError } from './errors.js';
export { MAX_CHAIN, type LookupOptions, type LookupResult } from './lookup.js';
export { nsec3Hash, Nsec3Error } from './nsec3.js';
export { loadZone } from './load.js';
export { applyZoneDiffs } from './apply.js';
export { answerFromZone, type ZoneAnswerOptions } from './answer.js';
export { ZoneSet, ZoneSets, type ZoneChangeListener } from './set.js';
export {
  STARTUP_NOTIFY_DELAY_MS,
  parseTransferOption,
  TransferTo,
  type TransferOption,
} from './transfer-to.js';
