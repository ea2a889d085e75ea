import { WireError } from './errors.js';
import { LABEL_BYTE_PLAIN, LABEL_BYTE_TEXT, MAX_NAME_LENGTH } from './name.js';

/**
 * Bounds-checked reading of a DNS message. Every read checks against `limit` (the message
 * end, or the end of the rdata being decoded) and throws WireError, so no decoder can
 * read garbage or raise RangeError.
 */

/**
 * A chain of compression pointers can never be longer than this: 127 one-octet labels fill
 * a 255-octet name, so no legitimate name needs more jumps than it has labels.
 */
const MAX_POINTER_HOPS = 127;

/**
 * Names already decoded in the current message, by the offset they start at, so repeated
 * pointers to the question name (every answer's owner) cost one lookup. Module state is
 * safe because decoding is synchronous and never re-entered; each new Reader (one per
 * message) empties it.
 */
const CACHE_SIZE = 32;
const cacheOffsets = new Int32Array(CACHE_SIZE);
const cacheNames: string[] = new Array<string>(CACHE_SIZE).fill('');
const cacheLengths = new Uint16Array(CACHE_SIZE);
let cacheCount = 0;

function cacheFind(offset: number): number {
  for (let i = cacheCount - 1; i >= 0; i--) if (cacheOffsets[i] === offset) return i;
  return -1;
}

/** Scratch for the character codes of one name or string. */
const nameCodes: number[] = new Array<number>(1024).fill(0);
/** Exact-length argument lists for longer strings, one per length seen. */
const codesOfLength: number[][] = [];
const MAX_CACHED_ARGS = 256;
const fromCharCode = String.fromCharCode;

/**
 * The string of the first `n` codes in `nameCodes`, always a flat string: a rope (what
 * joining pieces of 13 characters or more makes) is flattened by the first hash or
 * charCodeAt, a copy per name, and a substring of a longer string stays a view whose every
 * hash and comparison goes through its parent. A call with a fixed number of arguments is
 * about twice as fast as `apply`, and faster than joining shorter calls, so strings of up
 * to 32 characters (most names) take one call of their exact arity; longer ones go through
 * an exact-length array and `apply`.
 */
function codesToString(n: number): string {
  const c = nameCodes;
  // prettier-ignore
  switch (n) {
    case 0: return '';
    case 1: return fromCharCode(c[0]);
    case 2: return fromCharCode(c[0], c[1]);
    case 3: return fromCharCode(c[0], c[1], c[2]);
    case 4: return fromCharCode(c[0], c[1], c[2], c[3]);
    case 5: return fromCharCode(c[0], c[1], c[2], c[3], c[4]);
    case 6: return fromCharCode(c[0], c[1], c[2], c[3], c[4], c[5]);
    case 7: return fromCharCode(c[0], c[1], c[2], c[3], c[4], c[5], c[6]);
    case 8: return fromCharCode(c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7]);
    case 9: return fromCharCode(c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7], c[8]);
    case 10: return fromCharCode(c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7], c[8], c[9]);
    case 11: return fromCharCode(c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7], c[8], c[9], c[10]);
    case 12: return fromCharCode(c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7], c[8], c[9], c[10], c[11]);
    case 13: return fromCharCode(c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7], c[8], c[9], c[10], c[11], c[12]);
    case 14: return fromCharCode(c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7], c[8], c[9], c[10], c[11], c[12], c[13]);
    case 15: return fromCharCode(c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7], c[8], c[9], c[10], c[11], c[12], c[13], c[14]);
    case 16: return fromCharCode(c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7], c[8], c[9], c[10], c[11], c[12], c[13], c[14], c[15]);
    case 17: return fromCharCode(c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7], c[8], c[9], c[10], c[11], c[12], c[13], c[14], c[15], c[16]);
    case 18: return fromCharCode(c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7], c[8], c[9], c[10], c[11], c[12], c[13], c[14], c[15], c[16], c[17]);
    case 19: return fromCharCode(c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7], c[8], c[9], c[10], c[11], c[12], c[13], c[14], c[15], c[16], c[17], c[18]);
    case 20: return fromCharCode(c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7], c[8], c[9], c[10], c[11], c[12], c[13], c[14], c[15], c[16], c[17], c[18], c[19]);
    case 21: return fromCharCode(c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7], c[8], c[9], c[10], c[11], c[12], c[13], c[14], c[15], c[16], c[17], c[18], c[19], c[20]);
    case 22: return fromCharCode(c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7], c[8], c[9], c[10], c[11], c[12], c[13], c[14], c[15], c[16], c[17], c[18], c[19], c[20], c[21]);
    case 23: return fromCharCode(c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7], c[8], c[9], c[10], c[11], c[12], c[13], c[14], c[15], c[16], c[17], c[18], c[19], c[20], c[21], c[22]);
    case 24: return fromCharCode(c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7], c[8], c[9], c[10], c[11], c[12], c[13], c[14], c[15], c[16], c[17], c[18], c[19], c[20], c[21], c[22], c[23]);
    case 25: return fromCharCode(c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7], c[8], c[9], c[10], c[11], c[12], c[13], c[14], c[15], c[16], c[17], c[18], c[19], c[20], c[21], c[22], c[23], c[24]);
    case 26: return fromCharCode(c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7], c[8], c[9], c[10], c[11], c[12], c[13], c[14], c[15], c[16], c[17], c[18], c[19], c[20], c[21], c[22], c[23], c[24], c[25]);
    case 27: return fromCharCode(c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7], c[8], c[9], c[10], c[11], c[12], c[13], c[14], c[15], c[16], c[17], c[18], c[19], c[20], c[21], c[22], c[23], c[24], c[25], c[26]);
    case 28: return fromCharCode(c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7], c[8], c[9], c[10], c[11], c[12], c[13], c[14], c[15], c[16], c[17], c[18], c[19], c[20], c[21], c[22], c[23], c[24], c[25], c[26], c[27]);
    case 29: return fromCharCode(c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7], c[8], c[9], c[10], c[11], c[12], c[13], c[14], c[15], c[16], c[17], c[18], c[19], c[20], c[21], c[22], c[23], c[24], c[25], c[26], c[27], c[28]);
    case 30: return fromCharCode(c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7], c[8], c[9], c[10], c[11], c[12], c[13], c[14], c[15], c[16], c[17], c[18], c[19], c[20], c[21], c[22], c[23], c[24], c[25], c[26], c[27], c[28], c[29]);
    case 31: return fromCharCode(c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7], c[8], c[9], c[10], c[11], c[12], c[13], c[14], c[15], c[16], c[17], c[18], c[19], c[20], c[21], c[22], c[23], c[24], c[25], c[26], c[27], c[28], c[29], c[30]);
    case 32: return fromCharCode(c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7], c[8], c[9], c[10], c[11], c[12], c[13], c[14], c[15], c[16], c[17], c[18], c[19], c[20], c[21], c[22], c[23], c[24], c[25], c[26], c[27], c[28], c[29], c[30], c[31]);
  }
  // Only lengths that real names reach get a cached array; heavily escaped names (up to
  // ~1000 characters) take a fresh copy instead of growing the cache.
  if (n > MAX_CACHED_ARGS) return fromCharCode(...c.slice(0, n));
  let args = codesOfLength[n];
  if (args === undefined) args = codesOfLength[n] = new Array<number>(n).fill(0);
  for (let i = 0; i < n; i++) args[i] = c[i];
  return fromCharCode(...args);
}

export class Reader {
  /** reads may not go past this offset; narrowed to the rdata end while decoding rdata */
  limit: number;
  /** false for rdata decoded outside a message, where a pointer has nothing to point into */
  allowPointers = true;
  /** set while decoding rdata, so running short is blamed on the rdata, not the message */
  inRdata = false;
  /**
   * Whether names are remembered for later pointers to them. A plain query (one question,
   * at most an OPT record, whose owner is the root) has nothing that could point back, and
   * storing its name in the module's cache would keep it alive past the next collection.
   */
  cacheNames = true;

  constructor(
    public buf: Uint8Array,
    public pos: number,
  ) {
    this.limit = buf.length;
    cacheCount = 0;
  }

  /** Points this reader at a new message (one Reader serves every decode). */
  reset(buf: Uint8Array, pos: number): this {
    this.buf = buf;
    this.pos = pos;
    this.limit = buf.length;
    this.allowPointers = true;
    this.inRdata = false;
    this.cacheNames = true;
    cacheCount = 0;
    return this;
  }

  /** The error for a read past the limit: the message ended, or the rdata did. */
  short(at: number): WireError {
    return new WireError(this.inRdata ? 'rdata shorter than its fields' : 'message truncated', at);
  }

  /** Throws unless `n` more bytes are available before the limit. */
  need(n: number): void {
    if (this.pos + n > this.limit) throw this.short(this.pos);
  }

  u8(): number {
    if (this.pos + 1 > this.limit) throw this.short(this.pos);
    return this.buf[this.pos++];
  }

  u16(): number {
    const p = this.pos;
    if (p + 2 > this.limit) throw this.short(p);
    this.pos = p + 2;
    return (this.buf[p] << 8) | this.buf[p + 1];
  }

  u32(): number {
    const p = this.pos;
    if (p + 4 > this.limit) throw this.short(p);
    this.pos = p + 4;
    const b = this.buf;
    return b[p] * 0x1000000 + ((b[p + 1] << 16) | (b[p + 2] << 8) | b[p + 3]);
  }

  /** 48-bit unsigned (TSIG time); exact in a double. */
  u48(): number {
    const high = this.u16();
    return high * 0x100000000 + this.u32();
  }

  /**
   * A copy of the next `n` bytes, always a plain Uint8Array: decoded records never alias
   * the input (a Node Buffer's slice would be a view).
   */
  bytes(n: number): Uint8Array {
    const p = this.pos;
    if (n < 0 || p + n > this.limit) throw this.short(p);
    this.pos = p + n;
    const out = new Uint8Array(n);
    out.set(this.buf.subarray(p, p + n));
    return out;
  }

  /** The bytes up to the limit. */
  rest(): Uint8Array {
    return this.bytes(this.limit - this.pos);
  }

  /** A <character-string> (RFC 1035 3.3) as raw bytes. */
  characterBytes(): Uint8Array {
    return this.bytes(this.u8());
  }

  /** A <character-string> as a string holding one character per byte (latin1), so it round-trips. */
  characterString(): string {
    const n = this.u8();
    return this.latin1(n);
  }

  latin1(n: number): string {
    const p = this.pos;
    if (p + n > this.limit) throw this.short(p);
    this.pos = p + n;
    const b = this.buf;
    const codes = nameCodes;
    for (let i = 0; i < n; i++) codes[i] = b[p + i];
    return codesToString(n);
  }

  /**
   * A domain name, following compression pointers, in normalised presentation form. Each
   * pointer must point before the place the current stretch of labels started, so jumps
   * go strictly backwards and cannot loop; hops (<= 127) and the name's length (<= 255
   * octets) bound the work per name, so hostile pointers cannot make decoding quadratic.
   */
  name(): string {
    const b = this.buf;
    const start = this.pos;
    let p = start;
    let limit = this.limit;
    let frontier = start;
    let resume = -1;
    let hops = 0;
    let length = 1;
    // Character codes of the text so far; one String.fromCharCode per name is much cheaper
    // than concatenating a string per byte.
    const codes = nameCodes;
    let n = 0;
    let suffix = '';
    while (true) {
      if (p >= limit) throw this.short(p);
      const l = b[p];
      if (l === 0) {
        p++;
        break;
      }
      if (l >= 0xc0) {
        if (p + 1 >= limit) throw this.short(p);
        if (!this.allowPointers) throw new WireError('compression pointer outside a message', p);
        const target = ((l & 0x3f) << 8) | b[p + 1];
        if (target >= frontier) throw new WireError('compression pointer does not point backwards', p);
        if (++hops > MAX_POINTER_HOPS) throw new WireError('too many compression pointers', p);
        if (resume < 0) resume = p + 2;
        const hit = cacheFind(target);
        if (hit >= 0) {
          length += cacheLengths[hit] - 1;
          if (length > MAX_NAME_LENGTH) throw new WireError('name longer than 255 octets', p);
          suffix = cacheNames[hit];
          break;
        }
        frontier = target;
        p = target;
        // Earlier parts of the message are fair game even while decoding bounded rdata.
        limit = b.length;
        continue;
      }
      // 0x40 and 0x80 prefixes (lengths 64-191) are the reserved extended label types.
      if (l > 63) throw new WireError(`label length ${l} over 63 (reserved label type)`, p);
      const end = p + 1 + l;
      if (end > limit) throw this.short(p);
      length += l + 1;
      if (length > MAX_NAME_LENGTH) throw new WireError('name longer than 255 octets', p);
      for (let i = p + 1; i < end; i++) {
        const c = b[i];
        if (LABEL_BYTE_PLAIN[c] === 1) codes[n++] = c;
        else {
          const text = LABEL_BYTE_TEXT[c];
          for (let k = 0; k < text.length; k++) codes[n++] = text.charCodeAt(k);
        }
      }
      codes[n++] = 0x2e;
      p = end;
    }
    this.pos = resume >= 0 ? resume : p;
    let out: string;
    if (n === 0) out = suffix === '' ? '.' : suffix;
    else {
      out = codesToString(n);
      if (suffix !== '' && suffix !== '.') out += suffix;
    }
    if (this.cacheNames && cacheCount < CACHE_SIZE && start < 0x4000) {
      cacheOffsets[cacheCount] = start;
      cacheNames[cacheCount] = out;
      cacheLengths[cacheCount] = length;
      cacheCount++;
    }
    return out;
  }
}
