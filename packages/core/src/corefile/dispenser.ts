import { CorefileError } from './errors.js';
import { isBare, onSameLine, type Token } from './token.js';

/**
 * Walks the tokens of one directive (all its occurrences in a server block) the way a
 * plugin's setup reads its configuration: CoreDNS's Caddy Dispenser, as chapter 9 uses it.
 *
 * ```ts
 * while (c.next()) {                    // each occurrence of the directive
 *   const zones = c.remainingArgs();    // the rest of its line
 *   while (c.nextBlock()) {             // each line of its { ... } block
 *     switch (c.val()) { ... }
 *   }
 * }
 * ```
 *
 * Unlike Caddy v1, `nextBlock` follows nested blocks: called while on a line that ends in
 * `{`, it steps into that block and returns false at its `}`, so a sub-directive with its
 * own block is read with an inner `while (c.nextBlock())` loop. Every call that returns
 * true has moved forward, so such loops always end.
 *
 * The error builders return a CorefileError at the current token for the caller to throw.
 */
export class Dispenser {
  protected cursor = -1;
  protected depth = 0;

  /**
   * @param tokens   the tokens to walk (a directive's tokens from parseCorefile, or
   *                 `tokenize(text, file)` for tests)
   * @param filename reported in errors when there is no current token
   */
  constructor(
    protected readonly tokens: readonly Token[],
    protected readonly filename = 'Corefile',
  ) {}

  /** Moves to the next token, on any line; false when none is left. */
  next(): boolean {
    if (this.cursor < this.tokens.length - 1) {
      this.cursor++;
      return true;
    }
    return false;
  }

  /** Moves to the next token if it is on the current line (an argument); false otherwise. */
  nextArg(): boolean {
    if (this.cursor < 0) return this.next();
    const cur = this.tokens[this.cursor];
    const nxt = this.tokens[this.cursor + 1];
    if (cur === undefined || nxt === undefined || !onSameLine(cur, nxt)) return false;
    this.cursor++;
    return true;
  }

  /** Moves to the next token if it starts a new line; false otherwise. */
  nextLine(): boolean {
    if (this.cursor < 0) return this.next();
    const cur = this.tokens[this.cursor];
    const nxt = this.tokens[this.cursor + 1];
    if (cur === undefined || nxt === undefined || onSameLine(cur, nxt)) return false;
    this.cursor++;
    return true;
  }

  /**
   * Moves to the next token of the block the current line opens or is in. Returns false,
   * without moving, when the current line opens no block and none is being read; returns
   * false on an empty `{}` and at the `}` that closes the block being read.
   */
  nextBlock(): boolean {
    const cur = this.tokens[this.cursor];
    const nxt = this.tokens[this.cursor + 1];
    if (cur !== undefined && isBare(nxt, '{') && onSameLine(cur, nxt as Token)) {
      this.cursor++;
      if (!this.next() || this.isBrace('}')) return false;
      this.depth++;
      return true;
    }
    if (this.depth === 0 || !this.next()) return false;
    if (this.isBrace('}')) {
      this.depth--;
      return false;
    }
    return true;
  }

  /** How many blocks deep the walk is (0 outside any block of the directive). */
  nesting(): number {
    return this.depth;
  }

  /** Text of the current token; '' before the first or after the last. */
  val(): string {
    return this.tokens[this.cursor]?.text ?? '';
  }

  /** The current token itself (its `quoted` flag tells `"{"` from `{`). */
  token(): Token | undefined {
    return this.tokens[this.cursor];
  }

  /** Line of the current token; 0 when there is none. */
  line(): number {
    return this.tokens[this.cursor]?.line ?? 0;
  }

  /** File of the current token, or the dispenser's file name when there is none. */
  file(): string {
    return this.tokens[this.cursor]?.file ?? this.filename;
  }

  /**
   * The remaining arguments on the current line, consumed. An unquoted `{` ends them and
   * is left for nextBlock.
   */
  remainingArgs(): string[] {
    const args: string[] = [];
    while (this.nextArg()) {
      if (this.isBrace('{')) {
        this.cursor--;
        break;
      }
      args.push(this.val());
    }
    return args;
  }

  /** Error for a missing or extra argument at the current token. */
  argErr(): CorefileError {
    if (this.isBrace('{')) return this.err("Unexpected token '{', expecting argument");
    return this.err(`Wrong argument count or unexpected line ending after '${this.val()}'`);
  }

  /** Error for a token other than the one expected. */
  syntaxErr(expected: string): CorefileError {
    return new CorefileError(
      this.file(),
      this.line(),
      `Unexpected token '${this.val()}', expecting '${expected}'`,
      'syntax',
    );
  }

  /** Error for input that ended where more was needed. */
  eofErr(): CorefileError {
    return this.err('Unexpected EOF');
  }

  /** Error with a message of the caller's own, at the current token. */
  err(message: string): CorefileError {
    return new CorefileError(this.file(), this.line(), message);
  }

  protected isBrace(brace: '{' | '}'): boolean {
    return isBare(this.tokens[this.cursor], brace);
  }
}
