/**
 * Domain names as strings in presentation form.
 *
 * Every name the codec hands out is absolute (trailing dot; the root is ".") and uses one
 * normalised escaping, so equal wire names give equal strings up to letter case:
 *  - the bytes `. \ " ( ) ; @ $` are written `\.` `\\` `\"` `\(` `\)` `\;` `\@` `\$`
 *    (they mean something in master files);
 *  - bytes below 0x21 (space included) and above 0x7e are written `\DDD` (three decimals);
 *  - every other byte is the character itself, in the case it had on the wire.
 * Because escapes never hide a letter, ASCII lowercasing the string is exactly the DNS
 * case-insensitive fold (RFC 4343), which `nameKey` relies on.
 */

/** Thrown for a malformed name: bad escape, empty or over-long label, over-long name. */
export class NameError extends Error {
  override readonly name = 'NameError';
  constructor(
    message: string,
    /** the text that was being parsed */
    readonly input: string,
  ) {
    super(`${message}: ${JSON.stringify(input)}`);
  }
}

export const MAX_LABEL_LENGTH = 63;
/** RFC 1035 2.3.4: 255 octets of wire form, length octets and the root's zero included. */
export const MAX_NAME_LENGTH = 255;

const BACKSLASH = 0x5c;
const DOT = 0x2e;

/** Presentation text of each byte value inside a label (see the module comment). */
export const LABEL_BYTE_TEXT: readonly string[] = (() => {
  const table: string[] = [];
  for (let b = 0; b < 256; b++) {
    if (b < 0x21 || b > 0x7e) table.push('\\' + String(b).padStart(3, '0'));
    else if ('.\\"();@$'.includes(String.fromCharCode(b))) table.push('\\' + String.fromCharCode(b));
    else table.push(String.fromCharCode(b));
  }
  return table;
})();

/** 1 for bytes that stand for themselves in a label, 0 for bytes that need an escape. */
export const LABEL_BYTE_PLAIN: Uint8Array = (() => {
  const table = new Uint8Array(256);
  for (let b = 0; b < 256; b++) table[b] = LABEL_BYTE_TEXT[b].length === 1 ? 1 : 0;
  return table;
})();

function isDigit(c: number): boolean {
  return c >= 0x30 && c <= 0x39;
}

/**
 * Reads the escape starting at text[i] (a backslash). Returns the byte it stands for and
 * stores the index after the escape in `escapeEnd`; returns -1 for a malformed escape.
 * A module variable instead of a result object keeps this allocation-free.
 */
let escapeEnd = 0;
function readEscape(text: string, i: number): number {
  const c1 = text.charCodeAt(i + 1);
  if (Number.isNaN(c1)) return -1;
  if (isDigit(c1)) {
    const c2 = text.charCodeAt(i + 2);
    const c3 = text.charCodeAt(i + 3);
    if (!isDigit(c2) || !isDigit(c3)) return -1;
    const value = (c1 - 48) * 100 + (c2 - 48) * 10 + (c3 - 48);
    if (value > 255) return -1;
    escapeEnd = i + 4;
    return value;
  }
  if (c1 < 0x20 || c1 > 0x7e) return -1;
  escapeEnd = i + 2;
  return c1;
}

let cachedOrigin = '.';
let cachedOriginLength = 1;

function originWireLength(origin: string): number {
  if (origin === cachedOrigin) return cachedOriginLength;
  if (origin.charCodeAt(origin.length - 1) !== DOT || parseName(origin) !== origin) {
    // Origins come from our own output (parseName, decoders), so anything else is a bug upstream.
    throw new NameError('origin must be an absolute name in normalised presentation form', origin);
  }
  cachedOrigin = origin;
  cachedOriginLength = nameWireLength(origin);
  return cachedOriginLength;
}

/**
 * Parses a name typed by a human or read from a master file and returns it absolute and
 * normalised. `@` alone means `origin`; a name without a trailing dot is relative to
 * `origin` (default: the root). Throws NameError for bad escapes, empty labels, labels over
 * 63 octets, names over 255 octets, and characters outside printable ASCII (IDNs must come
 * in as punycode).
 */
export function parseName(text: string, origin = '.'): string {
  if (text === '@') {
    originWireLength(origin);
    return origin;
  }
  if (text === '.') return '.';
  const n = text.length;
  if (n === 0) throw new NameError('empty name', text);

  let out = '';
  let copiedTo = 0;
  let labelLength = 0;
  let wireLength = 1;
  let absolute = false;
  let i = 0;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (c === DOT) {
      if (labelLength === 0) throw new NameError('empty label', text);
      wireLength += labelLength + 1;
      labelLength = 0;
      i++;
      if (i === n) absolute = true;
      continue;
    }
    let byte: number;
    let next: number;
    if (c === BACKSLASH) {
      byte = readEscape(text, i);
      if (byte < 0) throw new NameError('bad escape', text);
      next = escapeEnd;
    } else {
      if (c < 0x20 || c > 0x7e) throw new NameError('character outside printable ASCII', text);
      byte = c;
      next = i + 1;
    }
    const normal = LABEL_BYTE_TEXT[byte];
    // Only rewrite when the source spelling differs from the normal one (rare).
    if (next - i !== normal.length || (normal.length === 1 ? c !== byte : text.slice(i, next) !== normal)) {
      out += text.slice(copiedTo, i) + normal;
      copiedTo = next;
    }
    if (++labelLength > MAX_LABEL_LENGTH) throw new NameError('label longer than 63 octets', text);
    i = next;
  }
  if (copiedTo === 0) out = text;
  else out += text.slice(copiedTo);

  if (absolute) {
    if (wireLength > MAX_NAME_LENGTH) throw new NameError('name longer than 255 octets', text);
    return out;
  }
  wireLength += labelLength + 1;
  const total = wireLength - 1 + originWireLength(origin);
  if (total > MAX_NAME_LENGTH) throw new NameError('name longer than 255 octets', text);
  return origin === '.' ? out + '.' : out + '.' + origin;
}

/**
 * The key for Maps and hashing: equal for names that DNS considers equal. Expects a
 * normalised name (as every name from this codec is).
 */
export function nameKey(name: string): string {
  // Most names arrive lowercase already. Looking for a capital first is cheaper than
  // toLowerCase, which leaves the engine's code for a runtime call even when it changes
  // nothing; the first capital hands the rest over to it.
  for (let i = 0; i < name.length; i++) {
    const c = name.charCodeAt(i);
    if ((c >= 0x41 && c <= 0x5a) || c > 0x7f) return name.toLowerCase();
  }
  return name;
}

function foldAscii(c: number): number {
  return c >= 0x41 && c <= 0x5a ? c | 0x20 : c;
}

/** Case-insensitive equality of two normalised names, without allocating. */
export function nameEquals(a: string, b: string): boolean {
  if (a === b) return true;
  const n = a.length;
  if (n !== b.length) return false;
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x !== y && foldAscii(x) !== foldAscii(y)) return false;
  }
  return true;
}

/** Whether the dot at `i` ends a label (it is not itself escaped by an odd run of backslashes). */
function isSeparator(name: string, i: number): boolean {
  let backslashes = 0;
  for (let j = i - 1; j >= 0 && name.charCodeAt(j) === BACKSLASH; j--) backslashes++;
  return (backslashes & 1) === 0;
}

/** Whether `child` is `parent` or below it. The root covers every name. */
export function isSubdomain(child: string, parent: string): boolean {
  if (parent === '.') return true;
  const cn = child.length;
  const pn = parent.length;
  if (cn < pn) return false;
  const offset = cn - pn;
  // Names are mostly compared in the same (lowercased) case, where the builtin suffix test
  // is several times faster than comparing character by character.
  if (!child.endsWith(parent)) {
    for (let i = 0; i < pn; i++) {
      const x = child.charCodeAt(offset + i);
      const y = parent.charCodeAt(i);
      if (x !== y && foldAscii(x) !== foldAscii(y)) return false;
    }
  }
  if (offset === 0) return true;
  return child.charCodeAt(offset - 1) === DOT && isSeparator(child, offset - 1);
}

/** Index just past the end of the label starting at `i` (at its separating dot). */
function labelEnd(name: string, i: number): number {
  const n = name.length;
  while (i < n) {
    const c = name.charCodeAt(i);
    if (c === DOT) return i;
    i += c === BACKSLASH ? (isDigit(name.charCodeAt(i + 1)) ? 4 : 2) : 1;
  }
  return n;
}

/** Number of labels, the root not counted: 'www.example.org.' -> 3, '.' -> 0. */
export function labelCount(name: string): number {
  if (name === '.') return 0;
  let count = 0;
  let i = 0;
  const n = name.length;
  while (i < n) {
    i = labelEnd(name, i) + 1;
    count++;
  }
  return count;
}

/** The labels in presentation form, escapes kept: 'a\.b.c.' -> ['a\.b', 'c']. */
export function splitLabels(name: string): string[] {
  const labels: string[] = [];
  if (name === '.') return labels;
  let i = 0;
  const n = name.length;
  while (i < n) {
    const end = labelEnd(name, i);
    labels.push(name.slice(i, end));
    i = end + 1;
  }
  return labels;
}

/** The name with its first label removed: 'www.example.org.' -> 'example.org.'. */
export function parentName(name: string): string {
  if (name === '.') throw new NameError('the root has no parent', name);
  const end = labelEnd(name, 0);
  return end + 1 >= name.length ? '.' : name.slice(end + 1);
}

/**
 * Wire length of a normalised absolute name: one octet per label byte, plus one length
 * octet per label, plus the root's zero.
 */
export function nameWireLength(name: string): number {
  if (name === '.') return 1;
  let length = 1;
  const n = name.length;
  let i = 0;
  while (i < n) {
    const c = name.charCodeAt(i);
    i += c === BACKSLASH ? (isDigit(name.charCodeAt(i + 1)) ? 4 : 2) : 1;
    length++;
  }
  return length;
}

/**
 * Writes the uncompressed wire form of `name` into `out` at `pos` and returns the position
 * after it, or -1 when the name is malformed or `out` is too short. With `lower`, ASCII
 * letters are lowercased (RFC 4034 6.2 canonical form). Accepts any valid escaping, not
 * just the normalised one, and relative names are treated as absolute.
 */
export function writeNameWire(name: string, out: Uint8Array, pos: number, lower: boolean): number {
  const limit = out.length;
  if (name === '.') {
    if (pos >= limit) return -1;
    out[pos] = 0;
    return pos + 1;
  }
  const start = pos;
  const n = name.length;
  if (n === 0) return -1;
  let i = 0;
  while (i < n) {
    const lengthAt = pos++;
    let labelLength = 0;
    while (i < n) {
      let c = name.charCodeAt(i);
      if (c === DOT) break;
      if (c === BACKSLASH) {
        c = readEscape(name, i);
        if (c < 0) return -1;
        i = escapeEnd;
      } else {
        if (c < 0x20 || c > 0x7e) return -1;
        i++;
      }
      if (pos >= limit) return -1;
      out[pos++] = lower && c >= 0x41 && c <= 0x5a ? c | 0x20 : c;
      labelLength++;
    }
    if (labelLength === 0 || labelLength > MAX_LABEL_LENGTH) return -1;
    out[lengthAt] = labelLength;
    i++; // the dot
  }
  if (pos >= limit) return -1;
  out[pos++] = 0;
  return pos - start > MAX_NAME_LENGTH ? -1 : pos;
}

const scratch = new Uint8Array(MAX_NAME_LENGTH + 64);

/** RFC 4034 6.2 canonical wire form: uncompressed, ASCII letters lowercased. */
export function nameToCanonicalWire(name: string): Uint8Array {
  const end = writeNameWire(name, scratch, 0, true);
  if (end < 0) throw new NameError('malformed name', name);
  return scratch.slice(0, end);
}

/**
 * RFC 4034 6.1 canonical order: compare label by label from the root, each label as a
 * lowercased octet string (a proper prefix sorts first); fewer labels sorts first.
 * Returns <0, 0 or >0.
 */
export function compareCanonical(a: string, b: string): number {
  if (a.indexOf('\\') < 0 && b.indexOf('\\') < 0) return comparePlain(a, b);
  return compareWire(nameToCanonicalWire(a), nameToCanonicalWire(b));
}

/** Without escapes every character is one octet, so labels compare as strings. */
function comparePlain(a: string, b: string): number {
  // Positions of the trailing dots of the current labels, walking leftwards.
  let ae = a.length - 1;
  let be = b.length - 1;
  if (a === '.') ae = -1;
  if (b === '.') be = -1;
  while (true) {
    if (ae < 0) return be < 0 ? 0 : -1;
    if (be < 0) return 1;
    const as = a.lastIndexOf('.', ae - 1) + 1;
    const bs = b.lastIndexOf('.', be - 1) + 1;
    const al = ae - as;
    const bl = be - bs;
    const common = al < bl ? al : bl;
    for (let i = 0; i < common; i++) {
      const x = foldAscii(a.charCodeAt(as + i));
      const y = foldAscii(b.charCodeAt(bs + i));
      if (x !== y) return x - y;
    }
    if (al !== bl) return al - bl;
    ae = as - 1;
    be = bs - 1;
  }
}

function labelStarts(wire: Uint8Array): number[] {
  const starts: number[] = [];
  let p = 0;
  while (wire[p] !== 0) {
    starts.push(p);
    p += wire[p] + 1;
  }
  return starts;
}

function compareWire(a: Uint8Array, b: Uint8Array): number {
  const as = labelStarts(a);
  const bs = labelStarts(b);
  let i = as.length - 1;
  let j = bs.length - 1;
  for (; i >= 0 && j >= 0; i--, j--) {
    const ap = as[i];
    const bp = bs[j];
    const al = a[ap];
    const bl = b[bp];
    const common = al < bl ? al : bl;
    for (let k = 1; k <= common; k++) {
      if (a[ap + k] !== b[bp + k]) return a[ap + k] - b[bp + k];
    }
    if (al !== bl) return al - bl;
  }
  return i - j;
}
