import { NameError, parseName } from '../name.js';
import { decodeBase64, decodeHex } from './binary-text.js';
import { decodeCharString } from './charstring.js';
import { PresentationError, type TextToken } from './token.js';
import { tryParseTtl } from './ttl.js';

/**
 * Walks the tokens of one record's rdata field by field. Every read names the field it
 * expects, so errors say what was wrong and where ("MX: expected preference (0-65535),
 * found \"x\"", with the token index); running out of tokens is reported without an index
 * because there is no offending token, only a short record.
 */
export class TokenReader {
  /** index of the next token to read */
  pos = 0;

  constructor(
    public tokens: readonly TextToken[],
    public origin: string,
    /** the record type, for messages */
    public type: string,
  ) {}

  /** Starts over on another record's tokens (rdataFromText reuses one reader). */
  reset(tokens: readonly TextToken[], origin: string, type: string): this {
    this.tokens = tokens;
    this.origin = origin;
    this.type = type;
    this.pos = 0;
    return this;
  }

  get atEnd(): boolean {
    return this.pos >= this.tokens.length;
  }

  /** Throws a PresentationError about the token read last. */
  fail(message: string): never {
    throw new PresentationError(`${this.type}: ${message}`, this.pos - 1);
  }

  /** Throws a PresentationError about the token at `index`; undefined for "the record ended". */
  failAt(index: number | undefined, message: string): never {
    throw new PresentationError(`${this.type}: ${message}`, index);
  }

  /** The next token, which must exist. */
  next(what: string): TextToken {
    const token = this.tokens[this.pos];
    if (token === undefined) {
      throw new PresentationError(`${this.type}: expected ${what}, found end of record`);
    }
    this.pos++;
    return token;
  }

  /** Throws unless another token follows (for fields of one or more tokens). */
  expectMore(what: string): void {
    if (this.atEnd) throw new PresentationError(`${this.type}: expected ${what}, found end of record`);
  }

  /** The text of the next token, which must not be quoted (numbers, names, encodings). */
  word(what: string): string {
    const token = this.next(what);
    if (token.quoted) this.fail(`expected ${what}, found quoted string "${token.text}"`);
    return token.text;
  }

  /** A decimal integer 0..max (no sign, no units). */
  uint(what: string, max: number): number {
    const text = this.word(`${what} (0-${max})`);
    const value = parseDecimal(text, max);
    if (value < 0) this.fail(`expected ${what} (0-${max}), found ${JSON.stringify(text)}`);
    return value;
  }

  u8(what: string): number {
    return this.uint(what, 0xff);
  }

  u16(what: string): number {
    return this.uint(what, 0xffff);
  }

  u32(what: string): number {
    return this.uint(what, 0xffffffff);
  }

  /** A 32-bit interval in seconds, plain or with BIND units (1h30m). */
  ttl(what: string): number {
    const text = this.word(`${what} (seconds or 1h30m form)`);
    const value = tryParseTtl(text);
    if (typeof value === 'string') this.fail(`bad ${what}: ${value}`);
    return value;
  }

  /** A number or, case-insensitively, one of the mnemonics in `names`. */
  numberOrMnemonic(what: string, max: number, names: ReadonlyMap<string, number>): number {
    const text = this.word(what);
    const value = parseDecimal(text, max);
    if (value >= 0) return value;
    const named = names.get(text.toUpperCase());
    if (named === undefined) {
      this.fail(`expected ${what} (0-${max} or a mnemonic such as ${names.keys().next().value}), found ${JSON.stringify(text)}`);
    }
    return named;
  }

  /** A domain name, absolute and normalised; relative names are completed with the origin. */
  name(what: string): string {
    const text = this.word(what);
    try {
      return parseName(text, this.origin);
    } catch (err) {
      if (err instanceof NameError) this.fail(`bad ${what}: ${err.message}`);
      throw err;
    }
  }

  /** One <character-string> (quoted or not), escapes decoded, at most `maxLength` bytes. */
  charString(what: string, maxLength = 255): Uint8Array {
    const token = this.next(what);
    const bytes = decodeCharString(token.text);
    if (typeof bytes === 'string') this.fail(`bad ${what}: ${bytes}`);
    if (bytes.length > maxLength) {
      this.fail(`${what} is ${bytes.length} bytes long, more than ${maxLength}`);
    }
    return bytes;
  }

  /**
   * Hex spread over all remaining tokens (BIND allows spaces inside hex fields that end the
   * rdata). `minLength` 0 permits no tokens at all; `exactLength` enforces a known size.
   */
  hexToEnd(what: string, minLength: number, exactLength?: number): Uint8Array {
    const start = this.pos;
    if (this.atEnd) {
      if (minLength === 0 && (exactLength === undefined || exactLength === 0)) return new Uint8Array(0);
      this.expectMore(what);
    }
    const text = this.joinRest(what);
    const bytes = decodeHex(text);
    if (bytes === null) this.failAt(start, `bad ${what}: expected an even number of hex digits`);
    this.checkLength(what, bytes.length, minLength, exactLength, start);
    return bytes;
  }

  /** Base64 spread over all remaining tokens; at least one byte. */
  base64ToEnd(what: string): Uint8Array {
    const start = this.pos;
    this.expectMore(what);
    const text = this.joinRest(what);
    const bytes = decodeBase64(text);
    if (bytes === null) this.failAt(start, `bad ${what}: not valid base64`);
    this.checkLength(what, bytes.length, 1, undefined, start);
    return bytes;
  }

  /**
   * Base64 of exactly `length` bytes spread over as many tokens as it takes (TSIG's MAC and
   * other data, which are followed by more fields).
   */
  base64Exact(what: string, length: number): Uint8Array {
    const start = this.pos;
    let text = '';
    while (decodedBase64Length(text) < length) {
      text += this.word(`${what} (${length} bytes of base64)`);
    }
    const bytes = decodeBase64(text);
    if (bytes === null) this.failAt(start, `bad ${what}: not valid base64`);
    this.checkLength(what, bytes.length, length, length, start);
    return bytes;
  }

  /** Throws unless every token was consumed. */
  end(): void {
    if (!this.atEnd) {
      this.failAt(this.pos, `unexpected ${JSON.stringify(this.tokens[this.pos].text)} after the end of the rdata`);
    }
  }

  private joinRest(what: string): string {
    let text = '';
    while (!this.atEnd) text += this.word(what);
    return text;
  }

  private checkLength(
    what: string,
    length: number,
    minLength: number,
    exactLength: number | undefined,
    start: number,
  ): void {
    if (exactLength !== undefined && length !== exactLength) {
      this.failAt(start, `${what} must be ${exactLength} bytes, found ${length}`);
    }
    if (length < minLength) this.failAt(start, `${what} must not be empty`);
  }
}

/** Bytes that base64 text of this length decodes to, padding aside (for token gathering). */
function decodedBase64Length(text: string): number {
  return Math.floor((text.length * 3) / 4);
}

/** Decimal digits only, value <= max; -1 otherwise. */
export function parseDecimal(text: string, max: number): number {
  if (text.length === 0 || text.length > 15) return -1;
  let value = 0;
  for (let i = 0; i < text.length; i++) {
    const d = text.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return -1;
    value = value * 10 + d;
  }
  return value <= max ? value : -1;
}
