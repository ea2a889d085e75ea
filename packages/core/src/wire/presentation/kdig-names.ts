import { opcodeToString, rcodeToString } from '../constants.js';

/**
 * Rcode and opcode names spelled as kdig prints them. They are the registry names the
 * codec uses, except that kdig writes NOTIMPL for NOTIMP, BADSIG for 16 when the message is
 * TSIG-signed, and "RCODE 12"/"OPCODE 7" with a space for numbers without a name.
 */

const NOTIMP = 4;
const BADSIG = 16;

export function kdigRcodeName(rcode: number, tsig: boolean): string {
  if (rcode === NOTIMP) return 'NOTIMPL';
  if (tsig && rcode === BADSIG) return 'BADSIG';
  const name = rcodeToString(rcode);
  return name.startsWith('RCODE') ? `RCODE ${rcode}` : name;
}

export function kdigOpcodeName(opcode: number): string {
  const name = opcodeToString(opcode);
  return name.startsWith('OPCODE') ? `OPCODE ${opcode}` : name;
}
