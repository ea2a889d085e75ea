import { CorefileError } from './errors.js';
import type { Token } from './token.js';

const NEWLINE = 0x0a;
const HASH = 0x23;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const BYTE_ORDER_MARK = 0xfeff;

/** Go's unicode.IsSpace, which is what separates words in a Caddyfile. */
function isSpace(c: number): boolean {
  if (c <= 0xff) return c === 0x20 || (c >= 0x09 && c <= 0x0d) || c === 0x85 || c === 0xa0;
  return (
    c === 0x1680 ||
    (c >= 0x2000 && c <= 0x200a) ||
    c === 0x2028 ||
    c === 0x2029 ||
    c === 0x202f ||
    c === 0x205f ||
    c === 0x3000
  );
}

/**
 * Splits Corefile text into tokens the way CoreDNS's Caddyfile lexer does: words are
 * separated by white space; `#` outside quotes starts a comment to the end of the line,
 * even in the middle of a word; a word that starts with `"` runs to the next unescaped
 * `"` (it may span lines, and only `\"` is an escape: any other backslash stays as
 * written); braces are ordinary words that the parser gives meaning to. A leading byte
 * order mark is skipped.
 *
 * Unlike CoreDNS, a quoted string left open at the end of the input is an error rather
 * than silently closed.
 */
export function tokenize(text: string, file: string): Token[] {
  const tokens: Token[] = [];
  const n = text.length;
  let i = n > 0 && text.charCodeAt(0) === BYTE_ORDER_MARK ? 1 : 0;
  let line = 1;

  while (i < n) {
    const c = text.charCodeAt(i);
    if (c === NEWLINE) {
      line++;
      i++;
    } else if (isSpace(c)) {
      i++;
    } else if (c === HASH) {
      while (i < n && text.charCodeAt(i) !== NEWLINE) i++;
    } else if (c === QUOTE) {
      const startLine = line;
      let value = '';
      let segment = ++i;
      for (;;) {
        if (i >= n) throw new CorefileError(file, startLine, 'Unterminated quoted string');
        const q = text.charCodeAt(i);
        if (q === QUOTE) {
          value += text.slice(segment, i);
          i++;
          break;
        }
        if (q === BACKSLASH && i + 1 < n) {
          const escaped = text.charCodeAt(i + 1);
          if (escaped === QUOTE) {
            value += text.slice(segment, i) + '"';
            i += 2;
            segment = i;
            continue;
          }
          // Any other escape is kept verbatim, backslash included; skipping the pair
          // means `\\` cannot escape the quote that follows it.
          if (escaped === NEWLINE) line++;
          i += 2;
          continue;
        }
        if (q === NEWLINE) line++;
        i++;
      }
      tokens.push({ text: value, file, line: startLine, endLine: line, quoted: true });
    } else {
      const start = i;
      while (i < n) {
        const w = text.charCodeAt(i);
        if (w === HASH || isSpace(w)) break;
        i++;
      }
      tokens.push({ text: text.slice(start, i), file, line, endLine: line, quoted: false });
    }
  }
  return tokens;
}
