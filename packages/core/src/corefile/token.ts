/**
 * Where a token came from when `import` spliced it into the stream: a snippet or a file,
 * imported by the statement at `file`:`line`. Chains of origins are what import-cycle
 * detection walks, and they keep imported tokens from sharing a line with their neighbours.
 */
export interface ImportOrigin {
  readonly kind: 'snippet' | 'file';
  /** snippet name, or the absolute path of the imported file */
  readonly name: string;
  /** position of the `import` statement that brought the tokens in */
  readonly file: string;
  readonly line: number;
  readonly parent: ImportOrigin | undefined;
}

/** One word of a Corefile. */
export interface Token {
  readonly text: string;
  readonly file: string;
  /** 1-based line the token starts on */
  readonly line: number;
  /** line the token ends on; differs from `line` only for quoted text spanning lines */
  readonly endLine: number;
  /** written in double quotes: never syntax (a quoted `{` is just text) */
  readonly quoted: boolean;
  /** set on tokens that an `import` brought in; undefined in the file as written */
  readonly origin?: ImportOrigin;
}

/**
 * True when `b` continues the line that `a` is on. Tokens of different files or of
 * different import expansions never share a line, whatever their line numbers say: an
 * imported snippet's line numbers are those of its definition, not of the `import`.
 */
export function onSameLine(a: Token, b: Token): boolean {
  return a.origin === b.origin && a.file === b.file && a.endLine === b.line;
}

/** An unquoted token with exactly this text: the only way a token can be syntax. */
export function isBare(t: Token | undefined, text: string): boolean {
  return t !== undefined && !t.quoted && t.text === text;
}
