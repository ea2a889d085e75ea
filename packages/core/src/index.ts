export * from './wire/index.js';
export * from './corefile/index.js';
export * from './plugin/index.js';
export * from './server/index.js';
export * from './log.js';
export * from './zone/index.js';
export * from './zonefile/index.js';
export * from './metrics/index.js';
