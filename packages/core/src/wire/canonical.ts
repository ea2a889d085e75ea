import { MnemonicError, classToNumber, typeToNumber } from './constants.js';
import { WireError } from './errors.js';
import { codecForType } from './rdata/index.js';
import type { ResourceRecord } from './types.js';
import { Writer } from './writer.js';

/**
 * DNSSEC canonical forms (RFC 4034 6.2): names uncompressed, owner names lowercased, and
 * the names inside rdata lowercased for the types RFC 4034 lists (as corrected by RFC 6840
 * 5.1). A writer of its own keeps this usable while a message is being encoded.
 */
const writer = new Writer();

function codeOf(kind: 'type' | 'class', text: string): number {
  try {
    return kind === 'type' ? typeToNumber(text) : classToNumber(text);
  } catch (e) {
    if (e instanceof MnemonicError) throw new WireError(e.message, -1);
    throw e;
  }
}

function writeCanonicalRdata(w: Writer, rr: ResourceRecord): void {
  if (rr.type === 'OPT') throw new WireError('OPT records have no canonical form', -1);
  const codec = codecForType(rr.type);
  w.canonical = true;
  if (codec !== undefined) {
    w.lowerNames = codec.canonicalLower;
    codec.encode(w, rr.data);
  } else {
    w.bytes(rr.data as Uint8Array);
  }
}

/** The canonical rdata of a record. */
export function canonicalRdata(rr: ResourceRecord): Uint8Array {
  const w = writer;
  w.reset(false);
  writeCanonicalRdata(w, rr);
  return w.result();
}

/**
 * The canonical wire form of a whole record: lowercased owner, type, class, `ttl` (the
 * RRSIG's original TTL when signing; default the record's own), RDLENGTH and canonical
 * rdata. Wildcard owner reduction (RFC 4035 5.3.2) is the signer's business.
 */
export function canonicalRecord(rr: ResourceRecord, ttl?: number): Uint8Array {
  if (rr.type === 'OPT') throw new WireError('OPT records have no canonical form', -1);
  const w = writer;
  w.reset(false);
  w.canonical = true;
  w.lowerNames = true;
  w.name(rr.name, false);
  w.u16(codeOf('type', rr.type));
  w.u16(codeOf('class', rr.class));
  w.u32(ttl ?? rr.ttl);
  const lengthAt = w.pos;
  w.u16(0);
  writeCanonicalRdata(w, rr);
  w.patch16(lengthAt, w.pos - lengthAt - 2);
  return w.result();
}
