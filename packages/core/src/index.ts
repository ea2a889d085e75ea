export * from './wire/index.js';
export * from './corefile/index.js';
