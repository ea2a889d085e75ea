import { MnemonicError, typeToNumber, typeToString } from '../constants.js';
import { encodeRdata } from '../encode.js';
import { WireError } from '../errors.js';
import type { OptRecord, Question, ResourceRecord } from '../types.js';
import { formatGenericRdata } from './generic.js';
import { rdataToText } from './rdata-text.js';
import { PresentationError } from './token.js';

/**
 * Whole records and questions in the line format kdig prints: the owner padded to 20
 * columns and followed by a tab (a space once the owner is 32 characters or longer), the
 * TTL, the class padded to two columns, the type and the rdata, tab-separated.
 */

function owner(name: string): string {
  return name.padEnd(20) + (name.length < 32 ? '\t' : ' ');
}

/**
 * The type column. Records of types without typed rdata carry 'TYPEnnn'; their mnemonic is
 * printed when one exists, as kdig does ('LOC \# 16 ...' is valid RFC 3597 text).
 */
function typeColumn(type: string): string {
  if (!type.startsWith('TYPE')) return type;
  try {
    return typeToString(typeToNumber(type));
  } catch (err) {
    if (err instanceof MnemonicError) throw new PresentationError(err.message);
    throw err;
  }
}

/**
 * An OPT record has no presentation form of its own; printed generically as it sits on the
 * wire (class = UDP payload size, TTL = extended rcode, version and flags), so no field is
 * hidden. messageToText prints the readable EDNS pseudo-section instead.
 */
function optToText(opt: OptRecord): string {
  let options: Uint8Array;
  try {
    options = encodeRdata(opt);
  } catch (err) {
    if (err instanceof WireError) throw new PresentationError(`OPT: cannot print invalid options: ${err.message}`);
    throw err;
  }
  const ttl = opt.extendedRcode * 0x1000000 + ((opt.ednsVersion << 16) | opt.flags);
  return `${owner(opt.name)}${ttl}\tCLASS${opt.udpPayloadSize}\tOPT\t${formatGenericRdata(options)}`;
}

/** One record as a kdig line (without newline). Throws PresentationError for invalid data. */
export function recordToText(rr: ResourceRecord): string {
  if (typeof rr.name !== 'string' || rr.name.length === 0) throw new PresentationError('record owner must be a domain name');
  if (rr.type === 'OPT') return optToText(rr as OptRecord);
  if (typeof rr.class !== 'string') throw new PresentationError(`${rr.type}: class must be a mnemonic string`);
  if (!Number.isInteger(rr.ttl) || rr.ttl < 0 || rr.ttl > 0xffffffff) {
    throw new PresentationError(`${rr.type}: TTL must be an integer 0-4294967295, got ${String(rr.ttl)}`);
  }
  return `${owner(rr.name)}${rr.ttl}\t${rr.class.padEnd(2)}\t${typeColumn(rr.type)}\t${rdataToText(rr)}`;
}

/** A question as kdig prints it in the QUESTION SECTION (without the leading ';; '). */
export function questionToText(q: Question): string {
  return `${owner(q.name)}\t${q.class.padEnd(2)}\t${q.type}`;
}
