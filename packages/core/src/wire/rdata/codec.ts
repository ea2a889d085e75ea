import { MnemonicError, typeToNumber } from '../constants.js';
import { WireError } from '../errors.js';
import type { Reader } from '../reader.js';
import type { Writer } from '../writer.js';

/**
 * How one record type's rdata goes to and from the wire. `decode` runs with the reader's
 * limit set to the end of the rdata; the caller checks that it consumed exactly RDLENGTH.
 */
export interface RdataCodec<D = unknown> {
  readonly type: string;
  readonly code: number;
  /**
   * Whether names inside the rdata are lowercased in DNSSEC canonical form: RFC 4034 6.2
   * item 3 as corrected by RFC 6840 5.1 (which took NSEC out of the list).
   */
  readonly canonicalLower: boolean;
  decode(r: Reader): D;
  encode(w: Writer, data: D): void;
}

/** A type mnemonic inside rdata (RRSIG type covered, type bitmaps) to its number. */
export function typeCode(name: string, w: Writer): number {
  try {
    return typeToNumber(name);
  } catch (e) {
    if (e instanceof MnemonicError) throw new WireError(e.message, w.offset);
    throw e;
  }
}

/** Checks a decoded object field is present before the writer sees it. */
export function expectObject(data: unknown, type: string, w: Writer): void {
  if (typeof data !== 'object' || data === null) {
    throw new WireError(`${type} rdata must be an object`, w.offset);
  }
}
