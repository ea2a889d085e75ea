/**
 * The one error the zone-file lexer, reader and writer throw for bad input. `reason` says
 * what was expected and what was found; `file`, `line` and `column` (both 1-based; the
 * column counts bytes) say where. `file` is undefined for text that came from no file.
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
