/**
 * The one error the zone-file lexer and reader throw for bad input (zone text, a file that
 * cannot be read, bad options). `reason` says what was expected and what was found; `file`,
 * `line` and `column` (both 1-based; the column counts bytes) say where. `file` is undefined
 * for text that came from no file; line and column are 0 when the error concerns a whole
 * file (not found) or the options.
 */
export class ZoneFileError extends Error {
  override readonly name = 'ZoneFileError';
  constructor(
    readonly reason: string,
    readonly file: string | undefined,
    readonly line: number,
    readonly column: number,
  ) {
    super(`${file ?? '<input>'}:${line}:${column}: ${reason}`);
  }
}

const CONTROL = /[\u0000-\u001f\u007f]/g;

/** Quotes untrusted text for an error message: shortened, control characters made visible. */
export function quoteForMessage(text: string): string {
  const cut = text.length > 60 ? `${text.slice(0, 57)}...` : text;
  return `'${cut.replace(CONTROL, (ch) => `\\${ch.charCodeAt(0).toString().padStart(3, '0')}`)}'`;
}
