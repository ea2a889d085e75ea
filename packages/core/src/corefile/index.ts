export { CorefileError } from './errors.js';
export { onSameLine, type ImportOrigin, type Token } from './token.js';
export { tokenize } from './lexer.js';
export { expandEnv, type Environment } from './env.js';
export {
  DEFAULT_PORTS,
  formatServerAddress,
  normalizeZone,
  parseServerKey,
  zonesOf,
  ZoneOverlapChecker,
  type ServerAddress,
  type ServerScheme,
} from './address.js';
export { reverseZonesOf } from './reverse.js';
export {
  loadCorefile,
  parseCorefile,
  type DirectiveTokens,
  type ParseOptions,
  type ServerBlockConfig,
} from './parser.js';
export { Dispenser } from './dispenser.js';
