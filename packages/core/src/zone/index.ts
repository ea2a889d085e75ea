export { Zone } from './zone.js';
export { ZoneError } from './errors.js';
export { MAX_CHAIN, type LookupOptions, type LookupResult } from './lookup.js';
export { nsec3Hash, Nsec3Error } from './nsec3.js';
