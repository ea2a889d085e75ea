import { getOpt } from './edns.js';
import { WireError } from './errors.js';
import type { Message } from './types.js';

/**
 * Reading and setting fields of the header flags word (RFC 1035 4.1.1):
 *   QR | Opcode(4) | AA | TC | RD | RA | Z | AD | CD | RCODE(4)
 * The functions take anything with a `flags` field, so they work on a Message and on the
 * bare header `decodeHeader` returns.
 */
interface HasFlags {
  flags: number;
}

const OPCODE_SHIFT = 11;
const OPCODE_MASK = 0xf << OPCODE_SHIFT;
const RCODE_MASK = 0xf;

export function getOpcode(h: HasFlags): number {
  return (h.flags & OPCODE_MASK) >> OPCODE_SHIFT;
}

export function setOpcode(h: HasFlags, opcode: number): void {
  if ((opcode & 0xf) !== opcode) throw new WireError(`opcode ${opcode} does not fit 4 bits`, -1);
  h.flags = (h.flags & ~OPCODE_MASK & 0xffff) | (opcode << OPCODE_SHIFT);
}

/** Whether a flag bit (see `Flag`) is set. */
export function hasFlag(h: HasFlags, flag: number): boolean {
  return (h.flags & flag) !== 0;
}

export function setFlag(h: HasFlags, flag: number, on = true): void {
  h.flags = on ? (h.flags | flag) & 0xffff : h.flags & ~flag & 0xffff;
}

/**
 * The full 12-bit rcode: the header's low 4 bits plus, when the message has an OPT record,
 * its 8 extended bits (RFC 6891 6.1.3).
 */
export function getRcode(msg: Message): number {
  const opt = getOpt(msg);
  const low = msg.flags & RCODE_MASK;
  return opt === undefined ? low : (opt.extendedRcode << 4) | low;
}

/**
 * Sets the rcode, splitting it between the header and the OPT record. An rcode above 15
 * (BADVERS, BADCOOKIE) can only be sent with an OPT record, so without one it throws.
 */
export function setRcode(msg: Message, rcode: number): void {
  if ((rcode & 0xfff) !== rcode) throw new WireError(`rcode ${rcode} does not fit 12 bits`, -1);
  const opt = getOpt(msg);
  if (opt === undefined) {
    if (rcode > RCODE_MASK) throw new WireError(`rcode ${rcode} needs an OPT record`, -1);
  } else {
    opt.extendedRcode = rcode >> 4;
  }
  msg.flags = (msg.flags & ~RCODE_MASK & 0xffff) | (rcode & RCODE_MASK);
}
