import { WireError } from './errors.js';
import { MAX_LABEL_LENGTH, MAX_NAME_LENGTH } from './name.js';

/** Largest DNS message (the TCP length prefix is 16 bits). */
export const MAX_MESSAGE_LENGTH = 0xffff;

/** Compression pointers carry 14 bits of offset. */
const MAX_POINTER_TARGET = 0x3fff;
/** Map values are stamp + offset; offsets are below 0x10000. */
const STAMP_STEP = 0x10000;
const MAX_STAMP = 2 ** 52;
const MAX_STALE_NAMES = 4096;
/**
 * Names of a message compared one by one before the writer switches to its Map: scanning
 * a few strings beats hashing fresh ones, and few responses have more names than this.
 */
const LINEAR_NAMES = 8;

/**
 * Output buffers for results that are copied out of the scratch buffer. V8 keeps typed
 * arrays of up to 64 bytes on its heap, which is cheapest; a larger one gets its own
 * off-heap store, several times slower than Node's Buffer.allocUnsafe, which carves it
 * from a shared slab.
 */
const ON_HEAP_MAX = 64;
const pooled: ((n: number) => Uint8Array) | undefined =
  typeof Buffer === 'function' ? (n) => Buffer.allocUnsafe(n) : undefined;

function allocate(n: number): Uint8Array {
  return n <= ON_HEAP_MAX || pooled === undefined ? new Uint8Array(n) : pooled(n);
}

/**
 * Messages written in place (`reset(compress, true)`) go straight into a shared slab and
 * are handed out as views of it: one view instead of an allocation and a copy, which is
 * most of the cost of encoding a small response. Like Node's Buffer pool, a view that is
 * kept keeps its slab alive, so the slab is small and callers that keep bytes for long
 * copy them (PackedResponse does). The writer writes through one view of the whole slab,
 * with the message starting at `base`, so that each message costs a single typed array:
 * the one handed out.
 */
const SLAB_SIZE = 16 * 1024;
/** A message starts in the current slab only where this much of it is left. */
const MIN_SLAB_ROOM = 1024;

function isDigit(c: number): boolean {
  return c >= 0x30 && c <= 0x39;
}

/** Index of the dot ending the label that starts at `i` (escape-aware), or the length. */
function labelEnd(name: string, i: number): number {
  const n = name.length;
  while (i < n) {
    const c = name.charCodeAt(i);
    if (c === 0x2e) return i;
    i += c === 0x5c ? (isDigit(name.charCodeAt(i + 1)) ? 4 : 2) : 1;
  }
  return n;
}

/**
 * Bounds-checked writing into a reusable buffer, with RFC 1035 4.1.4 name compression.
 * The encoder keeps one Writer (one scratch buffer, one slab and one compression Map) for the
 * life of the process; messages are written in place (see reset) or copied out once.
 *
 * Compression is tuned for the common response, a handful of names that repeat the question
 * name or end in it: the first LINEAR_NAMES names written are compared as strings, in
 * place, with nothing sliced or hashed. Past that (large answers, zone transfers) the
 * names move to a Map: whole names are registered as they are written, and the suffixes of
 * earlier names are registered (sliced and hashed) only when a name misses as a whole.
 * Map entries carry a per-message stamp instead of being cleared, since clearing a Map
 * allocates a new table every message. Both ways point at the first occurrence of the
 * longest suffix, so they give the same bytes.
 */
export class Writer {
  /** Where the current message is written: the scratch buffer, or the whole current slab. */
  buf: Uint8Array;
  /**
   * Where the current message starts in `buf`. Positions (`pos`, what codecs keep to patch
   * a length later) are indexes into `buf`; offsets within the message, which compression
   * pointers and errors give, are `pos - base`.
   */
  base = 0;
  pos = 0;
  /** Where `buf` ends for this message: the slab's end, or `base` plus the writer's capacity. */
  private end: number;
  /** compress names the caller marks compressible */
  compress = false;
  /** canonical form (RFC 4034 6.2): nothing compressed, names lowercased where `lowerNames` */
  canonical = false;
  lowerNames = false;
  /** exact-case name or suffix -> stamp + offset of its first occurrence (exact case, so output keeps it) */
  private readonly names = new Map<string, number>();
  private stamp = 0;
  /** names registered in this message; while 0, lookups can only miss */
  private registered = 0;
  /** whether this message's names went to the Map (more than LINEAR_NAMES of them) */
  private mapped = false;
  /**
   * Names written in this message with labels of their own, in order: all of them until
   * the switch to the Map, then those whose suffixes are not yet registered.
   */
  private readonly pendingNames: string[] = [];
  private readonly pendingOffsets: number[] = [];
  /** where each pending name's physically written labels end (a pointer follows) */
  private readonly pendingEnds: number[] = [];
  private pendingCount = 0;
  private pendingFrom = 0;
  /**
   * Messages not written in place, and those that outgrow the slab. A message moves here
   * at the index it had in the slab, so that the positions codecs hold stay valid: there
   * is room for a whole message after any slab index.
   */
  private readonly scratch: Uint8Array;
  private readonly capacity: number;
  /** The slab messages written in place go to (a view of all of it), and how much of it is handed out. */
  private slab: Uint8Array | undefined = undefined;
  /** The slab's ArrayBuffer, kept apart: reading `slab.buffer` per result was slow in V8. */
  private slabBuffer: ArrayBuffer | undefined = undefined;
  private slabUsed = 0;
  /** Whether the current message was started in place (it may have moved since). */
  private inPlace = false;

  constructor(
    capacity = MAX_MESSAGE_LENGTH,
    /** how many names are compared as strings before the Map takes over (tests lower it) */
    private readonly linearNames = LINEAR_NAMES,
  ) {
    this.capacity = capacity;
    this.scratch = new Uint8Array(capacity + SLAB_SIZE);
    this.buf = this.scratch;
    this.end = capacity;
  }

  /** How far into the current message the writer is: the offset errors report. */
  get offset(): number {
    return this.pos - this.base;
  }

  /**
   * Starts a message. `inPlace` writes it into the shared slab, so that `result` hands out
   * a view instead of a copy; a message that outgrows the slab's free part moves to the
   * scratch buffer and is copied out as usual.
   */
  reset(compress: boolean, inPlace = false): void {
    this.inPlace = inPlace;
    if (inPlace) {
      let slab = this.slab;
      if (slab === undefined || SLAB_SIZE - this.slabUsed < MIN_SLAB_ROOM) {
        this.slabBuffer = new ArrayBuffer(SLAB_SIZE);
        slab = this.slab = new Uint8Array(this.slabBuffer);
        this.slabUsed = 0;
      }
      this.buf = slab;
      this.base = this.slabUsed;
      this.end = SLAB_SIZE;
    } else {
      this.buf = this.scratch;
      this.base = 0;
      this.end = this.capacity;
    }
    this.pos = this.base;
    this.compress = compress;
    this.canonical = false;
    this.lowerNames = false;
    this.pendingCount = 0;
    this.pendingFrom = 0;
    this.registered = 0;
    this.mapped = false;
    this.stamp += STAMP_STEP;
    // Stale entries are ignored by their stamp; drop them only when they pile up.
    if (this.names.size > MAX_STALE_NAMES || this.stamp > MAX_STAMP) {
      this.names.clear();
      this.stamp = 0;
    }
  }

  private lookup(key: string): number {
    if (this.registered === 0) return -1;
    const v = this.names.get(key);
    return v !== undefined && v >= this.stamp ? v - this.stamp : -1;
  }

  private register(key: string, offset: number): void {
    if (offset > MAX_POINTER_TARGET || this.lookup(key) >= 0) return;
    this.names.set(key, this.stamp + offset);
    this.registered++;
  }

  /** Registers the suffixes of names written since the last call. */
  private registerPending(): void {
    for (let k = this.pendingFrom; k < this.pendingCount; k++) {
      const name = this.pendingNames[k];
      const end = this.pendingEnds[k];
      let offset = this.pendingOffsets[k];
      let i = 0;
      while (i < end) {
        if (i > 0) this.register(name.slice(i), offset);
        // step over one label: its length octet plus one octet per (possibly escaped) byte
        offset++;
        while (i < end) {
          const c = name.charCodeAt(i);
          if (c === 0x2e) break;
          i += c === 0x5c ? (isDigit(name.charCodeAt(i + 1)) ? 4 : 2) : 1;
          offset++;
        }
        i++;
      }
    }
    this.pendingFrom = this.pendingCount;
  }

  /** Moves the names written so far to the Map; their suffixes follow on the next miss. */
  private useMap(): void {
    for (let k = 0; k < this.pendingCount; k++) this.register(this.pendingNames[k], this.pendingOffsets[k]);
    this.pendingFrom = 0;
    this.mapped = true;
  }

  /**
   * Before the switch to the Map: the offset of the first written copy of `name`'s suffix
   * from index `i` (a label start) on, or -1. A copy counts where it starts a label in
   * the part of a name that was written as labels (what follows is a pointer, and the
   * name pointed at is on the list itself).
   */
  private findWritten(name: string, i: number): number {
    const length = name.length - i;
    const names = this.pendingNames;
    for (let k = 0; k < this.pendingCount; k++) {
      const written = names[k];
      const j = written.length - length;
      if (j < 0 || j >= this.pendingEnds[k]) continue;
      // endsWith compares flat strings as a block; sameChars is for two proper suffixes.
      if (j === 0) {
        if (written !== name && !name.endsWith(written)) continue;
      } else if (
        !isLabelStart(written, j) ||
        !(i === 0 ? written.endsWith(name) : sameChars(name, i, written, j, length))
      ) {
        continue;
      }
      const offset = this.pendingOffsets[k] + (j === 0 ? 0 : wireOctets(written, j));
      if (offset <= MAX_POINTER_TARGET) return offset;
    }
    return -1;
  }

  ensure(n: number): void {
    if (this.pos + n > this.end) this.moveToScratch(n);
  }

  /**
   * Makes room for `n` more octets by moving a message written in place to the scratch
   * buffer, at the same index; throws where even that is too small.
   */
  private moveToScratch(n: number): void {
    const scratch = this.scratch;
    const base = this.base;
    if (this.buf === scratch || this.pos - base + n > this.capacity) {
      throw new WireError('message longer than 65535 octets', this.pos - base);
    }
    scratch.set(this.buf.subarray(base, this.pos), base);
    this.buf = scratch;
    this.end = base + this.capacity;
  }

  u8(v: number): void {
    if ((v & 0xff) !== v) throw rangeError(v, 8, this.offset);
    this.ensure(1);
    this.buf[this.pos++] = v;
  }

  u16(v: number): void {
    if ((v & 0xffff) !== v) throw rangeError(v, 16, this.offset);
    this.ensure(2);
    const p = this.pos;
    this.buf[p] = v >>> 8;
    this.buf[p + 1] = v;
    this.pos = p + 2;
  }

  u32(v: number): void {
    if (v >>> 0 !== v) throw rangeError(v, 32, this.offset);
    this.ensure(4);
    const p = this.pos;
    const b = this.buf;
    b[p] = v >>> 24;
    b[p + 1] = v >>> 16;
    b[p + 2] = v >>> 8;
    b[p + 3] = v;
    this.pos = p + 4;
  }

  u48(v: number): void {
    if (!Number.isInteger(v) || v < 0 || v > 0xffffffffffff) throw rangeError(v, 48, this.offset);
    this.u16(Math.floor(v / 0x100000000));
    this.u32(v % 0x100000000);
  }

  /** Writes a 16-bit value at an earlier position (length fields filled in afterwards). */
  patch16(at: number, v: number): void {
    this.buf[at] = v >>> 8;
    this.buf[at + 1] = v;
  }

  bytes(data: Uint8Array): void {
    if (!(data instanceof Uint8Array)) throw new WireError('expected a Uint8Array', this.offset);
    this.ensure(data.length);
    this.buf.set(data, this.pos);
    this.pos += data.length;
  }

  /** A <character-string> from raw bytes. */
  characterBytes(data: Uint8Array, what: string): void {
    if (!(data instanceof Uint8Array)) throw new WireError(`${what}: expected a Uint8Array`, this.offset);
    if (data.length > 255) throw new WireError(`${what} longer than 255 octets`, this.offset);
    this.u8(data.length);
    this.bytes(data);
  }

  /** A <character-string> from a string of one character per byte (latin1), as decoded. */
  characterString(s: string, what: string): void {
    if (typeof s !== 'string') throw new WireError(`${what}: expected a string`, this.offset);
    if (s.length > 255) throw new WireError(`${what} longer than 255 octets`, this.offset);
    this.u8(s.length);
    this.latin1(s, what);
  }

  latin1(s: string, what: string): void {
    const n = s.length;
    this.ensure(n);
    const b = this.buf;
    let p = this.pos;
    for (let i = 0; i < n; i++) {
      const c = s.charCodeAt(i);
      if (c > 0xff) throw new WireError(`${what}: character beyond \\u00ff (one character per octet)`, p - this.base);
      b[p++] = c;
    }
    this.pos = p;
  }

  /**
   * A domain name in presentation form. `compressible` says whether the field may use
   * compression (owner names and the RFC 1035 rdata names); other names are written in full
   * and not offered as pointer targets either, so their bytes never matter to other records.
   */
  name(name: string, compressible: boolean): void {
    if (typeof name !== 'string' || name.length === 0) throw new WireError('expected a name', this.offset);
    if (name === '.') {
      this.u8(0);
      return;
    }
    const start = this.pos;
    if (!compressible || !this.compress || this.canonical) {
      this.labels(name, name.length, this.canonical && this.lowerNames);
      this.u8(0);
      if (this.pos - start > MAX_NAME_LENGTH)
        throw new WireError(`name longer than 255 octets: ${name}`, start - this.base);
      return;
    }
    let target = -1;
    let cut = name.length;
    if (!this.mapped) {
      // the longest written suffix, trying label boundaries left to right
      if (this.pendingCount > 0) {
        for (let i = 0; i < name.length; i = labelEnd(name, i) + 1) {
          target = this.findWritten(name, i);
          if (target >= 0) {
            cut = i;
            break;
          }
        }
      }
    } else {
      target = this.lookup(name);
      if (target < 0 && this.pendingFrom < this.pendingCount) {
        this.registerPending();
        target = this.lookup(name);
      }
      if (target >= 0) cut = 0;
      else {
        // the longest registered suffix, trying label boundaries left to right
        for (let i = labelEnd(name, 0) + 1; i < name.length; i = labelEnd(name, i) + 1) {
          target = this.lookup(name.slice(i));
          if (target >= 0) {
            cut = i;
            break;
          }
        }
      }
    }
    if (cut > 0) this.labels(name, cut, false);
    if (target >= 0) {
      // The whole name's length: the labels just written plus the suffix pointed at. Its
      // characters (plus the root octet) never undercount its octets, so it needs counting
      // only near the limit.
      const written = this.pos - start;
      if (
        written + name.length - cut + 1 > MAX_NAME_LENGTH &&
        written + suffixWireLength(name, cut) > MAX_NAME_LENGTH
      ) {
        throw new WireError(`name longer than 255 octets: ${name}`, start - this.base);
      }
      this.ensure(2);
      this.buf[this.pos] = 0xc0 | (target >> 8);
      this.buf[this.pos + 1] = target;
      this.pos += 2;
    } else {
      this.u8(0);
      if (this.pos - start > MAX_NAME_LENGTH)
        throw new WireError(`name longer than 255 octets: ${name}`, start - this.base);
    }
    const offset = start - this.base;
    if (cut > 0 && offset <= MAX_POINTER_TARGET) {
      if (this.mapped) this.register(name, offset);
      const k = this.pendingCount++;
      this.pendingNames[k] = name;
      this.pendingOffsets[k] = offset;
      this.pendingEnds[k] = cut;
      if (!this.mapped && this.pendingCount > this.linearNames) this.useMap();
    }
  }

  /**
   * Writes `name` by copying its wire form, `wire[start, end)`: uncompressed labels and the
   * root octet, exactly what `name(name, true)` would write (a query's question, which
   * arrives that way). Later names compress against it as if `name()` had written it.
   */
  nameFromWire(name: string, wire: Uint8Array, start: number, end: number): void {
    const n = end - start;
    this.ensure(n);
    const b = this.buf;
    const at = this.pos;
    for (let i = 0; i < n; i++) b[at + i] = wire[start + i];
    this.pos = at + n;
    const offset = at - this.base;
    if (n === 1 || !this.compress || this.canonical || offset > MAX_POINTER_TARGET) return;
    if (this.mapped) this.register(name, offset);
    const k = this.pendingCount++;
    this.pendingNames[k] = name;
    this.pendingOffsets[k] = offset;
    this.pendingEnds[k] = name.length;
    if (!this.mapped && this.pendingCount > this.linearNames) this.useMap();
  }

  /** Writes the labels of `name` before character index `end` (a label boundary). */
  private labels(name: string, end: number, lower: boolean): void {
    let b = this.buf;
    let capacity = this.end;
    let p = this.pos;
    let i = 0;
    while (i < end) {
      const lengthAt = p++;
      let length = 0;
      while (i < end) {
        let c = name.charCodeAt(i);
        if (c === 0x2e) break;
        if (c === 0x5c) {
          const d1 = name.charCodeAt(i + 1);
          if (isDigit(d1)) {
            const d2 = name.charCodeAt(i + 2) - 48;
            const d3 = name.charCodeAt(i + 3) - 48;
            c = (d1 - 48) * 100 + d2 * 10 + d3;
            if (!(d2 >= 0 && d2 <= 9 && d3 >= 0 && d3 <= 9) || c > 255) {
              throw new WireError(`bad escape in name: ${name}`, this.offset);
            }
            i += 4;
          } else {
            if (!(d1 >= 0x20 && d1 <= 0x7e)) throw new WireError(`bad escape in name: ${name}`, this.offset);
            c = d1;
            i += 2;
          }
        } else {
          if (c < 0x20 || c > 0x7e) throw new WireError(`bad character in name: ${name}`, this.offset);
          i++;
        }
        if (p >= capacity) {
          // out of room mid-name: move to the scratch buffer (or fail) as ensure would
          const nameStart = this.pos;
          this.pos = p;
          this.ensure(1);
          this.pos = nameStart;
          b = this.buf;
          capacity = this.end;
        }
        b[p++] = lower && c >= 0x41 && c <= 0x5a ? c | 0x20 : c;
        length++;
      }
      if (length === 0) throw new WireError(`empty label in name: ${name}`, this.offset);
      if (length > MAX_LABEL_LENGTH) throw new WireError(`label longer than 63 octets: ${name}`, this.offset);
      b[lengthAt] = length;
      i++; // the dot
    }
    this.pos = p;
  }

  /** The message written: a view of the slab when written in place, else a copy of the scratch buffer. */
  result(): Uint8Array {
    const base = this.base;
    const n = this.pos - base;
    const b = this.buf;
    if (b !== this.scratch) {
      // the next message starts 8-aligned, as Node's pool does
      this.slabUsed = base + ((n + 7) & ~7);
      return new Uint8Array(this.slabBuffer as ArrayBuffer, base, n);
    }
    // A message that outgrew the slab is copied out as a plain Uint8Array too, so that
    // in-place results are all of one kind.
    const out = this.inPlace ? new Uint8Array(n) : allocate(n);
    if (n <= ON_HEAP_MAX) {
      // a loop beats creating a subarray view for a few dozen bytes
      for (let i = 0; i < n; i++) out[i] = b[base + i];
    } else {
      out.set(b.subarray(base, base + n));
    }
    return out;
  }
}

function rangeError(v: unknown, bits: number, pos: number): WireError {
  return new WireError(`value ${String(v)} does not fit an unsigned ${bits}-bit field`, pos);
}

/** Whether `a` from `ai` and `b` from `bi` hold the same `n` characters. */
function sameChars(a: string, ai: number, b: string, bi: number, n: number): boolean {
  for (let k = 0; k < n; k++) if (a.charCodeAt(ai + k) !== b.charCodeAt(bi + k)) return false;
  return true;
}

/** Whether index `j` (> 0) of `name` starts a label: a dot before it that no backslash escapes. */
function isLabelStart(name: string, j: number): boolean {
  if (name.charCodeAt(j - 1) !== 0x2e) return false;
  let slashes = 0;
  for (let k = j - 2; k >= 0 && name.charCodeAt(k) === 0x5c; k--) slashes++;
  return (slashes & 1) === 0;
}

/** Octets on the wire of the labels of `name` before index `end` (a label start). */
function wireOctets(name: string, end: number): number {
  let octets = 0;
  for (let i = 0; i < end; octets++) {
    i += name.charCodeAt(i) === 0x5c ? (isDigit(name.charCodeAt(i + 1)) ? 4 : 2) : 1;
  }
  return octets;
}

/** Wire length of the labels of `name` from index `i` on, with the root octet. */
function suffixWireLength(name: string, i: number): number {
  let length = 1;
  const n = name.length;
  while (i < n) {
    const c = name.charCodeAt(i);
    i += c === 0x5c ? (name.charCodeAt(i + 1) >= 0x30 && name.charCodeAt(i + 1) <= 0x39 ? 4 : 2) : 1;
    length++;
  }
  return length;
}
