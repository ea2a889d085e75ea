import type { EdnsOption, OptRecord } from '../types.js';
import { encodeHex } from './binary-text.js';
import { kdigRcodeName } from './kdig-names.js';

/**
 * The EDNS PSEUDOSECTION as kdig prints it: a summary line, then one line per option.
 */

/** EDE info-code names as kdig prints them (RFC 8914 section 4 wording, Knot's capitals). */
// prettier-ignore
const EDE_NAMES: readonly string[] = [
  'Other', 'Unsupported DNSKEY Algorithm', 'Unsupported DS Digest Type', 'Stale Answer',
  'Forged Answer', 'DNSSEC Indeterminate', 'DNSSEC Bogus', 'Signature Expired',
  'Signature Not Yet Valid', 'DNSKEY Missing', 'RRSIGs Missing', 'No Zone Key Bit Set',
  'NSEC Missing', 'Cached Error', 'Not Ready', 'Blocked', 'Censored', 'Filtered', 'Prohibited',
  'Stale NXDOMAIN Answer', 'Not Authoritative', 'Not Supported', 'No Reachable Authority',
  'Network Error', 'Invalid Data', 'Signature Expired before Valid', 'Too Early',
  'Unsupported NSEC3 Iterations Value', 'Unable to conform to policy', 'Synthesized',
];

const CODE_EXPIRE = 9;
const CODE_CLIENT_SUBNET = 8;
const DO_BIT = 0x8000;
const decoder = new TextDecoder();

function isPrintable(bytes: Uint8Array): boolean {
  for (let i = 0; i < bytes.length; i++) if (bytes[i] < 0x20 || bytes[i] > 0x7e) return false;
  return true;
}

const INTERVAL_UNITS: ReadonlyArray<readonly [string, number]> = [
  ['week', 604800],
  ['day', 86400],
  ['hour', 3600],
  ['minute', 60],
  ['second', 1],
];

/** kdig's "human" interval: "1 week 2 days 3 hours 1 second" */
function humanInterval(seconds: number): string {
  const parts: string[] = [];
  let rest = seconds;
  for (const [name, size] of INTERVAL_UNITS) {
    const n = Math.floor(rest / size);
    if (n > 0) {
      parts.push(`${n} ${name}${n > 1 ? 's' : ''}`);
      rest -= n * size;
    }
  }
  return parts.join(' ');
}

function optionLine(o: EdnsOption): string {
  switch (o.type) {
    case 'NSID':
      // kdig: hex, then the text itself in quotes (unescaped) when it is all printable
      return ';; NSID: ' + (o.data.length === 0 ? '' : encodeHex(o.data) + (isPrintable(o.data) ? ` "${decoder.decode(o.data)}"` : ''));
    case 'CLIENT_SUBNET':
      return `;; CLIENT-SUBNET: ${o.ip}/${o.sourcePrefixLength}/${o.scopePrefixLength}`;
    case 'COOKIE':
      return ';; COOKIE: ' + encodeHex(o.client) + (o.server === undefined ? '' : encodeHex(o.server));
    case 'PADDING':
      return `;; PADDING: ${o.length} B`;
    case 'EDE': {
      const name = EDE_NAMES[o.infoCode] ?? 'Unknown code';
      return `;; EDE: ${o.infoCode} (${name})` + (o.extraText.length > 0 ? `: '${o.extraText}'` : '');
    }
    case 'TCP_KEEPALIVE': {
      // kdig has no keepalive printer: it shows the raw option like any unknown one.
      const data = o.timeout === undefined ? '' : encodeHex(Uint8Array.of(o.timeout >> 8, o.timeout & 0xff));
      return `;; Option (11): ${data}`;
    }
    case undefined:
      if (o.code === CODE_CLIENT_SUBNET) {
        // an address family kdig cannot show (neither IPv4 nor IPv6)
        return ';; CLIENT-SUBNET: ';
      }
      if (o.code === CODE_EXPIRE) {
        if (o.data.length === 0) return ';; EXPIRE: (empty)';
        if (o.data.length !== 4) return ';; EXPIRE: (malformed)';
        const timer = ((o.data[0] << 24) >>> 0) + ((o.data[1] << 16) | (o.data[2] << 8) | o.data[3]);
        return timer === 0 ? ';; EXPIRE: 0' : `;; EXPIRE: ${timer} (${humanInterval(timer)})`;
      }
      return `;; Option (${o.code}): ${encodeHex(o.data)}`;
  }
}

/** The EDNS flag names: "do", then "bitN" for any other bit set (N counted from the top bit, 1-based). */
function ednsFlags(flags: number): string {
  const names: string[] = [];
  for (let bit = 1, mask = 0x8000; mask !== 0; bit++, mask >>= 1) {
    if ((flags & mask) === 0) continue;
    names.push(mask === DO_BIT ? 'do' : `bit${bit}`);
  }
  return names.join(' ');
}

/** The lines after ";; EDNS PSEUDOSECTION:" (each ending in a newline). */
export function ednsSectionText(opt: OptRecord, headerRcode: number): string {
  // kdig names the combined rcode only when the extended bits are set.
  const extended = opt.extendedRcode > 0 ? kdigRcodeName((opt.extendedRcode << 4) | headerRcode, false) : 'NOERROR';
  let out = `;; Version: ${opt.ednsVersion}; flags: ${ednsFlags(opt.flags)}; UDP size: ${opt.udpPayloadSize} B; ext-rcode: ${extended}\n`;
  for (const o of opt.options) out += optionLine(o) + '\n';
  return out;
}
