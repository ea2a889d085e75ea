import { nameEquals } from '../wire/name.js';

/**
 * Types whose rdata strings are all domain names, so two spellings that differ only in
 * letter case are the same record (RFC 4343). Everything else compares exactly.
 */
const NAME_ONLY_STRINGS: ReadonlySet<string> = new Set(['NS', 'CNAME', 'DNAME', 'PTR', 'MX', 'SRV', 'SOA']);

function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function valueEqual(a: unknown, b: unknown, caseless: boolean): boolean {
  if (a === b) return true;
  if (typeof a === 'string' || typeof b === 'string') {
    return caseless && typeof a === 'string' && typeof b === 'string' && nameEquals(a, b);
  }
  if (a instanceof Uint8Array || b instanceof Uint8Array) {
    return a instanceof Uint8Array && b instanceof Uint8Array && bytesEqual(a, b);
  }
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!valueEqual(a[i], b[i], caseless)) return false;
    return true;
  }
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  const ka = Object.keys(a);
  if (ka.length !== Object.keys(b).length) return false;
  for (const k of ka) {
    if (!valueEqual((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k], caseless))
      return false;
  }
  return true;
}

/**
 * Whether two records of type `type` carry the same rdata (RFC 2181 5: an RRset holds
 * each record once, so a zone file's duplicates collapse).
 */
export function sameRdata(type: string, a: unknown, b: unknown): boolean {
  return valueEqual(a, b, NAME_ONLY_STRINGS.has(type));
}
