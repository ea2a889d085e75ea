/**
 * Prints records as a master file, one record a line in the form kdig prints (see
 * recordToText), which `readZone`/`parseZone` read back to the same records. With an
 * `origin`, the file starts with `$ORIGIN` and names at or below it are written relative
 * (`@` for the origin itself), owners and the domain names inside rdata alike.
 */
import { isSubdomain, parseName } from '../wire/name.js';
import { recordToText } from '../wire/presentation/record-text.js';
import type { ResourceRecord } from '../wire/types.js';
import type { ZoneRecord } from './reader.js';

export interface WriteZoneOptions {
  /** write `$ORIGIN` first and names relative to it */
  origin?: string;
}

const DOT = 0x2e;
/** How generic rdata starts in a recordToText line (a tab never occurs unescaped elsewhere). */
const GENERIC_RDATA = '\t\\# ';
const BACKSLASH = 0x5c;

/**
 * The lines of the master file, each ending in a newline, for streaming large zones.
 * Throws PresentationError for a record whose data cannot be printed, NameError for a bad origin.
 */
export function* formatZone(
  records: Iterable<ZoneRecord>,
  options: WriteZoneOptions = {},
): Generator<string> {
  if (options.origin === undefined) {
    for (const rr of records) yield recordToText(rr) + '\n';
    return;
  }
  const origin = parseName(options.origin);
  yield `$ORIGIN ${origin}\n`;
  for (const rr of records) {
    let line = recordToText(relativeRecord(rr, origin));
    // Data without a typed text form is printed as RFC 3597 hex of its wire form, which
    // would encode the relative spellings as labels: print the original data then.
    if (line.includes(GENERIC_RDATA))
      line = recordToText({ ...rr, name: relativeName(rr.name, origin) } as ZoneRecord);
    yield line + '\n';
  }
}

/** The whole master file as one string. */
export function writeZone(records: Iterable<ZoneRecord>, options: WriteZoneOptions = {}): string {
  let text = '';
  for (const line of formatZone(records, options)) text += line;
  return text;
}

/**
 * `name` relative to `origin` when that reads back to exactly `name`: `@` for the origin,
 * the leading labels for names below it, spelled as in `name`. Otherwise `name` itself
 * (names outside the origin, and those whose origin part differs in letter case, which a
 * reader would give the origin's case).
 */
export function relativeName(name: string, origin: string): string {
  if (name === origin) return '@';
  if (origin === '.') return name === '.' ? '@' : name.slice(0, -1);
  const cut = name.length - origin.length - 1;
  if (cut < 1 || !name.endsWith(origin) || name.charCodeAt(cut) !== DOT || !isSubdomain(name, origin))
    return name;
  // The dot before the origin must separate labels, not be an escaped `\.` inside one.
  let backslashes = 0;
  for (let j = cut - 1; j >= 0 && name.charCodeAt(j) === BACKSLASH; j--) backslashes++;
  return (backslashes & 1) === 0 ? name.slice(0, cut) : name;
}

/** A copy of `rr` with its owner and rdata names relative to `origin`. */
function relativeRecord(rr: ZoneRecord, origin: string): ResourceRecord {
  const rel = (name: string): string => relativeName(name, origin);
  const copy = { ...rr, name: rel(rr.name) } as ZoneRecord;
  switch (copy.type) {
    case 'NS':
    case 'CNAME':
    case 'DNAME':
    case 'PTR':
      copy.data = rel(copy.data);
      break;
    case 'SOA':
      copy.data = { ...copy.data, mname: rel(copy.data.mname), rname: rel(copy.data.rname) };
      break;
    case 'MX':
      copy.data = { ...copy.data, exchange: rel(copy.data.exchange) };
      break;
    case 'SRV':
      copy.data = { ...copy.data, target: rel(copy.data.target) };
      break;
    case 'NAPTR':
      copy.data = { ...copy.data, replacement: rel(copy.data.replacement) };
      break;
    case 'RRSIG':
      copy.data = { ...copy.data, signersName: rel(copy.data.signersName) };
      break;
    case 'NSEC':
      copy.data = { ...copy.data, nextDomain: rel(copy.data.nextDomain) };
      break;
    case 'SVCB':
    case 'HTTPS':
      copy.data = { ...copy.data, target: rel(copy.data.target) };
      break;
    default:
      break;
  }
  return copy;
}
