import { FLAG_NAMES } from '../constants.js';
import { getOpt } from '../edns.js';
import { getOpcode } from '../header.js';
import type { Message, ResourceRecord, TsigData } from '../types.js';
import { ednsSectionText } from './edns-text.js';
import { kdigOpcodeName, kdigRcodeName } from './kdig-names.js';
import { questionToText, recordToText } from './record-text.js';

/**
 * A whole message as kdig prints it with its default options, up to and without the footer
 * (";; Received ... B", time and server, which a decoded message does not know).
 */

const NOTAUTH = 9;

function findTsig(msg: Message): Extract<ResourceRecord, { type: 'TSIG' }> | undefined {
  for (const rr of msg.additionals) if (rr.type === 'TSIG') return rr as Extract<ResourceRecord, { type: 'TSIG' }>;
  return undefined;
}

/** Records of a section except the pseudo-records kdig shows elsewhere. */
function sectionText(records: readonly ResourceRecord[]): string {
  let out = '';
  for (const rr of records) {
    if (rr.type === 'OPT' || rr.type === 'TSIG') continue;
    out += recordToText(rr) + '\n';
  }
  return out;
}

export function messageToText(msg: Message): string {
  const opt = getOpt(msg);
  const tsig = findTsig(msg);
  const headerRcode = msg.flags & 0xf;
  let rcode = opt === undefined ? headerRcode : (opt.extendedRcode << 4) | headerRcode;
  // kdig reports a TSIG failure (sent as NOTAUTH) by the TSIG error.
  if (rcode === NOTAUTH && tsig !== undefined && (tsig.data as TsigData).error !== 0) {
    rcode = (tsig.data as TsigData).error;
  }
  let flags = '';
  for (const [bit, name] of FLAG_NAMES) if ((msg.flags & bit) !== 0) flags += ' ' + name;

  let out =
    `;; ->>HEADER<<- opcode: ${kdigOpcodeName(getOpcode(msg))}; status: ${kdigRcodeName(rcode, tsig !== undefined)}; id: ${msg.id}\n` +
    `;; Flags:${flags || ' '}; QUERY: ${msg.questions.length}; ANSWER: ${msg.answers.length}; ` +
    `AUTHORITY: ${msg.authorities.length}; ADDITIONAL: ${msg.additionals.length}\n`;

  if (opt !== undefined) out += '\n;; EDNS PSEUDOSECTION:\n' + ednsSectionText(opt, headerRcode);
  if (msg.questions.length > 0) {
    // kdig shows only the first question; a message with several shows them all here.
    out += '\n;; QUESTION SECTION:\n';
    for (const q of msg.questions) out += ';; ' + questionToText(q) + '\n';
  }
  if (msg.answers.length > 0) out += '\n;; ANSWER SECTION:\n' + sectionText(msg.answers);
  if (msg.authorities.length > 0) out += '\n;; AUTHORITY SECTION:\n' + sectionText(msg.authorities);
  // kdig omits the section when the OPT record is all it holds (the TSIG record not counted).
  const additionalCount = msg.additionals.length - (tsig === undefined ? 0 : 1);
  if (additionalCount > 0 && !(opt !== undefined && additionalCount === 1)) {
    out += '\n;; ADDITIONAL SECTION:\n' + sectionText(msg.additionals);
  }
  if (tsig !== undefined) out += '\n;; TSIG PSEUDOSECTION:\n' + recordToText(tsig) + '\n';
  return out;
}
