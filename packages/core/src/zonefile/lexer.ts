/**
 * The master-file lexer (RFC 1035 section 5.1, with BIND's details): it splits zone text
 * into logical records, each the tokens of one line or of several lines joined by
 * parentheses, and says whether the record's first line began with whitespace (the owner
 * is then the previous record's).
 *
 * Token rules, as BIND's lexer has them: tokens are separated by spaces and tabs; `(`, `)`
 * and `"` end a token; an unescaped `;` starts a comment that runs to the end of the line,
 * even in the middle of a token; a backslash escapes the next character (an escaped space
 * or quote does not split) and escapes are kept raw in the token text; a quoted string
 * can hold spaces, `;` and parentheses, and an unescaped newline inside one is an error;
 * newlines inside parentheses are whitespace, and parentheses nest.
 *
 * It works on chunks of bytes so that a large zone streams: `write` a chunk, call `next`
 * until it returns undefined, write the next chunk; `end` after the last one. Token text is
 * made per token (see token-bytes.ts: bytes outside printable ASCII become `\DDD`) as fresh
 * strings, so no record keeps a chunk alive.
 *
 * `next` gives each record as new objects. A reader of a large zone uses `advance`
 * instead, which leaves the record's tokens in the lexer (`count`, `textAt(i)`,
 * `quotedAt(i)`, `lineAt(i)`, `columnAt(i)`) until the next call: a record then costs the strings of its
 * tokens and no object or array, which is most of what a million-record zone's load
 * allocates and collects otherwise.
 */
import type { TextToken } from '../wire/presentation/token.js';
import { ZoneFileError } from './errors.js';
import { isPrintableByte, tokenText } from './token-bytes.js';

/** One logical record: the tokens up to the end of its (possibly parenthesised) line. */
export interface LexedRecord {
  tokens: TextToken[];
  /** the record's first line began with a space or tab: no owner name was given */
  ownerOmitted: boolean;
}

/**
 * The longest logical record accepted, in bytes of token text. The largest legitimate
 * record (64 KiB of rdata written as escaped character-strings) is about 270 KB; the cap
 * keeps a hostile file without newlines from exhausting memory.
 */
export const MAX_RECORD_BYTES = 1 << 20;

const LF = 0x0a;
const CR = 0x0d;
const SPACE = 0x20;
const TAB = 0x09;
const QUOTE = 0x22;
const LPAREN = 0x28;
const RPAREN = 0x29;
const SEMICOLON = 0x3b;
const BACKSLASH = 0x5c;
const NUL = 0x00;

// Lexer states.
const BETWEEN = 0;
const IN_TOKEN = 1;
const IN_QUOTED = 2;
const IN_COMMENT = 3;

// What a byte means inside an unquoted token.
const ORDINARY = 0;
const ENDS_TOKEN = 1;
const ESCAPES = 2;
const UNPRINTABLE = 3;
const FORBIDDEN = 4;
const TOKEN_BYTE = new Uint8Array(256);
for (let b = 0; b < 0x100; b++) if (!isPrintableByte(b)) TOKEN_BYTE[b] = UNPRINTABLE;
for (const b of [SPACE, TAB, LF, CR, QUOTE, LPAREN, RPAREN, SEMICOLON]) TOKEN_BYTE[b] = ENDS_TOKEN;
TOKEN_BYTE[BACKSLASH] = ESCAPES;
TOKEN_BYTE[NUL] = FORBIDDEN;

const EMPTY = Buffer.alloc(0);

export class ZoneLexer {
  private chunk: Buffer = EMPTY;
  private pos = 0;
  private ended = false;
  private finished = false;
  private sawInput = false;

  private state = BETWEEN;
  private escaped = false;
  private parens = 0;
  private parenLine = 0;
  private parenColumn = 0;
  /** at the start of a line that begins a new logical record */
  private atLineStart = true;
  private line = 1;
  /** offset in the current chunk where the current line starts; negative when it began in an earlier chunk */
  private lineStart = 0;

  // The tokens of the record being lexed, or of the one `advance` returned until the next
  // call: parallel arrays that only ever grow, so that lexing allocates nothing per token
  // but its text.
  private readonly texts: string[] = [];
  private readonly quotes: boolean[] = [];
  private readonly tokenLines: number[] = [];
  private readonly tokenColumns: number[] = [];
  private tokenCount = 0;
  /** `advance` returned the record in the arrays: the next call starts a new one */
  private delivered = false;
  private ownerOmitted = false;
  private recordOwnerOmitted = false;
  private recordBytes = 0;

  private tokenStart = 0;
  private tokenLine = 0;
  private tokenColumn = 0;
  private tokenPrintable = true;
  /** bytes of the current token that arrived in earlier chunks */
  private partial: Buffer | undefined;

  /** `file` only labels errors. */
  constructor(readonly file?: string) {}

  /** True once every record has been returned. */
  get done(): boolean {
    return this.finished;
  }

  /** Gives the lexer the next chunk. Call only after `next` returned undefined. */
  write(chunk: Uint8Array): void {
    if (this.ended) throw new Error('ZoneLexer.write after end');
    if (this.pos < this.chunk.length)
      throw new Error('ZoneLexer.write before the previous chunk was consumed');
    const buf = Buffer.isBuffer(chunk)
      ? chunk
      : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    if (this.state === IN_TOKEN || this.state === IN_QUOTED) this.carryPartialToken();
    this.lineStart -= this.chunk.length;
    this.chunk = buf;
    this.pos = 0;
    if (!this.sawInput && buf.length > 0) {
      this.sawInput = true;
      // Editors on Windows put a byte-order mark first; it is not part of the owner name.
      if (buf.length >= 3 && buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf) {
        this.pos = 3;
        this.lineStart = 3;
      }
    }
  }

  /** Says there is no more input. */
  end(): void {
    this.ended = true;
  }

  /**
   * The next complete logical record, or undefined when the input written so far holds no
   * more complete record (write more, or end) or when all input is done (see `done`).
   * Throws ZoneFileError for unbalanced parentheses, an unterminated quoted string, a NUL
   * byte or an overlong record.
   */
  next(): LexedRecord | undefined {
    if (!this.advance()) return undefined;
    const tokens: TextToken[] = [];
    for (let i = 0; i < this.tokenCount; i++) tokens.push(this.tokenAt(i));
    return { tokens, ownerOmitted: this.recordOwnerOmitted };
  }

  /**
   * Moves to the next complete logical record, as `next` finds it, and returns true; its
   * tokens are then read with the methods below until the next call. False when `next`
   * would return undefined.
   */
  advance(): boolean {
    if (this.delivered) {
      this.delivered = false;
      this.tokenCount = 0;
    }
    const buf = this.chunk;
    const n = buf.length;
    let p = this.pos;
    while (p < n) {
      switch (this.state) {
        case BETWEEN: {
          const c = buf[p];
          if (c === SPACE || c === TAB) {
            if (this.atLineStart) {
              this.atLineStart = false;
              this.ownerOmitted = true;
            }
            p++;
          } else if (c === LF || c === CR) {
            p++;
            if (c === LF) {
              this.line++;
              this.lineStart = p;
            }
            if (this.parens === 0) {
              this.atLineStart = true;
              if (this.tokenCount > 0) {
                this.pos = p;
                return this.takeRecord();
              }
              this.ownerOmitted = false;
            }
          } else {
            this.atLineStart = false;
            if (c === SEMICOLON) {
              this.state = IN_COMMENT;
              p++;
            } else if (c === LPAREN) {
              if (this.parens === 0) {
                this.parenLine = this.line;
                this.parenColumn = p - this.lineStart + 1;
              }
              this.parens++;
              p++;
            } else if (c === RPAREN) {
              if (this.parens === 0)
                throw this.error("unbalanced ')': no '(' is open", this.line, p - this.lineStart + 1);
              this.parens--;
              p++;
            } else if (c === QUOTE) {
              this.startToken(p + 1, p);
              this.state = IN_QUOTED;
              p++;
            } else if (c === NUL) {
              throw this.error('NUL byte in zone text', this.line, p - this.lineStart + 1);
            } else {
              this.startToken(p, p);
              this.state = IN_TOKEN;
            }
          }
          break;
        }
        case IN_TOKEN: {
          // The first byte of the token is examined here too, so a leading backslash escapes.
          for (; p < n; p++) {
            const c = buf[p];
            if (this.escaped) {
              // BIND ends a token at a newline even when it is escaped; the backslash stays.
              if (c === LF || c === CR) break;
              if (c === NUL) throw this.error('NUL byte in zone text', this.line, p - this.lineStart + 1);
              this.escaped = false;
              if (!isPrintableByte(c)) this.tokenPrintable = false;
              continue;
            }
            const kind = TOKEN_BYTE[c];
            if (kind === ORDINARY) continue;
            if (kind === ENDS_TOKEN) break;
            if (kind === ESCAPES) this.escaped = true;
            else if (kind === UNPRINTABLE) this.tokenPrintable = false;
            else throw this.error('NUL byte in zone text', this.line, p - this.lineStart + 1);
          }
          if (p < n) {
            this.escaped = false;
            this.takeToken(p, false);
            this.state = BETWEEN;
          }
          break;
        }
        case IN_QUOTED: {
          for (; p < n; p++) {
            const c = buf[p];
            if (this.escaped) {
              this.escaped = false;
              if (c === NUL) throw this.error('NUL byte in zone text', this.line, p - this.lineStart + 1);
              if (c === LF) {
                this.line++;
                this.lineStart = p + 1;
              }
              if (!isPrintableByte(c)) this.tokenPrintable = false;
              continue;
            }
            if (c === QUOTE) break;
            if (c === BACKSLASH) this.escaped = true;
            else if (c === LF)
              throw this.error(
                "unterminated quoted string: expected '\"' before the end of the line",
                this.tokenLine,
                this.tokenColumn,
              );
            else if (c === NUL) throw this.error('NUL byte in zone text', this.line, p - this.lineStart + 1);
            else if (!isPrintableByte(c)) this.tokenPrintable = false;
          }
          if (p < n) {
            this.takeToken(p, true);
            this.state = BETWEEN;
            p++;
          }
          break;
        }
        default: {
          // IN_COMMENT: skip to the newline, which BETWEEN then handles.
          const nl = buf.indexOf(LF, p);
          if (nl < 0) {
            p = n;
          } else {
            p = nl;
            this.state = BETWEEN;
          }
        }
      }
    }
    this.pos = p;
    if (!this.ended || this.finished) return false;
    return this.finish();
  }

  /** Number of tokens of the current record. */
  get count(): number {
    return this.tokenCount;
  }

  /** Whether the current record's first line began with a space or tab (no owner given). */
  get omitsOwner(): boolean {
    return this.recordOwnerOmitted;
  }

  /** The text of token `i` of the current record. */
  textAt(i: number): string {
    return this.texts[i];
  }

  /** Whether token `i` of the current record was quoted. */
  quotedAt(i: number): boolean {
    return this.quotes[i];
  }

  /** The 1-based line where token `i` of the current record begins. */
  lineAt(i: number): number {
    return this.tokenLines[i];
  }

  /** The 1-based column where token `i` of the current record begins. */
  columnAt(i: number): number {
    return this.tokenColumns[i];
  }

  /** Token `i` of the current record as a new TextToken. */
  tokenAt(i: number): TextToken {
    return {
      text: this.texts[i],
      quoted: this.quotes[i],
      line: this.tokenLines[i],
      column: this.tokenColumns[i],
    };
  }

  private finish(): boolean {
    if (this.state === IN_QUOTED) {
      throw this.error(
        "unterminated quoted string: expected '\"' before the end of the file",
        this.tokenLine,
        this.tokenColumn,
      );
    }
    if (this.state === IN_TOKEN) this.takeToken(this.chunk.length, false);
    this.state = BETWEEN;
    if (this.parens > 0) {
      throw this.error(
        "unbalanced '(': expected ')' before the end of the file",
        this.parenLine,
        this.parenColumn,
      );
    }
    if (this.tokenCount > 0) return this.takeRecord();
    this.finished = true;
    return false;
  }

  private startToken(start: number, at: number): void {
    this.tokenStart = start;
    this.tokenLine = this.line;
    this.tokenColumn = at - this.lineStart + 1;
    this.tokenPrintable = true;
    this.escaped = false;
  }

  private takeToken(end: number, quoted: boolean): void {
    const size = (this.partial?.length ?? 0) + end - this.tokenStart;
    this.recordBytes += size;
    if (this.recordBytes > MAX_RECORD_BYTES) throw this.tooLong();
    let text: string;
    if (this.partial === undefined) {
      text = tokenText(this.chunk, this.tokenStart, end, this.tokenPrintable);
    } else {
      const joined = Buffer.concat([this.partial, this.chunk.subarray(this.tokenStart, end)]);
      this.partial = undefined;
      text = tokenText(joined, 0, joined.length, this.tokenPrintable);
    }
    const i = this.tokenCount++;
    this.texts[i] = text;
    this.quotes[i] = quoted;
    this.tokenLines[i] = this.tokenLine;
    this.tokenColumns[i] = this.tokenColumn;
  }

  /** Keeps the bytes of a token cut by the end of a chunk (copied: the chunk is released). */
  private carryPartialToken(): void {
    const tail = this.chunk.subarray(this.tokenStart);
    this.partial = this.partial === undefined ? Buffer.from(tail) : Buffer.concat([this.partial, tail]);
    this.tokenStart = 0;
    if (this.recordBytes + this.partial.length > MAX_RECORD_BYTES) throw this.tooLong();
  }

  private takeRecord(): true {
    this.delivered = true;
    this.recordOwnerOmitted = this.ownerOmitted;
    this.ownerOmitted = false;
    this.recordBytes = 0;
    return true;
  }

  private tooLong(): ZoneFileError {
    return this.error(`record longer than ${MAX_RECORD_BYTES} bytes`, this.tokenLine, this.tokenColumn);
  }

  private error(reason: string, line: number, column: number): ZoneFileError {
    return new ZoneFileError(reason, this.file, line, column);
  }
}

/**
 * Splits zone text into logical records, each an array of tokens (for tests and small
 * inputs; the reader streams with ZoneLexer).
 */
export function tokenize(text: string, file?: string): TextToken[][] {
  const lexer = new ZoneLexer(file);
  lexer.write(Buffer.from(text, 'utf8'));
  lexer.end();
  const records: TextToken[][] = [];
  for (let r = lexer.next(); r !== undefined; r = lexer.next()) records.push(r.tokens);
  return records;
}
