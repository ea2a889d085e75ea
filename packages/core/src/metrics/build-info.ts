import { readFileSync } from 'node:fs';
import { buildInfo } from './dns.js';

/** The version of @tsdns/core (read at run time: the same relative path serves src/ and dist/). */
export const CORE_VERSION: string = (
  JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }
).version;

/**
 * Sets coredns_build_info to 1. The labels keep CoreDNS's names for dashboards' sake:
 * `version` is the tsdns server runtime's version, `revision` the source revision (empty:
 * packages are not built from a checkout), `goversion` the runtime that runs it, Node's
 * version here.
 */
export function recordBuildInfo(): void {
  buildInfo.labels(CORE_VERSION, '', process.version).set(1);
}
