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
