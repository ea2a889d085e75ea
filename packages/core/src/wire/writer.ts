import { WireError } from './errors.js';
import { MAX_LABEL_LENGTH, MAX_NAME_LENGTH } from './name.js';

/** Largest DNS message (the TCP length prefix is 16 bits). */
export const MAX_MESSAGE_LENGTH = 0xffff;

/** Compression pointers carry 14 bits of offset. */
const MAX_POINTER_TARGET = 0x3fff;

/**
 * Bounds-checked writing into a reusable buffer, with RFC 1035 4.1.4 name compression.
 * The encoder keeps one Writer (one 64 KiB scratch buffer and one compression Map) for the
 * life of the process and copies each finished message out once.
 */
export class Writer {
  readonly buf: Uint8Array;
  pos = 0;
  /** compress names the caller marks compressible */
  compress = false;
  /** canonical form (RFC 4034 6.2): nothing compressed, names lowercased where `lowerNames` */
  canonical = false;
  lowerNames = false;
  /** exact-case name suffix -> offset of its first occurrence (case kept so output case is too) */
  private readonly names = new Map<string, number>();

  constructor(capacity = MAX_MESSAGE_LENGTH) {
    this.buf = new Uint8Array(capacity);
  }

  reset(compress: boolean): void {
    this.pos = 0;
    this.compress = compress;
    this.canonical = false;
    this.lowerNames = false;
    if (this.names.size > 0) this.names.clear();
  }

  ensure(n: number): void {
    if (this.pos + n > this.buf.length) throw new WireError('message longer than 65535 octets', this.pos);
  }

  u8(v: number): void {
    if ((v & 0xff) !== v) throw rangeError(v, 8, this.pos);
    this.ensure(1);
    this.buf[this.pos++] = v;
  }

  u16(v: number): void {
    if ((v & 0xffff) !== v) throw rangeError(v, 16, this.pos);
    this.ensure(2);
    const p = this.pos;
    this.buf[p] = v >>> 8;
    this.buf[p + 1] = v;
    this.pos = p + 2;
  }

  u32(v: number): void {
    if (v >>> 0 !== v) throw rangeError(v, 32, this.pos);
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
    if (!Number.isInteger(v) || v < 0 || v > 0xffffffffffff) throw rangeError(v, 48, this.pos);
    this.u16(Math.floor(v / 0x100000000));
    this.u32(v % 0x100000000);
  }

  /** Writes a 16-bit value at an earlier position (length fields filled in afterwards). */
  patch16(at: number, v: number): void {
    this.buf[at] = v >>> 8;
    this.buf[at + 1] = v;
  }

  bytes(data: Uint8Array): void {
    if (!(data instanceof Uint8Array)) throw new WireError('expected a Uint8Array', this.pos);
    this.ensure(data.length);
    this.buf.set(data, this.pos);
    this.pos += data.length;
  }

  /** A <character-string> from raw bytes. */
  characterBytes(data: Uint8Array, what: string): void {
    if (!(data instanceof Uint8Array)) throw new WireError(`${what}: expected a Uint8Array`, this.pos);
    if (data.length > 255) throw new WireError(`${what} longer than 255 octets`, this.pos);
    this.u8(data.length);
    this.bytes(data);
  }

  /** A <character-string> from a string of one character per byte (latin1), as decoded. */
  characterString(s: string, what: string): void {
    if (typeof s !== 'string') throw new WireError(`${what}: expected a string`, this.pos);
    if (s.length > 255) throw new WireError(`${what} longer than 255 octets`, this.pos);
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
      if (c > 0xff) throw new WireError(`${what}: character beyond \\u00ff (one character per octet)`, p);
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
    if (typeof name !== 'string') throw new WireError('expected a name string', this.pos);
    const b = this.buf;
    const capacity = b.length;
    if (name === '.') {
      this.u8(0);
      return;
    }
    const n = name.length;
    if (n === 0) throw new WireError('empty name', this.pos);
    const useMap = compressible && this.compress && !this.canonical;
    const lower = this.canonical && this.lowerNames;
    const names = this.names;
    const start = this.pos;
    let p = start;
    let i = 0;
    while (i < n) {
      if (useMap) {
        const suffix = i === 0 ? name : name.slice(i);
        const target = names.get(suffix);
        if (target !== undefined) {
          if (p - start + suffixWireLength(name, i) > MAX_NAME_LENGTH) {
            throw new WireError(`name longer than 255 octets: ${name}`, start);
          }
          if (p + 2 > capacity) throw new WireError('message longer than 65535 octets', p);
          b[p] = 0xc0 | (target >> 8);
          b[p + 1] = target;
          this.pos = p + 2;
          return;
        }
        if (p <= MAX_POINTER_TARGET) names.set(suffix, p);
      }
      const lengthAt = p++;
      let length = 0;
      while (i < n) {
        let c = name.charCodeAt(i);
        if (c === 0x2e) break;
        if (c === 0x5c) {
          const d1 = name.charCodeAt(i + 1);
          if (d1 >= 0x30 && d1 <= 0x39) {
            const d2 = name.charCodeAt(i + 2) - 48;
            const d3 = name.charCodeAt(i + 3) - 48;
            c = (d1 - 48) * 100 + d2 * 10 + d3;
            if (!(d2 >= 0 && d2 <= 9 && d3 >= 0 && d3 <= 9) || c > 255) {
              throw new WireError(`bad escape in name: ${name}`, start);
            }
            i += 4;
          } else {
            if (!(d1 >= 0x20 && d1 <= 0x7e)) throw new WireError(`bad escape in name: ${name}`, start);
            c = d1;
            i += 2;
          }
        } else {
          if (c < 0x20 || c > 0x7e) throw new WireError(`bad character in name: ${name}`, start);
          i++;
        }
        if (p >= capacity) throw new WireError('message longer than 65535 octets', p);
        b[p++] = lower && c >= 0x41 && c <= 0x5a ? c | 0x20 : c;
        length++;
      }
      if (length === 0) throw new WireError(`empty label in name: ${name}`, start);
      if (length > MAX_LABEL_LENGTH) throw new WireError(`label longer than 63 octets: ${name}`, start);
      b[lengthAt] = length;
      i++; // the dot
    }
    if (p >= capacity) throw new WireError('message longer than 65535 octets', p);
    b[p++] = 0;
    if (p - start > MAX_NAME_LENGTH) throw new WireError(`name longer than 255 octets: ${name}`, start);
    this.pos = p;
  }

  /** Copies the written bytes out of the scratch buffer. */
  result(): Uint8Array {
    return this.buf.slice(0, this.pos);
  }
}

function rangeError(v: unknown, bits: number, pos: number): WireError {
  return new WireError(`value ${String(v)} does not fit an unsigned ${bits}-bit field`, pos);
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
