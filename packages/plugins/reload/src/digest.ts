import { createHash } from 'node:crypto';
import { onSameLine, parseCorefile, type CorefileSource } from '@tsdns/core';

/**
 * The SHA-512 of a Corefile's meaning rather than its text (CoreDNS hashes the parsed
 * server blocks): the keys and each directive's words, whether each word is quoted and
 * where lines break, after imports and environment variables are expanded. Comments,
 * indentation and blank lines change nothing; an edit to an imported file does.
 * Throws the parser's CorefileError for a Corefile that does not parse.
 */
export function corefileDigest(source: CorefileSource): string {
  const blocks = parseCorefile(source.text, { filename: source.filename, onWarning: () => {} });
  const canonical = blocks.map((b) => ({
    keys: b.keys,
    directives: [...b.directives.values()].map((d) => ({
      name: d.name,
      words: d.tokens.map((t, i) => [t.text, t.quoted, i > 0 && onSameLine(d.tokens[i - 1], t)]),
    })),
  }));
  return createHash('sha512').update(JSON.stringify(canonical)).digest('hex');
}

/** The SHA-512 of a text, for telling apart Corefiles that do not parse. */
export function textDigest(text: string): string {
  return createHash('sha512').update(text).digest('hex');
}
