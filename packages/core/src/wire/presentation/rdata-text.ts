import { isTypedType, MnemonicError, recordTypeToString, typeToNumber, typeToString } from '../constants.js';
import { decodeRdata } from '../decode.js';
import { WireError } from '../errors.js';
import { encodeRdata } from '../encode.js';
import type { RecordData, ResourceRecord, TypedRecord } from '../types.js';
import { formatGenericRdata, isGenericRdata, readGenericRdata } from './generic.js';
import { RDATA_FORMATTERS } from './rdata-formatters.js';
import { RDATA_PARSERS } from './rdata-parsers.js';
import { PresentationError, type TextToken } from './token.js';
import { TokenReader } from './token-reader.js';

/**
 * Rdata between presentation text and the data model, for every type with typed rdata,
 * plus RFC 3597 generic rdata (`\# <length> <hex>`) for any type.
 */

// One reader serves every call, as a zone load reads a million records; a call made while
// it is in use (none is today) gets a reader of its own.
const NO_TOKENS: readonly TextToken[] = [];
const sharedReader = new TokenReader(NO_TOKENS, '.', '');
let sharedReaderBusy = false;

/**
 * Reads the rdata tokens of a record of `type` (a mnemonic, any case, or TYPEnnn).
 * Relative names are completed with `origin` (absolute, as parseName returns it). Typed
 * types accept their own syntax and the generic form, whose bytes are then decoded into
 * the typed data; other types accept only the generic form and give its bytes.
 * Throws PresentationError with the index of the offending token.
 */
export function rdataFromText(type: string, tokens: TextToken[], origin: string): RecordData {
  let code: number;
  try {
    code = typeToNumber(type);
  } catch (err) {
    if (err instanceof MnemonicError) throw new PresentationError(`unknown record type ${JSON.stringify(type)}`);
    throw err;
  }
  if (sharedReaderBusy) return readRdata(code, new TokenReader(tokens, origin, typeToString(code)));
  sharedReaderBusy = true;
  try {
    return readRdata(code, sharedReader.reset(tokens, origin, typeToString(code)));
  } finally {
    sharedReader.tokens = NO_TOKENS;
    sharedReaderBusy = false;
  }
}

function readRdata(code: number, reader: TokenReader): RecordData {
  const name = recordTypeToString(code);
  if (code === 41) reader.failAt(undefined, 'OPT is a pseudo-record and has no presentation form');
  if (isGenericRdata(reader)) {
    const bytes = readGenericRdata(reader);
    if (!isTypedType(name)) return bytes;
    try {
      return decodeRdata(code, bytes);
    } catch (err) {
      if (err instanceof WireError) reader.failAt(0, `generic rdata is not valid ${name} rdata: ${err.message}`);
      throw err;
    }
  }
  const parse = RDATA_PARSERS.get(name);
  if (parse === undefined) {
    reader.failAt(0, `no presentation format is known for this type; write its rdata as \\# <length> <hex> (RFC 3597)`);
  }
  const data = parse(reader);
  reader.end();
  return data;
}

/** The wire bytes of typed rdata, for printing it in generic form. */
function typedRdataBytes(rr: TypedRecord): Uint8Array {
  try {
    return encodeRdata(rr);
  } catch (err) {
    if (err instanceof WireError) throw new PresentationError(`${rr.type}: cannot print invalid rdata: ${err.message}`);
    throw err;
  }
}

/**
 * The rdata of a record as kdig prints it. Types without typed rdata, and typed data that
 * has no typed text form reading back to the same data, are printed as `\# <length> <hex>`.
 * Throws PresentationError for data no encoder would accept either.
 */
export function rdataToText(rr: ResourceRecord): string {
  if (rr.type === 'OPT') throw new PresentationError('OPT is a pseudo-record and has no rdata text; see messageToText');
  const data: unknown = rr.data;
  if (data instanceof Uint8Array) return formatGenericRdata(data);
  const typed = rr as TypedRecord;
  const format = RDATA_FORMATTERS[typed.type] as ((d: unknown) => string | null) | undefined;
  if (format === undefined) throw new PresentationError(`unknown record type ${JSON.stringify(rr.type)}`);
  if (data === null || data === undefined) throw new PresentationError(`${rr.type}: record has no rdata`);
  const text = format(data);
  return text ?? formatGenericRdata(typedRdataBytes(typed));
}
