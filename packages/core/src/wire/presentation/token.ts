/**
 * A token of presentation-format text (zone files, `dig` output, single record lines), as
 * the zone-file lexer produces it. The text is raw: backslash escapes are left in place
 * because their meaning depends on the field (a name keeps `\.` as part of a label; a
 * character-string decodes it). Quotes are removed and recorded in `quoted`.
 */
export interface TextToken {
  text: string;
  quoted: boolean;
  /** 1-based position in the source, when known, for error messages */
  line?: number;
  column?: number;
}

/**
 * Thrown by presentation parsers for malformed text. `token` is the index of the offending
 * token in the array the parser was given, so a caller that knows where the tokens came from
 * (the zone-file reader) can report file, line and column.
 */
export class PresentationError extends Error {
  override readonly name = 'PresentationError';
  constructor(
    message: string,
    readonly token?: number,
  ) {
    super(message);
  }
}
