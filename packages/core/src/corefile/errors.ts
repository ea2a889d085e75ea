/**
 * The one error type of Corefile handling: lexing, parsing, imports, server keys and the
 * token walker that plugins use in their setup. The message has CoreDNS's shape,
 * `Corefile:12 - Error during parsing: ...`, so operators see the same text they know.
 */
export class CorefileError extends Error {
  override readonly name = 'CorefileError';

  /**
   * @param file   file the offending token came from (the name given for the main Corefile,
   *               an absolute path for imported files)
   * @param line   1-based line of the offending token; 0 when there is no token
   * @param detail the problem alone, without position
   * @param kind   `syntax` for a token other than the expected one, `parse` for the rest;
   *               the two read differently in the message, as in CoreDNS
   */
  constructor(
    readonly file: string,
    readonly line: number,
    readonly detail: string,
    readonly kind: 'parse' | 'syntax' = 'parse',
  ) {
    super(`${file}:${line} - ${kind === 'syntax' ? 'Syntax error' : 'Error during parsing'}: ${detail}`);
  }
}
