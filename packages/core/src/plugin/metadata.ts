import type { Request } from './request.js';

/**
 * Implemented by handlers that publish metadata (chapter 7 and 9): the `metadata` plugin
 * calls `metadata(req)` on every provider in its chain before the query goes down it, and
 * providers register lazy values with `req.setMetadata("plugin/name", fn)`. It runs for
 * every query, so it must only register functions, never compute values.
 */
export interface MetadataProvider {
  metadata(req: Request): void;
}

export function isMetadataProvider(h: unknown): h is MetadataProvider {
  return typeof (h as Partial<MetadataProvider> | undefined)?.metadata === 'function';
}
