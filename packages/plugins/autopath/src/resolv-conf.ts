import { readFileSync } from 'node:fs';
import { NameError, nameKey, parseName } from '@tsdns/core';

/** A resolv.conf whose search path cannot be used: a domain that is not a valid name. */
export class SearchPathError extends Error {
  override readonly name = 'SearchPathError';
  constructor(
    message: string,
    /** 1-based line of the offending `search` or `domain` line. */
    readonly line: number,
  ) {
    super(message);
  }
}

const BLANKS = /[ \t\r]+/;

/**
 * The search path of resolv.conf text as the stub resolver (and miekg/dns, which CoreDNS
 * reads it with) sees it: `search D...` sets the list, `domain D` sets it to that one domain,
 * and the last such line wins; lines starting with `#` or `;` are comments, every other
 * keyword is irrelevant here. Domains come back absolute and lowercased, in file order.
 * Throws SearchPathError for a domain that is not a valid DNS name.
 */
export function parseSearchPath(text: string): string[] {
  let search: string[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i].trim();
    if (line === '' || line[0] === '#' || line[0] === ';') continue;
    const fields = line.split(BLANKS);
    const keyword = fields[0];
    if (keyword !== 'search' && keyword !== 'domain') continue;
    // `domain` takes only its first argument, as the C resolver does.
    const domains = keyword === 'domain' ? fields.slice(1, 2) : fields.slice(1);
    search = domains.map((d) => normalizeDomain(d, i + 1));
  }
  return search;
}

function normalizeDomain(text: string, line: number): string {
  try {
    return nameKey(parseName(text.endsWith('.') ? text : `${text}.`));
  } catch (e) {
    if (e instanceof NameError)
      throw new SearchPathError(`invalid search domain ${JSON.stringify(text)}: ${e.message}`, line);
    throw e;
  }
}

/** Reads a resolv.conf file's search path; throws the file system's error or SearchPathError. */
export function readSearchPath(path: string): string[] {
  return parseSearchPath(readFileSync(path, 'utf8'));
}
